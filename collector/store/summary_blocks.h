#pragma once
// Where utilisation blocks (collector/store/summary_block.h) live: summary_blocks holds raw
// summaries, rollup_blocks one row per host and day of daily rollups. A raw summary is written
// first into a piece, a small plain block of its own (one per push: writing a push costs the
// same whatever the hour already holds); a host's pieces of an hour become one block of the hour
// during the next hour, and an hour's blocks one block of the day once the day is over and the
// maintenance job has rolled it up (pack_day: fewer, larger blocks compress better and fill
// their pages, issue 17). Blocks of a host never overlap. Each row keeps, beside its block, the
// seconds from its start its entries start in (span), how many (metric, summary) entries it holds
// and the latest end among them, so counts and "last summary" need no decoding.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "collector/store/database.h"
#include "collector/store/summary_block.h"

namespace sahab::collector {

enum class BlockTable { kSummaries, kRollups };

// Seconds a block of `table` covers when written: an hour of summaries, a day of rollups.
std::int64_t block_period(BlockTable table);
std::int64_t block_start(BlockTable table, std::int64_t unix_seconds);

// Calls `on_block(start, entries)` for the blocks of `host` that cover some of [from, to), in
// order of their start. A block that cannot be decoded is logged and skipped: one damaged hour
// must not stop a window.
void for_each_block(Database& db, BlockTable table, const std::string& host, std::int64_t from,
                    std::int64_t to,
                    const std::function<void(std::int64_t, std::vector<SummaryEntry>&)>& on_block);

// A block as read from its table, still encoded: where it lives and its bytes, and for a rollup
// whether summaries of its day arrived since it was built (rollup_pending: then it is not used).
struct StoredBlock {
  std::int64_t start = 0;
  std::int64_t span = 0;
  std::string data;
  bool stale = false;
};

// for_each_block over blocks read before (`blocks`: those of `host` in `table`, in order of their
// start): the same blocks, decoded and skipped the same way.
void for_each_stored_block(
    const std::vector<StoredBlock>& blocks, BlockTable table, const std::string& host,
    std::int64_t from, std::int64_t to,
    const std::function<void(std::int64_t, std::vector<SummaryEntry>&)>& on_block);

// Replaces the block of `host` starting at `start` with `entries` (deletes it when empty); it
// covers block_period(table).
void write_block(Database& db, BlockTable table, const std::string& host, std::int64_t start,
                 const std::vector<SummaryEntry>& entries);

// Adds `entries` (raw summaries) to `host`'s blocks, each replacing a stored entry of the same
// metric and start: into the block that holds its start (an hour's or a day's block, or a piece
// it overlaps), else as a new piece. A write in an hour whose previous stored hour is still in
// pieces merges them into that hour's block once the host is some minutes into the new hour
// (spread by host, 5 to 45 minutes).
void put_summaries(Database& db, const std::string& host, const std::vector<SummaryEntry>& entries);

// Replaces the raw summary blocks of `host` in the day starting at `day` with one block of
// `entries` (the day's entries, as read from `blocks_read` of them) covering the whole day. When
// some of the day's blocks could not be read, it leaves them all as they are (a damaged block is
// kept for a person to look at, not dropped by upkeep).
void pack_day(Database& db, const std::string& host, std::int64_t day,
              const std::vector<SummaryEntry>& entries, std::int64_t blocks_read);

// Deletes the blocks of `host` starting in [from, to); returns the entries they held.
std::int64_t delete_blocks(Database& db, BlockTable table, const std::string& host,
                           std::int64_t from, std::int64_t to);

// Deletes the blocks of the hosts with ids from `first` to `last` in the store's order (both
// included) starting before `before`, in one statement for them all (retention); returns the
// entries they held.
std::int64_t delete_blocks_before(Database& db, BlockTable table, const std::string& first,
                                  const std::string& last, std::int64_t before);

}  // namespace sahab::collector
