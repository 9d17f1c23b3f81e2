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

// No block covers more than a day: a block covering some of [from, to) starts after from - this,
// which keeps the lookup a range of the primary key.
constexpr std::int64_t kLongestSpan = 86'400;

std::int64_t earliest_start_covering(std::int64_t from) {
  return from > std::numeric_limits<std::int64_t>::min() + kLongestSpan
             ? from - kLongestSpan
             : std::numeric_limits<std::int64_t>::min();
}

// Where a block lives: its start and the seconds it covers.
using BlockSpan = std::pair<std::int64_t, std::int64_t>;

void store_block(Database& db, BlockTable table, const std::string& host, BlockSpan block,
                 const std::vector<SummaryEntry>& entries) {
  const std::string encoded = encode_block(entries);
  db.cached("INSERT INTO " + table_name(table) +
            "(host_id, start, span, entries, last_end, data) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(host_id, start) DO UPDATE SET span = excluded.span, "
            "entries = excluded.entries, last_end = excluded.last_end, data = excluded.data")
      .with(host, block.first, block.second, static_cast<std::int64_t>(entries.size()),
            last_end(entries), Blob{encoded})
      .run();
}

// The block that holds the entries of `host` starting at `t`: the day's once pack_day has packed
// it (late summaries of a spooling agent), else the period's.
BlockSpan holding_block(Database& db, BlockTable table, const std::string& host, std::int64_t t) {
  const BlockSpan own{block_start(table, t), block_period(table)};
  if (table != BlockTable::kSummaries) return own;
  const std::int64_t day = block_start(BlockTable::kRollups, t);
  Statement& packed = db.cached(
                            "SELECT 1 FROM summary_blocks WHERE host_id = ? AND start = ? "
                            "AND span = ?")
                          .with(host, day, kLongestSpan);
  const bool is_packed = packed.step();
  packed.reset();
  return is_packed ? BlockSpan{day, kLongestSpan} : own;
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
                           " WHERE host_id = ? AND start > ? AND start < ? AND start + span > ? "
                           "ORDER BY start")
                     .with(host, earliest_start_covering(from), to, from);
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
  store_block(db, table, host, {start, block_period(table)}, entries);
}

void put_entries(Database& db, BlockTable table, const std::string& host,
                 const std::vector<SummaryEntry>& entries) {
  std::map<std::int64_t, std::vector<const SummaryEntry*>> by_period;
  for (const auto& e : entries) by_period[block_start(table, e.start)].push_back(&e);
  std::map<BlockSpan, std::vector<const SummaryEntry*>> by_block;
  for (const auto& [start, added] : by_period) {
    auto& list = by_block[holding_block(db, table, host, start)];
    list.insert(list.end(), added.begin(), added.end());
  }
  for (const auto& [block, added] : by_block) {
    std::map<std::pair<std::string, std::int64_t>, SummaryEntry> merged;
    for_each_block(db, table, host, block.first, block.first + 1, [&](std::int64_t, auto& stored) {
      for (auto& e : stored) merged[{e.metric, e.start}] = std::move(e);
    });
    for (const auto* e : added) merged[{e->metric, e->start}] = *e;
    std::vector<SummaryEntry> list;
    list.reserve(merged.size());
    for (auto& [key, e] : merged) list.push_back(std::move(e));
    store_block(db, table, host, block, list);
  }
}

void pack_day(Database& db, const std::string& host, std::int64_t day,
              const std::vector<SummaryEntry>& entries) {
  delete_blocks(db, BlockTable::kSummaries, host, day, day + kLongestSpan);
  if (!entries.empty()) store_block(db, BlockTable::kSummaries, host, {day, kLongestSpan}, entries);
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
