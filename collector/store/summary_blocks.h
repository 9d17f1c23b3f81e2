#pragma once
// Where utilisation blocks (collector/store/summary_block.h) live: summary_blocks holds one row
// per host and hour of raw summaries, rollup_blocks one per host and day of daily rollups. Each
// row keeps, beside its block, how many (metric, summary) entries it holds and the latest end
// among them, so counts and "last summary" need no decoding.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "collector/store/database.h"
#include "collector/store/summary_block.h"

namespace sahab::collector {

enum class BlockTable { kSummaries, kRollups };

// Seconds a block of `table` covers: an hour of summaries, a day of rollups.
std::int64_t block_period(BlockTable table);
std::int64_t block_start(BlockTable table, std::int64_t unix_seconds);

// Calls `on_block(start, entries)` for the blocks of `host` starting in [from, to), in order. A
// block that cannot be decoded is logged and skipped: one damaged hour must not stop a window.
void for_each_block(Database& db, BlockTable table, const std::string& host, std::int64_t from,
                    std::int64_t to,
                    const std::function<void(std::int64_t, std::vector<SummaryEntry>&)>& on_block);

// Replaces the block of `host` starting at `start` with `entries` (deletes it when empty).
void write_block(Database& db, BlockTable table, const std::string& host, std::int64_t start,
                 const std::vector<SummaryEntry>& entries);

// Adds `entries` to their blocks, each replacing a stored entry of the same metric and start.
void put_entries(Database& db, BlockTable table, const std::string& host,
                 const std::vector<SummaryEntry>& entries);

// Deletes the blocks of `host` starting in [from, to); returns the entries they held.
std::int64_t delete_blocks(Database& db, BlockTable table, const std::string& host,
                           std::int64_t from, std::int64_t to);

}  // namespace sahab::collector
