#include "collector/store/summary_blocks.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
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

// Writes `entries` as the block of `host` at `start`. Without a span, the row takes the column's
// default (its table's period) and the statement names no span at all: migration 9 writes its
// blocks through here, before migration 12 adds the column.
void store_block(Database& db, BlockTable table, const std::string& host, std::int64_t start,
                 std::optional<std::int64_t> span, const std::vector<SummaryEntry>& entries) {
  const std::string encoded = encode_block(entries);
  const auto entry_count = static_cast<std::int64_t>(entries.size());
  const std::string sql = "INSERT INTO " + table_name(table) + "(host_id, start, " +
                          (span ? "span, " : "") + "entries, last_end, data) VALUES (?, ?, " +
                          (span ? "?, " : "") +
                          "?, ?, ?) ON CONFLICT(host_id, start) DO UPDATE SET " +
                          (span ? "span = excluded.span, " : "") +
                          "entries = excluded.entries, last_end = excluded.last_end, "
                          "data = excluded.data";
  if (span) {
    db.cached(sql).with(host, start, *span, entry_count, last_end(entries), Blob{encoded}).run();
  } else {
    db.cached(sql).with(host, start, entry_count, last_end(entries), Blob{encoded}).run();
  }
}

// `data`, the block of `host` at `start` in `table`, decoded; a block that cannot be read is
// logged and answers nothing.
std::vector<SummaryEntry> decode_or_skip(std::string_view data, BlockTable table,
                                         const std::string& host, std::int64_t start) {
  try {
    return decode_block(data);
  } catch (const BlockError& e) {
    log::warn("store: " + table_name(table) + " of host " + host + " at " + std::to_string(start) +
              " skipped: " + e.what());
    return {};
  }
}

struct HeldBlock {
  BlockSpan where;
  std::vector<SummaryEntry> entries;  // none yet, or unreadable (then replaced)
};

// The block that holds `host`'s entries of the period starting at `start`: the day's once
// pack_day has packed it (late summaries of a spooling agent), else the period's own. One lookup
// by primary key, as cheap as the period's own block alone.
HeldBlock holding_block(Database& db, BlockTable table, const std::string& host,
                        std::int64_t start) {
  Statement& s = db.cached("SELECT start, span, data FROM " + table_name(table) +
                           " WHERE host_id = ? AND ((start = ? AND span = ?) OR start = ?) "
                           "ORDER BY span DESC LIMIT 1")
                     .with(host, block_start(BlockTable::kRollups, start), kLongestSpan, start);
  HeldBlock held{{start, block_period(table)}, {}};
  if (s.step()) {
    held.where = {s.integer(0), s.integer(1)};
    held.entries = decode_or_skip(s.blob(2), table, host, held.where.first);
  }
  s.reset();
  return held;
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
    auto entries = decode_or_skip(s.blob(1), table, host, s.integer(0));
    if (!entries.empty()) on_block(s.integer(0), entries);
  }
}

void for_each_stored_block(
    const std::vector<StoredBlock>& blocks, BlockTable table, const std::string& host,
    std::int64_t from, std::int64_t to,
    const std::function<void(std::int64_t, std::vector<SummaryEntry>&)>& on_block) {
  if (from >= to) return;
  // What for_each_block's statement selects.
  const std::int64_t earliest = earliest_start_covering(from);
  for (const StoredBlock& block : blocks) {
    if (block.start <= earliest || block.start >= to || block.start + block.span <= from) continue;
    auto entries = decode_or_skip(block.data, table, host, block.start);
    if (!entries.empty()) on_block(block.start, entries);
  }
}

void write_block(Database& db, BlockTable table, const std::string& host, std::int64_t start,
                 const std::vector<SummaryEntry>& entries) {
  if (entries.empty()) {
    delete_blocks(db, table, host, start, start + 1);
    return;
  }
  store_block(db, table, host, start, std::nullopt, entries);
}

void put_entries(Database& db, BlockTable table, const std::string& host,
                 const std::vector<SummaryEntry>& entries) {
  std::map<std::int64_t, std::vector<const SummaryEntry*>> by_period;
  for (const auto& e : entries) by_period[block_start(table, e.start)].push_back(&e);
  for (const auto& [start, added] : by_period) {
    HeldBlock held = holding_block(db, table, host, start);
    std::map<std::pair<std::string, std::int64_t>, SummaryEntry> merged;
    for (auto& e : held.entries) merged[{e.metric, e.start}] = std::move(e);
    for (const auto* e : added) merged[{e->metric, e->start}] = *e;
    std::vector<SummaryEntry> list;
    list.reserve(merged.size());
    for (auto& [key, e] : merged) list.push_back(std::move(e));
    store_block(db, table, host, held.where.first, held.where.second, list);
  }
}

void pack_day(Database& db, const std::string& host, std::int64_t day,
              const std::vector<SummaryEntry>& entries, std::int64_t blocks_read) {
  Statement& stored = db.cached(
                            "SELECT count(*) FROM summary_blocks WHERE host_id = ? AND "
                            "start >= ? AND start < ?")
                          .with(host, day, day + kLongestSpan);
  const std::int64_t blocks = stored.step() ? stored.integer(0) : 0;
  stored.reset();
  if (blocks != blocks_read) {
    log::warn("store: summaries of host " + host + " on day " + std::to_string(day) +
              " left in their blocks: some cannot be read");
    return;
  }
  delete_blocks(db, BlockTable::kSummaries, host, day, day + kLongestSpan);
  if (!entries.empty()) store_block(db, BlockTable::kSummaries, host, day, kLongestSpan, entries);
}

namespace {

// Deletes the blocks of `table` that `where` (with `args` bound) picks; returns the entries they
// held.
template <typename... Args>
std::int64_t delete_where(Database& db, BlockTable table, const std::string& where,
                          const Args&... args) {
  Statement& count =
      db.cached("SELECT coalesce(sum(entries), 0) FROM " + table_name(table) + where).with(args...);
  const std::int64_t entries = count.step() ? count.integer(0) : 0;
  count.reset();
  db.cached("DELETE FROM " + table_name(table) + where).with(args...).run();
  return entries;
}

}  // namespace

std::int64_t delete_blocks(Database& db, BlockTable table, const std::string& host,
                           std::int64_t from, std::int64_t to) {
  return delete_where(db, table, " WHERE host_id = ? AND start >= ? AND start < ?", host, from, to);
}

std::int64_t delete_blocks_before(Database& db, BlockTable table, const std::string& first,
                                  const std::string& last, std::int64_t before) {
  return delete_where(db, table, " WHERE host_id BETWEEN ? AND ? AND start < ?", first, last,
                      before);
}

}  // namespace sahab::collector
