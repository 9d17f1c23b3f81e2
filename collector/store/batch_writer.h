#pragma once
// Stores one validated ingest batch inside the writer's transaction: the host's highest sequence
// (its mark), which makes replays idempotent, the host's last-seen time and labels, changed
// inventory sections with their history, dependency edges, and the utilisation summaries.
#include <cstdint>
#include <string>
#include <vector>

#include "collector/ingest/document.h"
#include "collector/store/database.h"
#include "collector/store/summary_block.h"

namespace sahab::collector {

enum class BatchOutcome { kStored, kDuplicate };

BatchOutcome store_batch(Database& db, const Batch& batch, const std::string& remote_address,
                         std::int64_t now);

// Adds utilisation entries of `host` (an agent's summaries, a source's performance samples) to
// their blocks and marks their days for the daily rollups.
void add_utilisation(Database& db, const std::string& host,
                     const std::vector<SummaryEntry>& entries);

// Makes the other writers of `host`'s rows (another collector on one PostgreSQL, the maintenance
// job packing its day) wait until this transaction ends; nothing to take on SQLite.
void lock_host(Database& db, const std::string& host_id);

inline constexpr std::int64_t kSecondsPerDay = 86'400;
inline std::int64_t day_of(std::int64_t unix_seconds) {
  return unix_seconds - ((unix_seconds % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay;
}

}  // namespace sahab::collector
