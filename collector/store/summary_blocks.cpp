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
// The period of a raw summaries' block before its day is packed.
constexpr std::int64_t kHour = 3'600;

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
                 std::optional<std::int64_t> span, const std::vector<SummaryEntry>& entries,
                 BlockPacking packing = BlockPacking::kDeflated) {
  const std::string encoded = encode_block(entries, packing);
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

// A piece: what one write adds to an hour of a host with nothing stored there yet, a block of
// its own covering its entries' starts only (so never a whole hour), kept plain (format 3). An
// agent's push adds a minute to its host's hour; rewriting the hour's block each time decoded
// and encoded up to an hour of entries per push, a push's cost growing through every hour
// (docs/storage.md, "Pieces"). The hour's pieces become one block later (compact_hour).
bool is_piece(const BlockSpan& where) { return where.second < kHour; }

struct HeldBlock {
  BlockSpan where;
  std::vector<SummaryEntry> entries;  // none when unreadable (then replaced)
};

// What a write of entries starting from `first` to `last` (both in the hour at `hour`) meets:
// the blocks holding some of [first, last] (blocks never overlap, so the one starting before
// `first` and those starting in the range), and where the latest block before the hour lives.
struct Surroundings {
  std::vector<HeldBlock> overlapping;
  std::optional<BlockSpan> before_hour;
};

// One statement, every part a lookup by primary key.
Surroundings surroundings(Database& db, const std::string& host, std::int64_t hour,
                          std::int64_t first, std::int64_t last) {
  Statement& s = db.cached(
                       "SELECT 1, start, span, data FROM summary_blocks WHERE host_id = ?1 AND "
                       "start >= ?2 AND start <= ?3 "
                       "UNION ALL SELECT 1, start, span, data FROM (SELECT start, span, data FROM "
                       "summary_blocks WHERE host_id = ?1 AND start < ?2 ORDER BY start DESC "
                       "LIMIT 1) AS previous WHERE start + span > ?2 "
                       "UNION ALL SELECT 0, start, span, NULL FROM (SELECT start, span FROM "
                       "summary_blocks WHERE host_id = ?1 AND start < ?4 ORDER BY start DESC "
                       "LIMIT 1) AS before_hour")
                     .with(host, first, last, hour);
  Surroundings found;
  while (s.step()) {
    const BlockSpan where{s.integer(1), s.integer(2)};
    if (s.integer(0) == 0) {
      found.before_hour = where;
      continue;
    }
    found.overlapping.push_back(
        {where, decode_or_skip(s.blob(3), BlockTable::kSummaries, host, where.first)});
  }
  s.reset();
  return found;
}

// Merges `added` (covering `where`) into the blocks it overlaps: one block in their place covering
// them all, the hour's or day's block that held it or a larger piece; a stored entry of the same
// metric and start is replaced.
void merge_into(Database& db, const std::string& host, std::vector<HeldBlock>& overlapping,
                const std::vector<const SummaryEntry*>& added, BlockSpan where) {
  std::map<std::pair<std::string, std::int64_t>, SummaryEntry> merged;
  std::int64_t end = where.first + where.second;
  for (auto& held : overlapping) {
    where.first = std::min(where.first, held.where.first);
    end = std::max(end, held.where.first + held.where.second);
    for (auto& e : held.entries) merged[{e.metric, e.start}] = std::move(e);
  }
  for (const auto& held : overlapping)
    if (held.where.first != where.first)
      delete_blocks(db, BlockTable::kSummaries, host, held.where.first, held.where.first + 1);
  for (const auto* e : added) merged[{e->metric, e->start}] = *e;
  where.second = end - where.first;
  std::vector<SummaryEntry> list;
  list.reserve(merged.size());
  for (auto& [key, e] : merged) list.push_back(std::move(e));
  store_block(db, BlockTable::kSummaries, host, where.first, where.second, list,
              is_piece(where) ? BlockPacking::kPlain : BlockPacking::kDeflated);
}

// How far into the next hour a host's pieces wait before they become one block: spread over
// the hour by host, so that hosts whose hours end together do not all compact at once.
std::int64_t compaction_delay(const std::string& host) {
  constexpr std::int64_t kEarliest = 300, kSpread = 2'400;
  return kEarliest + static_cast<std::int64_t>(std::hash<std::string>{}(host) % kSpread);
}

// Replaces the blocks of `host` starting in [start, start + span) with one block of `entries`
// (what `blocks_read` of them held) covering the span; when some could not be read, leaves them
// all as they are (a damaged block is kept for a person to look at, not dropped by upkeep).
void pack_blocks(Database& db, const std::string& host, std::int64_t start, std::int64_t span,
                 const std::vector<SummaryEntry>& entries, std::int64_t blocks_read) {
  Statement& stored = db.cached(
                            "SELECT count(*) FROM summary_blocks WHERE host_id = ? AND "
                            "start >= ? AND start < ?")
                          .with(host, start, start + span);
  const std::int64_t blocks = stored.step() ? stored.integer(0) : 0;
  stored.reset();
  if (blocks != blocks_read) {
    log::warn("store: summaries of host " + host + " from " + std::to_string(start) + " for " +
              std::to_string(span) + " s left in their blocks: some cannot be read");
    return;
  }
  delete_blocks(db, BlockTable::kSummaries, host, start, start + span);
  if (!entries.empty()) store_block(db, BlockTable::kSummaries, host, start, span, entries);
}

// The pieces of `host`'s hour at `hour` become one block of the hour.
void compact_hour(Database& db, const std::string& host, std::int64_t hour) {
  std::vector<SummaryEntry> entries;
  std::int64_t blocks_read = 0;
  for_each_block(db, BlockTable::kSummaries, host, hour, hour + kHour,
                 [&](std::int64_t, std::vector<SummaryEntry>& read) {
                   entries.insert(entries.end(), std::make_move_iterator(read.begin()),
                                  std::make_move_iterator(read.end()));
                   ++blocks_read;
                 });
  pack_blocks(db, host, hour, kHour, entries, blocks_read);
}

}  // namespace

std::int64_t block_period(BlockTable table) {
  return table == BlockTable::kSummaries ? kHour : kLongestSpan;
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

void put_summaries(Database& db, const std::string& host,
                   const std::vector<SummaryEntry>& entries) {
  std::map<std::int64_t, std::vector<const SummaryEntry*>> by_hour;
  for (const auto& e : entries) by_hour[block_start(BlockTable::kSummaries, e.start)].push_back(&e);
  for (const auto& [hour, added] : by_hour) {
    const auto [low, high] = std::minmax_element(
        added.begin(), added.end(), [](auto* a, auto* b) { return a->start < b->start; });
    const std::int64_t first = (*low)->start, last = (*high)->start;
    Surroundings around = surroundings(db, host, hour, first, last);
    const BlockSpan piece{first, last - first + 1};
    if (around.overlapping.empty()) {
      std::vector<SummaryEntry> list;
      list.reserve(added.size());
      for (const auto* e : added) list.push_back(*e);
      store_block(db, BlockTable::kSummaries, host, piece.first, piece.second, list,
                  BlockPacking::kPlain);
    } else {
      merge_into(db, host, around.overlapping, added, piece);
    }
    if (around.before_hour && is_piece(*around.before_hour) &&
        first - hour >= compaction_delay(host))
      compact_hour(db, host, block_start(BlockTable::kSummaries, around.before_hour->first));
  }
}

void pack_day(Database& db, const std::string& host, std::int64_t day,
              const std::vector<SummaryEntry>& entries, std::int64_t blocks_read) {
  pack_blocks(db, host, day, kLongestSpan, entries, blocks_read);
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
