#pragma once
// Percentiles over any window from stored summaries: sketches of the full-resolution summaries
// within the raw retention, daily rollups (merged sketches) before it, merged by adding bucket
// counts. Every percentile is within Sketch::kRelativeError (~1%) of the exact one over the raw
// samples, whatever the window.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/store/database.h"
#include "collector/store/summary_blocks.h"
#include "common/sketch.h"

namespace sahab::collector {

struct WindowStats {
  Sketch sketch;
  std::int64_t summaries = 0;  // how many report intervals contributed
  double sum = 0;              // sum of the samples (mean × count), for the mean
  double max = 0;
  bool empty() const { return sketch.empty(); }
};

struct UtilisationQuery {
  std::string host_id;
  std::string metric;
  std::int64_t from = 0;  // unix seconds, inclusive
  std::int64_t to = 0;    // exclusive
  // Summaries starting at or after this are read at full resolution; days before it from rollups.
  std::int64_t raw_from = 0;
};

// Whole days with an up-to-date rollup are read from it (same sketch, one block instead of 24).
WindowStats query_window(Database& db, const UtilisationQuery& query);

// The same for several metrics at once (query.metric is not used), reading each block once:
// stats[i] is metrics[i]'s.
std::vector<WindowStats> query_windows(Database& db, const UtilisationQuery& query,
                                       const std::vector<std::string>& metrics);

// Buckets of `step` seconds from `from`; rollup days fall in the bucket holding their start.
std::vector<WindowStats> query_series(Database& db, const UtilisationQuery& query,
                                      std::int64_t step);

// The blocks that the windows [from, to) of a range of hosts read (hosts with ids from `first` to
// `last` in the store's order, both included), read for all of them in one statement: the fleet
// export reads a page of hosts this way rather than in a few statements per host, each a round
// trip to PostgreSQL (issue 17). One statement, so one snapshot: a day rolled up meanwhile is
// read either from its rollup or from its summaries, never from neither. Memory: the blocks of
// the range, still encoded.
class UtilisationPage {
 public:
  UtilisationPage(Database& db, const std::string& first, const std::string& last,
                  std::int64_t from, std::int64_t to, std::int64_t raw_from);
  // What query_windows gives for `host` over the page's window (none for a host out of range).
  std::vector<WindowStats> query_windows(const std::string& host,
                                         const std::vector<std::string>& metrics) const;

 private:
  struct HostBlocks {
    std::vector<StoredBlock> raw, rollups;  // in order of their start
  };
  UtilisationQuery window_;
  std::unordered_map<std::string, HostBlocks> hosts_;
};

}  // namespace sahab::collector
