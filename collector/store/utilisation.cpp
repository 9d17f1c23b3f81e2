#include "collector/store/utilisation.h"

#include <algorithm>
#include <functional>

#include "collector/store/batch_writer.h"
#include "collector/store/summary_blocks.h"

namespace sahab::collector {
namespace {

void add_entry(WindowStats& stats, const SummaryEntry& e) {
  stats.sketch.merge(e.sketch);
  stats.summaries += e.summaries;
  stats.sum += e.mean * static_cast<double>(e.count);
  stats.max = std::max(stats.max, e.max);
}

using EntryHandler = std::function<void(const SummaryEntry&)>;

void rollup_entries(Database& db, const UtilisationQuery& q, std::int64_t from_day,
                    std::int64_t to_day, const EntryHandler& on_entry) {
  for_each_block(db, BlockTable::kRollups, q.host_id, from_day, to_day,
                 [&](std::int64_t, std::vector<SummaryEntry>& entries) {
                   for (const auto& e : entries) on_entry(e);
                 });
}

void raw_entries(Database& db, const UtilisationQuery& q, std::int64_t from, std::int64_t to,
                 const EntryHandler& on_entry) {
  for_each_block(db, BlockTable::kSummaries, q.host_id, from, to,
                 [&](std::int64_t, std::vector<SummaryEntry>& entries) {
                   for (const auto& e : entries)
                     if (e.start >= from && e.start < to) on_entry(e);
                 });
}

// Whole days in [from, to) whose rollup is up to date (no summaries arrived since it was built).
std::vector<std::int64_t> fresh_rollup_days(Database& db, const UtilisationQuery& q,
                                            std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> days;
  Statement& s = db.cached(
                       "SELECT r.start FROM rollup_blocks r WHERE r.host_id = ?1 "
                       "AND r.start >= ?2 AND r.start + 86400 <= ?3 AND NOT EXISTS (SELECT 1 "
                       "FROM rollup_pending p WHERE p.host_id = ?1 AND p.day = r.start) "
                       "ORDER BY r.start")
                     .with(q.host_id, from, to);
  while (s.step()) days.push_back(s.integer(0));
  return days;
}

// Calls on_entry for every stored entry (all metrics) in the window: rollups before raw_from;
// raw summaries after it, except (when `prefer_rollups`) whole days whose rollup is fresh, which
// cost one block instead of 24.
void for_each_entry(Database& db, const UtilisationQuery& q, bool prefer_rollups,
                    const EntryHandler& on_entry) {
  if (q.from < q.raw_from)
    rollup_entries(db, q, day_of(q.from), std::min(q.to, q.raw_from), on_entry);
  std::int64_t cursor = std::max(q.from, q.raw_from);
  if (prefer_rollups && cursor < q.to) {
    const std::int64_t first_whole_day = day_of(cursor + kSecondsPerDay - 1);
    for (const std::int64_t day : fresh_rollup_days(db, q, first_whole_day, q.to)) {
      raw_entries(db, q, cursor, day, on_entry);
      rollup_entries(db, q, day, day + 1, on_entry);
      cursor = day + kSecondsPerDay;
    }
  }
  raw_entries(db, q, cursor, q.to, on_entry);
}

}  // namespace

std::vector<WindowStats> query_windows(Database& db, const UtilisationQuery& query,
                                       const std::vector<std::string>& metrics) {
  std::vector<WindowStats> stats(metrics.size());
  for_each_entry(db, query, true, [&](const SummaryEntry& e) {
    const auto it = std::find(metrics.begin(), metrics.end(), e.metric);
    if (it != metrics.end()) add_entry(stats[static_cast<size_t>(it - metrics.begin())], e);
  });
  return stats;
}

WindowStats query_window(Database& db, const UtilisationQuery& query) {
  return std::move(query_windows(db, query, {query.metric}).front());
}

std::vector<WindowStats> query_series(Database& db, const UtilisationQuery& query,
                                      std::int64_t step) {
  const auto buckets = static_cast<size_t>((query.to - query.from + step - 1) / step);
  std::vector<WindowStats> series(buckets);
  for_each_entry(db, query, false, [&](const SummaryEntry& e) {
    if (e.metric != query.metric) return;
    const auto index = static_cast<size_t>(std::max<std::int64_t>(0, e.start - query.from) / step);
    if (index < series.size()) add_entry(series[index], e);
  });
  return series;
}

}  // namespace sahab::collector
