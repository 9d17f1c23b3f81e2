#pragma once
// Performance history from vCenter's PerformanceManager, turned into the utilisation summaries
// agents send (collector/store/summary_block.h), so that a VM read from vCenter is sized,
// given percentiles and a confidence like an agent host. Which counters are read and what each
// becomes: docs/sources.md#performance.
//
// vCenter keeps realtime samples (20 s) for about an hour and rolls them up into its historical
// intervals (by default 5 min for a day, 30 min for a week, 2 h for a month, 1 day for a year).
// perf_windows() asks each level only for the time no finer level covers, from the newest sample
// already stored (or the longest history on a VM's first run) up to now; QueryPerf answers are
// read with bounded counts (read_perf_answer) before anything is kept.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collector/sources/soap_xml.h"
#include "collector/sources/vsphere_client.h"
#include "collector/store/summary_block.h"

namespace sahab::collector::vsphere {

// One sampling level of the PerformanceManager: samples of `period` seconds kept for `length`.
struct PerfInterval {
  std::int64_t period = 0;
  std::int64_t length = 0;
};
// Realtime: 20 s samples, kept an hour by ESXi and vCenter alike.
inline constexpr PerfInterval kRealtime{20, 3600};

// The enabled historical intervals of PerformanceManager.historicalInterval (an
// ArrayOfPerfInterval), finest first; vSphere's defaults when the property is empty (vcsim).
std::vector<PerfInterval> historical_intervals(const XmlNode* property);

// The counters read, by the utilisation metric (protocol::report) each feeds.
struct PerfCounter {
  std::string name;    // "cpu.usage.average": group.name.rollup as vSphere names it
  std::string metric;  // "cpu_ratio"
  double scale;        // multiplies the integer vCenter gives into the metric's unit
};
const std::vector<PerfCounter>& perf_counters();

// Counter keys of this server by name ("cpu.usage.average" -> 2), from the PerformanceManager's
// perfCounter property (an ArrayOfPerfCounterInfo); only the names of perf_counters() are kept.
std::map<std::string, int> counter_keys(const XmlNode* property);

// A QueryPerf window: samples of `interval` seconds ending in (from, to].
struct PerfWindow {
  std::int64_t interval = 0;
  std::int64_t from = 0, to = 0;
  std::int64_t max_samples() const { return (to - from) / interval + 1; }
};
// The windows that cover (since, now] (since: the newest sample stored, nullopt for none),
// each level asked only for the time the finer ones do not keep; nothing older than the longest
// level. `levels` finest first, realtime included.
std::vector<PerfWindow> perf_windows(std::optional<std::int64_t> since, std::int64_t now,
                                     const std::vector<PerfInterval>& levels);

// One querySpec of a QueryPerf: VM `vm` over `window`, the counters `keys`, aggregate instance.
std::string perf_query_spec(const std::string& vm, const PerfWindow& window,
                            const std::map<std::string, int>& keys);

// Limits on a QueryPerf answer, checked while it is read: a vCenter answering more than was
// asked for is refused (VsphereError "too_large") rather than kept.
struct PerfLimits {
  std::size_t entities = 0;            // the query's VMs
  std::size_t samples = 0;             // the window's max_samples()
  std::size_t series = 64;             // counters per entity (the query asks for 9)
  std::int64_t max_value = 1LL << 50;  // larger integers are not measurements
};

// One VM's samples: sample i ended at ends[i] and lasted intervals[i] seconds; values[counter][i].
struct EntitySamples {
  std::string vm;
  std::vector<std::int64_t> ends, intervals;
  std::map<int, std::vector<std::int64_t>> values;  // by counter key; -1 (no value) kept
};
// Throws VsphereError ("protocol" for what is not a PerfEntityMetric answer, "too_large" past
// the limits).
std::vector<EntitySamples> read_perf_answer(const XmlNode& response, const PerfLimits& limits);

// The samples as summary entries in agent metrics: samples shorter than `report_seconds` (the
// agents' report interval, the base of coverage) are grouped into one entry per report interval
// (partial intervals at the end are left for the next run), longer ones are an entry each standing
// for period / report_seconds summaries; each sample weighs its period in 20 s samples, so the
// percentiles of a mixed history weigh time alike. Samples that began before `from` (the newest
// sample stored, or the window's start) are left out, so that no time is counted twice.
std::vector<SummaryEntry> summary_entries(const EntitySamples& samples,
                                          const std::map<std::string, int>& keys,
                                          std::int64_t report_seconds, std::int64_t from);

}  // namespace sahab::collector::vsphere
