#include "collector/store/utilisation.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "collector/store/batch_writer.h"
#include "common/bounded_json.h"

namespace sahab::collector {
namespace {

void add_row(WindowStats& stats, std::int64_t summaries, std::int64_t count, double mean,
             double max, const std::string& sketch_json) {
  stats.sketch.merge(Sketch::from_json(
      bounded_json::parse_stored_or(sketch_json, "sketch", nlohmann::json::object())));
  stats.summaries += summaries;
  stats.sum += mean * static_cast<double>(count);
  stats.max = std::max(stats.max, max);
}

using RowHandler = std::function<void(std::int64_t, std::int64_t, std::int64_t, double, double,
                                      const std::string&)>;

void rollup_rows(Database& db, const UtilisationQuery& q, std::int64_t from_day,
                 std::int64_t to_day, const RowHandler& on_row) {
  Statement& rollups =
      db.cached(
            "SELECT day, summaries, count, mean, max, sketch FROM rollups "
            "WHERE host_id = ? AND metric = ? AND day >= ? AND day < ? ORDER BY day")
          .with(q.host_id, q.metric, from_day, to_day);
  while (rollups.step()) {
    on_row(rollups.integer(0), rollups.integer(1), rollups.integer(2), rollups.real(3),
           rollups.real(4), rollups.text(5));
  }
}

void raw_rows(Database& db, const UtilisationQuery& q, std::int64_t from, std::int64_t to,
              const RowHandler& on_row) {
  if (from >= to) return;
  Statement& raw = db.cached(
                         "SELECT start, count, mean, max, sketch FROM summaries "
                         "WHERE host_id = ? AND metric = ? AND start >= ? AND start < ? "
                         "ORDER BY start")
                       .with(q.host_id, q.metric, from, to);
  while (raw.step()) {
    on_row(raw.integer(0), 1, raw.integer(1), raw.real(2), raw.real(3), raw.text(4));
  }
}

// Whole days in [from, to) whose rollup is up to date (no summaries arrived since it was built).
std::vector<std::int64_t> fresh_rollup_days(Database& db, const UtilisationQuery& q,
                                            std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> days;
  Statement& s = db.cached(
                       "SELECT r.day FROM rollups r WHERE r.host_id = ?1 AND r.metric = ?2 "
                       "AND r.day >= ?3 AND r.day + 86400 <= ?4 AND NOT EXISTS (SELECT 1 FROM "
                       "rollup_pending p WHERE p.host_id = ?1 AND p.day = r.day) ORDER BY r.day")
                     .with(q.host_id, q.metric, from, to);
  while (s.step()) days.push_back(s.integer(0));
  return days;
}

// Calls on_row(time, summaries, count, mean, max, sketch) for every stored row in the window:
// rollups before raw_from; raw summaries after it, except (when `prefer_rollups`) whole days
// whose rollup is fresh, which cost one row instead of up to 1,440.
void for_each_row(Database& db, const UtilisationQuery& q, bool prefer_rollups,
                  const RowHandler& on_row) {
  if (q.from < q.raw_from) rollup_rows(db, q, day_of(q.from), std::min(q.to, q.raw_from), on_row);
  std::int64_t cursor = std::max(q.from, q.raw_from);
  if (prefer_rollups && cursor < q.to) {
    const std::int64_t first_whole_day = day_of(cursor + kSecondsPerDay - 1);
    for (const std::int64_t day : fresh_rollup_days(db, q, first_whole_day, q.to)) {
      raw_rows(db, q, cursor, day, on_row);
      rollup_rows(db, q, day, day + 1, on_row);
      cursor = day + kSecondsPerDay;
    }
  }
  raw_rows(db, q, cursor, q.to, on_row);
}

}  // namespace

WindowStats query_window(Database& db, const UtilisationQuery& query) {
  WindowStats stats;
  for_each_row(
      db, query, true,
      [&](std::int64_t, std::int64_t summaries, std::int64_t count, double mean, double max,
          const std::string& sketch) { add_row(stats, summaries, count, mean, max, sketch); });
  return stats;
}

std::vector<WindowStats> query_series(Database& db, const UtilisationQuery& query,
                                      std::int64_t step) {
  const auto buckets = static_cast<size_t>((query.to - query.from + step - 1) / step);
  std::vector<WindowStats> series(buckets);
  for_each_row(db, query, false,
               [&](std::int64_t time, std::int64_t summaries, std::int64_t count, double mean,
                   double max, const std::string& sketch) {
                 const auto index =
                     static_cast<size_t>(std::max<std::int64_t>(0, time - query.from) / step);
                 if (index < series.size())
                   add_row(series[index], summaries, count, mean, max, sketch);
               });
  return series;
}

}  // namespace sahab::collector
