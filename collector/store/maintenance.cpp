#include "collector/store/maintenance.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "collector/store/batch_writer.h"
#include "collector/store/summary_blocks.h"
#include "common/sketch.h"

namespace sahab::collector {
namespace {
// Pending (host, day) pairs read per round. Each is rolled up in a writer job of its own:
// rolling a day up and packing it costs about 12 ms of CPU per host on the server profile
// (docs/benchmarks.md, "Day blocks"), so on SQLite a push waits at most that long behind it, and
// on PostgreSQL the job holds one host's lock (lock_host) at a time, so it cannot deadlock with a
// lane's transaction that holds other hosts' locks.
constexpr int kPendingPerRound = 64;

struct Merged {
  Sketch sketch;
  std::int64_t summaries = 0;
  std::int64_t count = 0;
  double sum = 0;
  double max = 0;
  void add(const SummaryEntry& e) {
    sketch.merge(e.sketch);
    summaries += e.summaries;
    count += e.count;
    sum += e.mean * static_cast<double>(e.count);
    max = std::max(max, e.max);
  }
};

// Rebuilds (host, day)'s rollups from its raw summaries and packs those into one block for the
// day (pack_day). Days already past the raw retention (late data from a long-spooled agent) are
// merged into the existing rollup and the raw rows deleted, since the rest of that day's raw rows
// are gone. Returns how many raw entries it deleted.
std::int64_t roll_up(Database& db, const std::string& host, std::int64_t day,
                     std::int64_t raw_from) {
  lock_host(db, host);  // an agent's late summary must not land in an hour block being packed
  const bool past_retention = day < raw_from;
  std::map<std::string, Merged> by_metric;
  const auto add = [&by_metric](std::int64_t, std::vector<SummaryEntry>& entries) {
    for (const auto& e : entries) by_metric[e.metric].add(e);
  };
  if (past_retention) for_each_block(db, BlockTable::kRollups, host, day, day + 1, add);
  std::vector<SummaryEntry> raw;
  std::int64_t raw_blocks = 0;
  for_each_block(db, BlockTable::kSummaries, host, day, day + kSecondsPerDay,
                 [&](std::int64_t start, std::vector<SummaryEntry>& entries) {
                   add(start, entries);
                   raw.insert(raw.end(), std::make_move_iterator(entries.begin()),
                              std::make_move_iterator(entries.end()));
                   ++raw_blocks;
                 });
  std::vector<SummaryEntry> rollup;
  for (const auto& [metric, m] : by_metric) {
    const double mean = m.count > 0 ? m.sum / static_cast<double>(m.count) : 0.0;
    rollup.push_back(
        {metric, day, day + kSecondsPerDay, m.summaries, m.count, mean, m.max, m.sketch});
  }
  if (!rollup.empty()) write_block(db, BlockTable::kRollups, host, day, rollup);
  std::int64_t deleted = 0;
  if (past_retention) {
    deleted = delete_blocks(db, BlockTable::kSummaries, host, day, day + kSecondsPerDay);
  } else if (!raw.empty()) {
    pack_day(db, host, day, raw, raw_blocks);
  }
  db.cached("DELETE FROM rollup_pending WHERE host_id = ? AND day = ?").with(host, day).run();
  return deleted;
}

// Up to kPendingPerRound pending days before `settled` (days over for kRollupSettleSeconds, and
// any day reaching the raw retention boundary, whose raw rows go next).
std::vector<std::pair<std::string, std::int64_t>> pending_days(Store& store, std::int64_t settled) {
  return store.read([settled](Database& db) {
    std::vector<std::pair<std::string, std::int64_t>> pending;
    Statement& s = db.cached("SELECT host_id, day FROM rollup_pending WHERE day < ? LIMIT ?")
                       .with(settled, kPendingPerRound);
    const ResetOnExit reset_on_exit(s);
    while (s.step()) pending.emplace_back(s.text(0), s.integer(1));
    return pending;
  });
}

// The first and last ids of each run of kHostsPerRetentionJob hosts, in the store's order.
std::vector<std::pair<std::string, std::string>> host_ranges(Store& store) {
  return store.read([](Database& db) {
    std::vector<std::pair<std::string, std::string>> ranges;
    Statement& s = db.cached("SELECT id FROM hosts ORDER BY id", Rows::kInPieces);
    const ResetOnExit reset_on_exit(s);
    for (std::size_t i = 0; s.step(); ++i) {
      if (i % kHostsPerRetentionJob == 0) ranges.emplace_back(s.text(0), s.text(0));
      ranges.back().second = s.text(0);
    }
    return ranges;
  });
}

}  // namespace

MaintenanceReport run_maintenance(Store& store, const RetentionPolicy& policy, std::int64_t now,
                                  MaintenanceMemory& memory) {
  MaintenanceReport report;
  const std::int64_t raw_boundary = raw_from(policy, now);
  const std::int64_t settled = std::max(day_of(now - kRollupSettleSeconds), raw_boundary);
  for (auto pending = pending_days(store, settled); !pending.empty();
       pending = pending_days(store, settled)) {
    for (const auto& [host, day] : pending) {
      store.write_background(
          [&](Database& db) { report.summaries_deleted += roll_up(db, host, day, raw_boundary); });
      ++report.days_rolled_up;
    }
  }
  // Raw rows before the boundary are all rolled up now (pending days were handled above).
  const std::int64_t rollup_boundary = day_of(now - policy.rollup_seconds);
  if (raw_boundary != memory.raw_swept_before || rollup_boundary != memory.rollups_swept_before) {
    for (const auto& [first, last] : host_ranges(store)) {
      store.write_background([&](Database& db) {
        report.summaries_deleted +=
            delete_blocks_before(db, BlockTable::kSummaries, first, last, raw_boundary);
        report.rollups_deleted +=
            delete_blocks_before(db, BlockTable::kRollups, first, last, rollup_boundary);
      });
    }
    memory = {raw_boundary, rollup_boundary};
  }
  store.write_background([&](Database& db) {
    db.cached(
          "UPDATE hosts SET state = 'stale' WHERE source = 'agent' AND state = 'active' "
          "AND last_seen < ?")
        .with(now - policy.stale_after_seconds)
        .run();
    report.hosts_marked_stale = db.changes();
  });
  return report;
}

MaintenanceReport run_maintenance(Store& store, const RetentionPolicy& policy, std::int64_t now) {
  MaintenanceMemory first_pass;
  return run_maintenance(store, policy, now, first_pass);
}

}  // namespace sahab::collector
