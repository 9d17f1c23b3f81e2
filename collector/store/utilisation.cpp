#include "collector/store/utilisation.h"

#include <algorithm>
#include <functional>

#include "collector/store/batch_writer.h"

namespace sahab::collector {
namespace {

void add_entry(WindowStats& stats, const SummaryEntry& e) {
  stats.sketch.merge(e.sketch);
  stats.summaries += e.summaries;
  stats.sum += e.mean * static_cast<double>(e.count);
  stats.max = std::max(stats.max, e.max);
}

using EntryHandler = std::function<void(const SummaryEntry&)>;
using BlockHandler = std::function<void(std::int64_t, std::vector<SummaryEntry>&)>;

// Where one host's blocks come from: its own statements (one host's window), or a page of hosts'
// blocks read before (UtilisationPage). Both answer the same for the same rows.
struct BlockSource {
  // for_each_block of the host's blocks of `table` covering some of [from, to).
  std::function<void(BlockTable table, std::int64_t from, std::int64_t to, const BlockHandler&)>
      blocks;
  // Whole days in [from, to) whose rollup is up to date (no summaries arrived since it was built),
  // in order.
  std::function<std::vector<std::int64_t>(std::int64_t from, std::int64_t to)> fresh_rollup_days;
};

void rollup_entries(const BlockSource& source, std::int64_t from_day, std::int64_t to_day,
                    const EntryHandler& on_entry) {
  source.blocks(BlockTable::kRollups, from_day, to_day,
                [&](std::int64_t, std::vector<SummaryEntry>& entries) {
                  for (const auto& e : entries) on_entry(e);
                });
}

void raw_entries(const BlockSource& source, std::int64_t from, std::int64_t to,
                 const EntryHandler& on_entry) {
  source.blocks(BlockTable::kSummaries, from, to,
                [&](std::int64_t, std::vector<SummaryEntry>& entries) {
                  for (const auto& e : entries)
                    if (e.start >= from && e.start < to) on_entry(e);
                });
}

// The first whole day a window's raw summaries could be replaced by rollups from.
std::int64_t first_whole_day(const UtilisationQuery& q) {
  return day_of(std::max(q.from, q.raw_from) + kSecondsPerDay - 1);
}

// Calls on_entry for every stored entry (all metrics) in the window: rollups before raw_from;
// raw summaries after it, except (when `prefer_rollups`) whole days whose rollup is fresh, which
// cost one block instead of 24.
void for_each_entry(const BlockSource& source, const UtilisationQuery& q, bool prefer_rollups,
                    const EntryHandler& on_entry) {
  if (q.from < q.raw_from)
    rollup_entries(source, day_of(q.from), std::min(q.to, q.raw_from), on_entry);
  std::int64_t cursor = std::max(q.from, q.raw_from);
  if (prefer_rollups && cursor < q.to) {
    for (const std::int64_t day : source.fresh_rollup_days(first_whole_day(q), q.to)) {
      raw_entries(source, cursor, day, on_entry);
      rollup_entries(source, day, day + 1, on_entry);
      cursor = day + kSecondsPerDay;
    }
  }
  raw_entries(source, cursor, q.to, on_entry);
}

// The host's blocks, a statement for each reading.
BlockSource database_source(Database& db, const std::string& host) {
  return {[&db, &host](BlockTable table, std::int64_t from, std::int64_t to,
                       const BlockHandler& on_block) {
            for_each_block(db, table, host, from, to, on_block);
          },
          [&db, &host](std::int64_t from, std::int64_t to) {
            std::vector<std::int64_t> days;
            Statement& s =
                db.cached(
                      "SELECT r.start FROM rollup_blocks r WHERE r.host_id = ?1 "
                      "AND r.start >= ?2 AND r.start + 86400 <= ?3 AND NOT EXISTS (SELECT 1 "
                      "FROM rollup_pending p WHERE p.host_id = ?1 AND p.day = r.start) "
                      "ORDER BY r.start")
                    .with(host, from, to);
            while (s.step()) days.push_back(s.integer(0));
            return days;
          }};
}

std::vector<WindowStats> windows_of(const BlockSource& source, const UtilisationQuery& query,
                                    const std::vector<std::string>& metrics) {
  std::vector<WindowStats> stats(metrics.size());
  for_each_entry(source, query, true, [&](const SummaryEntry& e) {
    const auto it = std::find(metrics.begin(), metrics.end(), e.metric);
    if (it != metrics.end()) add_entry(stats[static_cast<size_t>(it - metrics.begin())], e);
  });
  return stats;
}

}  // namespace

std::vector<WindowStats> query_windows(Database& db, const UtilisationQuery& query,
                                       const std::vector<std::string>& metrics) {
  return windows_of(database_source(db, query.host_id), query, metrics);
}

WindowStats query_window(Database& db, const UtilisationQuery& query) {
  return std::move(query_windows(db, query, {query.metric}).front());
}

std::vector<WindowStats> query_series(Database& db, const UtilisationQuery& query,
                                      std::int64_t step) {
  const auto buckets = static_cast<size_t>((query.to - query.from + step - 1) / step);
  std::vector<WindowStats> series(buckets);
  for_each_entry(database_source(db, query.host_id), query, false, [&](const SummaryEntry& e) {
    if (e.metric != query.metric) return;
    const auto index = static_cast<size_t>(std::max<std::int64_t>(0, e.start - query.from) / step);
    if (index < series.size()) add_entry(series[index], e);
  });
  return series;
}

// Every rollup a window reads (rollups from the day holding `from`; stale ones are read and not
// used), and the raw blocks after raw_from except those of a fresh rollup's day, which a window
// never reads (most of the raw data in the window: the day blocks of the raw retention).
UtilisationPage::UtilisationPage(Database& db, const std::string& first, const std::string& last,
                                 std::int64_t from, std::int64_t to, std::int64_t raw_from)
    : window_{"", "", from, to, raw_from} {
  Statement& s =
      db.cached(
            "SELECT 1, r.host_id, r.start, r.span, r.data, CASE WHEN EXISTS (SELECT 1 FROM "
            "rollup_pending p WHERE p.host_id = r.host_id AND p.day = r.start) THEN 1 ELSE 0 END "
            "FROM rollup_blocks r "
            "WHERE r.host_id BETWEEN ?1 AND ?2 AND r.start > ?3 AND r.start < ?5 "
            "UNION ALL SELECT 0, b.host_id, b.start, b.span, b.data, 0 FROM summary_blocks b "
            "WHERE b.host_id BETWEEN ?1 AND ?2 AND b.start > ?4 AND b.start < ?5 AND NOT EXISTS "
            "(SELECT 1 FROM rollup_blocks r WHERE r.host_id = b.host_id "
            "AND r.start = b.start - ((b.start % 86400) + 86400) % 86400 "
            "AND b.start + b.span <= r.start + 86400 AND r.start >= ?6 "
            "AND r.start + 86400 <= ?5 AND NOT EXISTS (SELECT 1 FROM rollup_pending p "
            "WHERE p.host_id = r.host_id AND p.day = r.start)) ORDER BY 2, 3")
          .with(first, last, day_of(from) - kSecondsPerDay,
                std::max(from, raw_from) - kSecondsPerDay, to, first_whole_day(window_));
  while (s.step()) {
    HostBlocks& host = hosts_[s.text(1)];
    (s.integer(0) ? host.rollups : host.raw)
        .push_back({s.integer(2), s.integer(3), s.blob(4), s.integer(5) != 0});
  }
}

std::vector<WindowStats> UtilisationPage::query_windows(
    const std::string& host, const std::vector<std::string>& metrics) const {
  static const HostBlocks none;
  const auto it = hosts_.find(host);
  const HostBlocks& blocks = it == hosts_.end() ? none : it->second;
  const BlockSource source{
      [&](BlockTable table, std::int64_t from, std::int64_t to, const BlockHandler& on_block) {
        for_each_stored_block(table == BlockTable::kRollups ? blocks.rollups : blocks.raw, table,
                              host, from, to, on_block);
      },
      [&](std::int64_t from, std::int64_t to) {
        std::vector<std::int64_t> days;
        for (const StoredBlock& r : blocks.rollups)
          if (!r.stale && r.start >= from && r.start + kSecondsPerDay <= to)
            days.push_back(r.start);
        return days;
      }};
  UtilisationQuery query = window_;
  query.host_id = host;
  return windows_of(source, query, metrics);
}

}  // namespace sahab::collector
