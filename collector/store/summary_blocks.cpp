#include "collector/store/summary_blocks.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "common/log.h"

namespace sahab::collector {
namespace {

// The table names come from this enum only, never from input.
std::string table_name(BlockTable table) {
  return table == BlockTable::kSummaries ? "summary_blocks" : "rollup_blocks";
}

std::int64_t last_end(const std::vector<SummaryEntry>& entries) {
  std::int64_t end = std::numeric_limits<std::int64_t>::min();
  for (const auto& e : entries) end = std::max(end, e.end);
  return end;
}

}  // namespace

std::int64_t block_period(BlockTable table) {
  return table == BlockTable::kSummaries ? 3'600 : 86'400;
}

std::int64_t block_start(BlockTable table, std::int64_t unix_seconds) {
  const std::int64_t period = block_period(table);
  return unix_seconds - ((unix_seconds % period) + period) % period;
}

void for_each_block(Database& db, BlockTable table, const std::string& host, std::int64_t from,
                    std::int64_t to,
                    const std::function<void(std::int64_t, std::vector<SummaryEntry>&)>& on_block) {
  if (from >= to) return;
  Statement& s = db.cached("SELECT start, data FROM " + table_name(table) +
                           " WHERE host_id = ? AND start >= ? AND start < ? ORDER BY start")
                     .with(host, from, to);
  while (s.step()) {
    std::vector<SummaryEntry> entries;
    try {
      entries = decode_block(s.blob(1));
    } catch (const BlockError& e) {
      log::warn("store: " + table_name(table) + " of host " + host + " at " +
                std::to_string(s.integer(0)) + " skipped: " + e.what());
      continue;
    }
    on_block(s.integer(0), entries);
  }
}

void write_block(Database& db, BlockTable table, const std::string& host, std::int64_t start,
                 const std::vector<SummaryEntry>& entries) {
  if (entries.empty()) {
    delete_blocks(db, table, host, start, start + 1);
    return;
  }
  const std::string encoded = encode_block(entries);
  db.cached("INSERT INTO " + table_name(table) +
            "(host_id, start, entries, last_end, data) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(host_id, start) DO UPDATE SET entries = excluded.entries, "
            "last_end = excluded.last_end, data = excluded.data")
      .with(host, start, static_cast<std::int64_t>(entries.size()), last_end(entries),
            Blob{encoded})
      .run();
}

void put_entries(Database& db, BlockTable table, const std::string& host,
                 const std::vector<SummaryEntry>& entries) {
  std::map<std::int64_t, std::vector<const SummaryEntry*>> by_block;
  for (const auto& e : entries) by_block[block_start(table, e.start)].push_back(&e);
  for (const auto& [start, added] : by_block) {
    std::map<std::pair<std::string, std::int64_t>, SummaryEntry> merged;
    for_each_block(db, table, host, start, start + 1, [&](std::int64_t, auto& stored) {
      for (auto& e : stored) merged[{e.metric, e.start}] = std::move(e);
    });
    for (const auto* e : added) merged[{e->metric, e->start}] = *e;
    std::vector<SummaryEntry> block;
    block.reserve(merged.size());
    for (auto& [key, e] : merged) block.push_back(std::move(e));
    write_block(db, table, host, start, block);
  }
}

std::int64_t delete_blocks(Database& db, BlockTable table, const std::string& host,
                           std::int64_t from, std::int64_t to) {
  const std::string where = " WHERE host_id = ? AND start >= ? AND start < ?";
  Statement& count = db.cached("SELECT coalesce(sum(entries), 0) FROM " + table_name(table) + where)
                         .with(host, from, to);
  const std::int64_t entries = count.step() ? count.integer(0) : 0;
  count.reset();
  db.cached("DELETE FROM " + table_name(table) + where).with(host, from, to).run();
  return entries;
}

}  // namespace sahab::collector
