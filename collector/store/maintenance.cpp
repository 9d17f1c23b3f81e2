#include "collector/store/maintenance.h"

#include <map>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "collector/store/batch_writer.h"
#include "common/bounded_json.h"
#include "common/sketch.h"

namespace sahab::collector {
namespace {
// Pending (host, day) pairs handled per writer job, so ingest never waits long behind upkeep.
constexpr int kPendingPerJob = 200;

struct Merged {
  Sketch sketch;
  std::int64_t summaries = 0;
  std::int64_t count = 0;
  double sum = 0;
  double max = 0;
  void add(std::int64_t n_summaries, std::int64_t n, double mean, double m, const std::string& s) {
    sketch.merge(
        Sketch::from_json(bounded_json::parse_stored_or(s, "sketch", nlohmann::json::object())));
    summaries += n_summaries;
    count += n;
    sum += mean * static_cast<double>(n);
    max = std::max(max, m);
  }
};

void write_rollup(Database& db, const std::string& host, const std::string& metric,
                  std::int64_t day, const Merged& m) {
  db.cached(
        "INSERT OR REPLACE INTO rollups(host_id, metric, day, summaries, count, mean, max, sketch) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .with(host, metric, day, m.summaries, m.count,
            m.count > 0 ? m.sum / static_cast<double>(m.count) : 0.0, m.max,
            m.sketch.to_json().dump())
      .run();
}

// Rebuilds (host, day)'s rollups from its raw summaries. Days already past the raw retention
// (late data from a long-spooled agent) are merged into the existing rollup and the raw rows
// deleted, since the rest of that day's raw rows are gone. Returns how many raw rows it deleted.
std::int64_t roll_up(Database& db, const std::string& host, std::int64_t day,
                     std::int64_t raw_from) {
  const bool past_retention = day < raw_from;
  std::map<std::string, Merged> by_metric;
  if (past_retention) {
    Statement& old = db.cached(
                           "SELECT metric, summaries, count, mean, max, sketch FROM rollups "
                           "WHERE host_id = ? AND day = ?")
                         .with(host, day);
    while (old.step()) {
      by_metric[old.text(0)].add(old.integer(1), old.integer(2), old.real(3), old.real(4),
                                 old.text(5));
    }
  }
  Statement& raw = db.cached(
                         "SELECT metric, count, mean, max, sketch FROM summaries "
                         "WHERE host_id = ? AND start >= ? AND start < ?")
                       .with(host, day, day + kSecondsPerDay);
  while (raw.step()) {
    by_metric[raw.text(0)].add(1, raw.integer(1), raw.real(2), raw.real(3), raw.text(4));
  }
  for (const auto& [metric, merged] : by_metric) write_rollup(db, host, metric, day, merged);
  std::int64_t deleted = 0;
  if (past_retention) {
    db.cached("DELETE FROM summaries WHERE host_id = ? AND start >= ? AND start < ?")
        .with(host, day, day + kSecondsPerDay)
        .run();
    deleted = db.changes();
  }
  db.cached("DELETE FROM rollup_pending WHERE host_id = ? AND day = ?").with(host, day).run();
  return deleted;
}

// Rolls up a bounded number of completed days; returns how many, and adds the raw rows deleted
// on the way to `summaries_deleted`.
std::int64_t roll_up_some(Database& db, std::int64_t today, std::int64_t raw_from,
                          std::int64_t& summaries_deleted) {
  std::vector<std::pair<std::string, std::int64_t>> pending;
  Statement& s = db.cached("SELECT host_id, day FROM rollup_pending WHERE day < ? LIMIT ?")
                     .with(today, kPendingPerJob);
  while (s.step()) pending.emplace_back(s.text(0), s.integer(1));
  s.reset();
  for (const auto& [host, day] : pending) summaries_deleted += roll_up(db, host, day, raw_from);
  return static_cast<std::int64_t>(pending.size());
}

std::vector<std::string> host_ids(Store& store) {
  return store.read([](Database& db) {
    std::vector<std::string> ids;
    Statement& s = db.cached("SELECT id FROM hosts");
    while (s.step()) ids.push_back(s.text(0));
    return ids;
  });
}

}  // namespace

MaintenanceReport run_maintenance(Store& store, const RetentionPolicy& policy, std::int64_t now) {
  MaintenanceReport report;
  const std::int64_t today = day_of(now);
  const std::int64_t raw_boundary = raw_from(policy, now);
  for (std::int64_t done = kPendingPerJob; done == kPendingPerJob;) {
    store.write([&](Database& db) {
      done = roll_up_some(db, today, raw_boundary, report.summaries_deleted);
    });
    report.days_rolled_up += done;
  }
  // Raw rows before the boundary are all rolled up now (pending days were handled above).
  for (const auto& host : host_ids(store)) {
    store.write([&](Database& db) {
      db.cached("DELETE FROM summaries WHERE host_id = ? AND start < ?")
          .with(host, raw_boundary)
          .run();
      report.summaries_deleted += db.changes();
      db.cached("DELETE FROM rollups WHERE host_id = ? AND day < ?")
          .with(host, day_of(now - policy.rollup_seconds))
          .run();
      report.rollups_deleted += db.changes();
    });
  }
  store.write([&](Database& db) {
    db.cached(
          "UPDATE hosts SET state = 'stale' WHERE source = 'agent' AND state = 'active' "
          "AND last_seen < ?")
        .with(now - policy.stale_after_seconds)
        .run();
    report.hosts_marked_stale = db.changes();
  });
  return report;
}

}  // namespace sahab::collector
