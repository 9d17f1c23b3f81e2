#include "collector/store/utilisation.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "collector/store/batch_writer.h"

namespace sahab::collector {
namespace {

void add_row(WindowStats& stats, std::int64_t summaries, std::int64_t count, double mean,
             double max, const std::string& sketch_json) {
  stats.sketch.merge(Sketch::from_json(nlohmann::json::parse(sketch_json)));
  stats.summaries += summaries;
  stats.sum += mean * static_cast<double>(count);
  stats.max = std::max(stats.max, max);
}

// Calls on_row(time, summaries, count, mean, max, sketch) for every stored row in the window.
void for_each_row(Database& db, const UtilisationQuery& q,
                  const std::function<void(std::int64_t, std::int64_t, std::int64_t, double, double,
                                           const std::string&)>& on_row) {
  const std::int64_t raw_start = std::max(q.from, q.raw_from);
  if (q.from < q.raw_from) {
    Statement& rollups =
        db.cached(
              "SELECT day, summaries, count, mean, max, sketch FROM rollups "
              "WHERE host_id = ? AND metric = ? AND day >= ? AND day < ? ORDER BY day")
            .with(q.host_id, q.metric, day_of(q.from), std::min(q.to, q.raw_from));
    while (rollups.step()) {
      on_row(rollups.integer(0), rollups.integer(1), rollups.integer(2), rollups.real(3),
             rollups.real(4), rollups.text(5));
    }
  }
  if (raw_start < q.to) {
    Statement& raw = db.cached(
                           "SELECT start, count, mean, max, sketch FROM summaries "
                           "WHERE host_id = ? AND metric = ? AND start >= ? AND start < ? "
                           "ORDER BY start")
                         .with(q.host_id, q.metric, raw_start, q.to);
    while (raw.step()) {
      on_row(raw.integer(0), 1, raw.integer(1), raw.real(2), raw.real(3), raw.text(4));
    }
  }
}

}  // namespace

WindowStats query_window(Database& db, const UtilisationQuery& query) {
  WindowStats stats;
  for_each_row(
      db, query,
      [&](std::int64_t, std::int64_t summaries, std::int64_t count, double mean, double max,
          const std::string& sketch) { add_row(stats, summaries, count, mean, max, sketch); });
  return stats;
}

std::vector<WindowStats> query_series(Database& db, const UtilisationQuery& query,
                                      std::int64_t step) {
  const auto buckets = static_cast<size_t>((query.to - query.from + step - 1) / step);
  std::vector<WindowStats> series(buckets);
  for_each_row(db, query,
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
