#pragma once
// Background upkeep of the store, run by the collector every few minutes in small writer jobs:
// daily rollups of completed days, retention of raw summaries and rollups, stale hosts.
#include <cstddef>
#include <cstdint>
#include <limits>

#include "collector/store/batch_writer.h"
#include "collector/store/store.h"

namespace sahab::collector {

struct RetentionPolicy {
  std::int64_t raw_seconds = 14 * 86'400;      // full-resolution summaries
  std::int64_t rollup_seconds = 400 * 86'400;  // daily rollups
  std::int64_t stale_after_seconds = 3'600;    // hosts silent for longer are marked stale
};

// How long after its end a day is rolled up and its hour blocks packed into one day block. A
// summary arriving after that (an agent's spool replayed after an outage across midnight) costs a
// decode and rewrite of the whole day block, about 40 times a push into an hour block
// (docs/benchmarks.md, "Day blocks"), so the day is left open while late summaries are likely.
inline constexpr std::int64_t kRollupSettleSeconds = 12 * 3'600;

// Hosts whose expired blocks one writer job of the retention deletes, in a statement per table
// over the range of their ids. A job per host, 4 statements each, made 10,000 transactions at
// 10,000 hosts: ~2.2 s of round trips on PostgreSQL after every start, under the first requests
// (issue 17).
inline constexpr std::size_t kHostsPerRetentionJob = 256;

// Day boundary before which utilisation is answered from rollups (raw summaries are deleted).
// Inline: sahab_fleet_export needs it without the rest of the store.
inline std::int64_t raw_from(const RetentionPolicy& policy, std::int64_t now) {
  return day_of(now - policy.raw_seconds);
}

struct MaintenanceReport {
  std::int64_t days_rolled_up = 0;
  std::int64_t summaries_deleted = 0;
  std::int64_t rollups_deleted = 0;
  std::int64_t hosts_marked_stale = 0;
};

// What a collector's earlier passes did that the next need not do again. The retention
// boundaries move once a day, so the sweep of expired blocks (every host's, in statements of
// kHostsPerRetentionJob hosts: ~1,600 statements at 100,000 hosts) runs when one has moved since
// the last sweep that finished, not at every pass. Rows that turn up behind a boundary meanwhile
// are a long-spooled agent's late summaries: their day's roll-up deletes them.
struct MaintenanceMemory {
  std::int64_t raw_swept_before = std::numeric_limits<std::int64_t>::min();
  std::int64_t rollups_swept_before = std::numeric_limits<std::int64_t>::min();
};

MaintenanceReport run_maintenance(Store& store, const RetentionPolicy& policy, std::int64_t now,
                                  MaintenanceMemory& memory);
// A first pass: sweeps.
MaintenanceReport run_maintenance(Store& store, const RetentionPolicy& policy, std::int64_t now);

}  // namespace sahab::collector
