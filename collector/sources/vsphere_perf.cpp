#include "collector/sources/vsphere_perf.h"

#include <algorithm>
#include <charconv>

#include "common/protocol/report.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::collector::vsphere {
namespace {
namespace metric = protocol::report::metric;

// Levels longer than this are left out: a year of daily averages flattens the peaks sizing
// looks at, and the planner's window is a month.
constexpr std::int64_t kLongestLevel = 31 * 86'400;
// The weight of a sample: how many realtime samples its period stands for.
constexpr std::int64_t kRealtimePeriod = kRealtime.period;

std::optional<std::int64_t> integer(const std::string& text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

double metric_max(const std::string& name) {
  for (const auto& m : protocol::report::kUtilisationMetrics)
    if (m.name == name) return m.max;
  return metric::kAny;
}

// One bucket of samples of one metric, becoming one summary entry.
struct Bucket {
  std::int64_t start = 0, end = 0, summaries = 1, count = 0;
  double sum = 0, max = 0;
  Sketch sketch;
  void add(double value, std::int64_t weight) {
    sketch.add(value, static_cast<std::uint64_t>(weight));
    count += weight;
    sum += value * static_cast<double>(weight);
    max = std::max(max, value);
  }
};

}  // namespace

std::vector<PerfInterval> historical_intervals(const XmlNode* property) {
  std::vector<PerfInterval> levels;
  if (property) {
    for (const auto& interval : property->children) {
      const auto period = integer(interval.text_of("samplingPeriod"));
      const auto length = integer(interval.text_of("length"));
      if (interval.text_of("enabled") == "false" || !period || !length || *period <= 0 ||
          *length < *period)
        continue;
      levels.push_back({*period, *length});
    }
  }
  if (levels.empty()) {
    // vSphere's defaults (vcsim leaves the property empty).
    levels = {{300, 86'400}, {1800, 7 * 86'400}, {7200, 30 * 86'400}, {86'400, 365 * 86'400}};
  }
  std::sort(levels.begin(), levels.end(),
            [](const auto& a, const auto& b) { return a.period < b.period; });
  return levels;
}

const std::vector<PerfCounter>& perf_counters() {
  // cpu.usage and mem.usage are hundredths of a percent (10000 = 100 %; mem.usage is the VM's
  // active memory as a share of its configured memory), disk and net rates KB/s.
  static const std::vector<PerfCounter> counters = {
      {"cpu.usage.average", std::string(metric::kCpuRatio.name), 1e-4},
      {"mem.usage.average", std::string(metric::kMemoryRatio.name), 1e-4},
      {"disk.numberReadAveraged.average", std::string(metric::kDiskReadIops.name), 1},
      {"disk.numberWriteAveraged.average", std::string(metric::kDiskWriteIops.name), 1},
      {"disk.read.average", std::string(metric::kDiskReadBytes.name), 1024},
      {"disk.write.average", std::string(metric::kDiskWriteBytes.name), 1024},
      {"net.received.average", std::string(metric::kNetworkReceiveBytes.name), 1024},
      {"net.transmitted.average", std::string(metric::kNetworkTransmitBytes.name), 1024},
  };
  return counters;
}

std::map<std::string, int> counter_keys(const XmlNode* property) {
  std::map<std::string, int> keys;
  if (!property) return keys;
  for (const auto& info : property->children) {
    const XmlNode* name = info.find("nameInfo");
    const XmlNode* group = info.find("groupInfo");
    const auto key = integer(info.text_of("key"));
    if (!name || !group || !key || *key < 0 || *key > (1 << 30)) continue;
    const std::string full =
        group->text_of("key") + "." + name->text_of("key") + "." + info.text_of("rollupType");
    for (const auto& c : perf_counters())
      if (c.name == full) keys.emplace(full, static_cast<int>(*key));
  }
  return keys;
}

std::vector<PerfWindow> perf_windows(std::optional<std::int64_t> since, std::int64_t now,
                                     const std::vector<PerfInterval>& levels) {
  std::int64_t longest = 0;
  for (const auto& level : levels)
    if (level.length <= kLongestLevel) longest = std::max(longest, level.length);
  const std::int64_t from = std::max(since.value_or(now - longest), now - longest);
  std::vector<PerfWindow> windows;
  std::int64_t covered_to = now;
  for (const auto& level : levels) {
    if (covered_to <= from) break;
    if (level.length > kLongestLevel) continue;
    const std::int64_t level_from = std::max(from, now - level.length);
    if (level_from >= covered_to) continue;
    windows.push_back({level.period, level_from, covered_to});
    covered_to = level_from;
  }
  return windows;
}

std::string perf_query_spec(const std::string& vm, const PerfWindow& window,
                            const std::map<std::string, int>& keys) {
  // The members in the order of PerfQuerySpec's schema, which vCenter checks.
  std::string spec = "<querySpec><entity type=\"VirtualMachine\">" + text::markup_escape(vm) +
                     "</entity><startTime>" + format_rfc3339(window.from) +
                     "</startTime><endTime>" + format_rfc3339(window.to) + "</endTime><maxSample>" +
                     std::to_string(window.max_samples()) + "</maxSample>";
  for (const auto& [name, key] : keys)
    spec += "<metricId><counterId>" + std::to_string(key) +
            "</counterId><instance></instance></metricId>";
  return spec + "<intervalId>" + std::to_string(window.interval) + "</intervalId></querySpec>";
}

namespace {

void read_sample_info(const XmlNode& info, EntitySamples& out) {
  const auto end = parse_rfc3339(info.text_of("timestamp"));
  const auto interval = integer(info.text_of("interval"));
  if (!end || !interval || *interval <= 0 || *interval > 86'400) {
    throw VsphereError("protocol", "QueryPerf: a sample without a valid timestamp or interval");
  }
  out.ends.push_back(*end);
  out.intervals.push_back(*interval);
}

void read_series(const XmlNode& series, const PerfLimits& limits, EntitySamples& out) {
  const XmlNode* id = series.find("id");
  const auto key = id ? integer(id->text_of("counterId")) : std::nullopt;
  if (!key || *key < 0 || *key > (1 << 30))
    throw VsphereError("protocol", "QueryPerf: a series without a counter id");
  std::vector<std::int64_t> values;
  for (const auto& v : series.children) {
    if (v.name != "value") continue;
    const auto value = integer(v.text);
    if (!value || *value < -1 || *value > limits.max_value)
      throw VsphereError("protocol", "QueryPerf: counter " + std::to_string(*key) + ": value '" +
                                         v.text.substr(0, 32) + "' is not a count");
    values.push_back(*value);
  }
  // Fewer values than samples cannot be lined up with their times: vcsim leaves zero values out
  // of its series (Go's XML omitempty on each element), so a counter with no data is an empty
  // series and one with a zero somewhere a short one. The series is left out, the others kept.
  if (values.size() < out.ends.size()) return;
  if (values.size() > out.ends.size()) {
    throw VsphereError("protocol", "QueryPerf: counter " + std::to_string(*key) + " has " +
                                       std::to_string(values.size()) + " values for " +
                                       std::to_string(out.ends.size()) + " samples");
  }
  out.values[static_cast<int>(*key)] = std::move(values);
}

}  // namespace

std::vector<EntitySamples> read_perf_answer(const XmlNode& response, const PerfLimits& limits) {
  std::vector<EntitySamples> out;
  for (const auto& metric : response.children) {
    if (metric.name != "returnval") continue;
    if (metric.type != "PerfEntityMetric")
      throw VsphereError("protocol", "QueryPerf: '" + metric.type + "' is not a PerfEntityMetric");
    if (out.size() == limits.entities)
      throw VsphereError("too_large", "QueryPerf: more entities than the " +
                                          std::to_string(limits.entities) + " asked for");
    EntitySamples& samples = out.emplace_back();
    samples.vm = metric.text_of("entity");
    std::size_t series = 0;
    for (const auto& node : metric.children) {
      if (node.name == "sampleInfo") {
        if (samples.ends.size() == limits.samples)
          throw VsphereError("too_large", "QueryPerf: " + samples.vm + ": more than the " +
                                              std::to_string(limits.samples) +
                                              " samples asked for");
        read_sample_info(node, samples);
      }
    }
    for (const auto& node : metric.children) {
      if (node.name != "value") continue;
      if (++series > limits.series)
        throw VsphereError("too_large", "QueryPerf: " + samples.vm + ": more than " +
                                            std::to_string(limits.series) + " series");
      read_series(node, limits, samples);
    }
  }
  return out;
}

std::vector<SummaryEntry> summary_entries(const EntitySamples& samples,
                                          const std::map<std::string, int>& keys,
                                          std::int64_t report_seconds, std::int64_t from) {
  std::int64_t newest = 0;
  for (const auto end : samples.ends) newest = std::max(newest, end);
  std::vector<SummaryEntry> entries;
  for (const auto& counter : perf_counters()) {
    const auto key = keys.find(counter.name);
    if (key == keys.end()) continue;
    const auto series = samples.values.find(key->second);
    if (series == samples.values.end()) continue;
    const double ceiling = metric_max(counter.metric);
    std::map<std::int64_t, Bucket> buckets;  // by start
    for (std::size_t i = 0; i < samples.ends.size(); ++i) {
      const std::int64_t value = series->second[i];
      const std::int64_t period = samples.intervals[i];
      const std::int64_t end = samples.ends[i];
      if (value < 0 || end - period < from) continue;  // -1: vCenter had no sample
      const bool grouped = period < report_seconds;
      const std::int64_t start =
          grouped ? (end - period) -
                        (((end - period) % report_seconds) + report_seconds) % report_seconds
                  : end - period;
      Bucket& b = buckets[start];
      b.start = start;
      b.end = grouped ? start + report_seconds : end;
      b.summaries = grouped ? 1 : period / report_seconds;
      b.add(std::min(ceiling, static_cast<double>(value) * counter.scale),
            std::max<std::int64_t>(1, period / kRealtimePeriod));
    }
    for (auto& [start, b] : buckets) {
      if (b.end > newest) continue;  // a report interval still filling: the next run's
      entries.push_back({counter.metric, b.start, b.end, b.summaries, b.count,
                         b.sum / static_cast<double>(b.count), b.max, std::move(b.sketch)});
    }
  }
  return entries;
}

}  // namespace sahab::collector::vsphere
