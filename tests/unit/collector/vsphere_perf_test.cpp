// collector/sources/vsphere_perf: vCenter's counters found by name, the windows asked of each
// sampling level, QueryPerf answers (recorded from vcsim) read within their limits, and samples
// turned into the summary entries agents send.
#include "collector/sources/vsphere_perf.h"

#include <doctest/doctest.h>

#include "common/timestamp.h"
#include "unit/collector/vcenter_fixture.h"

using namespace sahab::collector;
using namespace sahab::collector::vsphere;

namespace {

std::string envelope(const std::string& body) {
  return "<?xml version=\"1.0\"?><soapenv:Envelope "
         "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
         "<QueryPerfResponse xmlns=\"urn:vim25\">" +
         body + "</QueryPerfResponse></soapenv:Body></soapenv:Envelope>";
}

// A PerfEntityMetric of `vm` with the given samples (end time, interval) and series.
std::string entity(const std::string& vm, const std::vector<std::pair<std::string, int>>& samples,
                   const std::vector<std::pair<int, std::vector<std::string>>>& series) {
  std::string xml = "<returnval xsi:type=\"PerfEntityMetric\"><entity type=\"VirtualMachine\">" +
                    vm + "</entity>";
  for (const auto& [end, interval] : samples)
    xml += "<sampleInfo><timestamp>" + end + "</timestamp><interval>" + std::to_string(interval) +
           "</interval></sampleInfo>";
  for (const auto& [counter, values] : series) {
    xml += "<value xsi:type=\"PerfMetricIntSeries\"><id><counterId>" + std::to_string(counter) +
           "</counterId><instance></instance></id>";
    for (const auto& v : values) xml += "<value>" + v + "</value>";
    xml += "</value>";
  }
  return xml + "</returnval>";
}

std::map<std::string, int> vcsim_keys() {
  const XmlNode answer = parse_soap_body(sahab::testing::vcenter_fixture("perfcounter-vcsim.xml"));
  const XmlNode* val = answer.find("returnval")->find("objects")->find("propSet")->find("val");
  REQUIRE(val);
  return counter_keys(val);
}

std::int64_t at(const char* rfc3339) { return *sahab::parse_rfc3339(rfc3339); }

const SummaryEntry* entry_of(const std::vector<SummaryEntry>& entries, const std::string& metric,
                             std::int64_t start) {
  for (const auto& e : entries)
    if (e.metric == metric && e.start == start) return &e;
  return nullptr;
}

}  // namespace

TEST_CASE("the counters read are found by name in the server's perfCounter list") {
  const auto keys = vcsim_keys();
  CHECK(keys.size() == perf_counters().size());
  CHECK(keys.at("cpu.usage.average") == 2);
  CHECK(keys.at("mem.usage.average") == 24);
  CHECK(keys.at("disk.numberReadAveraged.average") == 136);
  CHECK(keys.at("net.transmitted.average") == 149);
  // cpu.usage.none (key 1) is the same counter with another rollup: not taken.
  for (const auto& [name, key] : keys) CHECK(key != 1);
  CHECK(counter_keys(nullptr).empty());
}

TEST_CASE("historical intervals: the enabled ones finest first, vSphere's defaults when none") {
  const auto defaults = historical_intervals(nullptr);
  REQUIRE(defaults.size() == 4);
  CHECK(defaults[0].period == 300);
  CHECK(defaults[0].length == 86'400);
  CHECK(defaults[2].period == 7200);
  const XmlNode property = parse_soap_body(envelope(
      "<returnval><PerfInterval><key>2</key><samplingPeriod>1800</samplingPeriod>"
      "<length>604800</length><enabled>true</enabled></PerfInterval>"
      "<PerfInterval><samplingPeriod>300</samplingPeriod><length>86400</length>"
      "<enabled>true</enabled></PerfInterval><PerfInterval><samplingPeriod>7200</samplingPeriod>"
      "<length>2592000</length><enabled>false</enabled></PerfInterval>"
      "<PerfInterval><samplingPeriod>oops</samplingPeriod><length>1</length></PerfInterval>"
      "</returnval>"));
  const auto levels = historical_intervals(property.find("returnval"));
  REQUIRE(levels.size() == 2);
  CHECK(levels[0].period == 300);
  CHECK(levels[1].period == 1800);
}

TEST_CASE("a VM's first run asks each level for what no finer level keeps, a month at most") {
  std::vector<PerfInterval> levels = historical_intervals(nullptr);
  levels.insert(levels.begin(), kRealtime);
  const std::int64_t now = 1'800'000'000;
  const auto first = perf_windows(std::nullopt, now, levels);
  REQUIRE(first.size() == 4);  // the yearly level's daily averages are left out
  CHECK(first[0].interval == 20);
  CHECK(first[0].from == now - 3600);
  CHECK(first[0].to == now);
  CHECK(first[0].max_samples() == 181);
  CHECK(first[1].interval == 300);
  CHECK(first[1].from == now - 86'400);
  CHECK(first[1].to == now - 3600);
  CHECK(first[2].interval == 1800);
  CHECK(first[2].to == now - 86'400);
  CHECK(first[3].interval == 7200);
  CHECK(first[3].from == now - 30 * 86'400);
  CHECK(first[3].to == now - 7 * 86'400);

  // Later runs: from the newest sample stored.
  const auto next = perf_windows(now - 300, now, levels);
  REQUIRE(next.size() == 1);
  CHECK(next[0].interval == 20);
  CHECK(next[0].from == now - 300);
  const auto after_a_stop = perf_windows(now - 3 * 3600, now, levels);
  REQUIRE(after_a_stop.size() == 2);
  CHECK(after_a_stop[1].interval == 300);
  CHECK(after_a_stop[1].from == now - 3 * 3600);
  CHECK(after_a_stop[1].to == now - 3600);
  CHECK(perf_windows(now, now, levels).empty());
  // Older than the longest level: the month only.
  CHECK(perf_windows(now - 400 * 86'400, now, levels).size() == 4);
}

TEST_CASE("a querySpec lists its members in the schema's order") {
  const auto spec = perf_query_spec("vm-42", {300, 1'800'000'000 - 3600, 1'800'000'000},
                                    {{"cpu.usage.average", 2}, {"mem.usage.average", 24}});
  const auto entity = spec.find("<entity type=\"VirtualMachine\">vm-42</entity>");
  const auto start = spec.find("<startTime>");
  const auto end = spec.find("<endTime>");
  const auto max = spec.find("<maxSample>13</maxSample>");
  const auto metric = spec.find("<metricId><counterId>2</counterId><instance></instance>");
  const auto interval = spec.find("<intervalId>300</intervalId>");
  REQUIRE(entity != std::string::npos);
  REQUIRE(interval != std::string::npos);
  CHECK(entity < start);
  CHECK(start < end);
  CHECK(end < max);
  CHECK(max < metric);
  CHECK(metric < interval);
  CHECK(perf_query_spec("<vm>", {20, 0, 60}, {}).find("&lt;vm&gt;") != std::string::npos);
}

TEST_CASE("a recorded vcsim QueryPerf answer becomes agent summaries, newest first or not") {
  const auto keys = vcsim_keys();
  const auto answer = read_perf_answer(
      parse_soap_body(sahab::testing::vcenter_fixture("queryperf-vcsim-300.xml")), {2, 5});
  REQUIRE(answer.size() == 2);
  CHECK(answer[0].vm == "vm-42");
  CHECK(answer[1].vm == "vm-45");
  REQUIRE(answer[0].ends.size() == 5);
  CHECK(answer[0].ends[0] == at("2026-12-05T10:20:00Z"));  // vcsim: newest first
  CHECK(answer[0].intervals[0] == 300);
  CHECK(answer[0].values.at(2).size() == 5);
  CHECK(answer[0].values.count(136) == 0);  // vcsim's empty series: no data, not zeros

  // From 10:00: the sample ending at 10:00 began before and is left out.
  const auto entries = summary_entries(answer[0], keys, 60, at("2026-12-05T10:00:00Z"));
  const SummaryEntry* cpu = entry_of(entries, "cpu_ratio", at("2026-12-05T10:15:00Z"));
  REQUIRE(cpu);
  CHECK(cpu->end == at("2026-12-05T10:20:00Z"));
  CHECK(cpu->mean == doctest::Approx(0.0741));  // 741 hundredths of a percent
  CHECK(cpu->max == doctest::Approx(0.0741));
  CHECK(cpu->summaries == 5);  // five one-minute report intervals
  CHECK(cpu->count == 15);     // weighs fifteen 20-second samples
  CHECK(cpu->sketch.count() == 15);
  const SummaryEntry* read = entry_of(entries, "disk_read_bytes_per_second", cpu->start);
  REQUIRE(read);
  CHECK(read->mean == doctest::Approx(58 * 1024.0));  // KB/s
  CHECK(entry_of(entries, "memory_ratio", cpu->start));
  CHECK(entry_of(entries, "network_transmit_bytes_per_second", cpu->start));
  CHECK_FALSE(entry_of(entries, "disk_read_iops", cpu->start));
  CHECK_FALSE(entry_of(entries, "cpu_ratio", at("2026-12-05T09:55:00Z")));
  std::size_t cpu_entries = 0;
  for (const auto& e : entries) cpu_entries += e.metric == "cpu_ratio";
  CHECK(cpu_entries == 4);
}

TEST_CASE("realtime samples are grouped by report interval, the one still filling left out") {
  const auto keys = vcsim_keys();
  // 20-second samples from 10:00:00 to 10:01:20, newest first: the minute from 10:01:00 is not
  // over at 10:01:20, so its sample waits for the next run.
  const auto answer =
      read_perf_answer(parse_soap_body(envelope(entity("vm-1",
                                                       {{"2026-12-05T10:01:20Z", 20},
                                                        {"2026-12-05T10:01:00Z", 20},
                                                        {"2026-12-05T10:00:40Z", 20},
                                                        {"2026-12-05T10:00:20Z", 20}},
                                                       {{2, {"10000", "2000", "4000", "-1"}}}))),
                       {1, 4});
  const auto entries = summary_entries(answer[0], keys, 60, at("2026-12-05T10:00:00Z"));
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].start == at("2026-12-05T10:00:00Z"));
  CHECK(entries[0].end == at("2026-12-05T10:01:00Z"));
  CHECK(entries[0].summaries == 1);
  CHECK(entries[0].count == 2);  // -1: vCenter had no sample at 10:00:20
  CHECK(entries[0].mean == doctest::Approx(0.3));
  CHECK(entries[0].max == doctest::Approx(0.4));
}

TEST_CASE("QueryPerf answers beyond what was asked, or malformed, are refused by reason") {
  const auto reason = [](const std::string& body, PerfLimits limits) {
    try {
      read_perf_answer(parse_soap_body(envelope(body)), limits);
    } catch (const VsphereError& e) {
      return e.reason + ": " + e.what();
    }
    return std::string("accepted");
  };
  const auto one = [](const std::string& vm) {
    return entity(vm, {{"2026-12-05T10:00:00Z", 300}}, {{2, {"100"}}});
  };
  CHECK(reason(one("vm-1"), {1, 1}) == "accepted");
  CHECK(reason(one("vm-1") + one("vm-2"), {1, 1}).starts_with("too_large: "));
  CHECK(reason(entity("vm-1", {{"2026-12-05T10:00:00Z", 300}, {"2026-12-05T10:05:00Z", 300}},
                      {{2, {"1", "2"}}}),
               {1, 1})
            .starts_with("too_large: "));
  std::string many_series;
  for (int i = 0; i < 70; ++i) many_series += "<value><id><counterId>2</counterId></id></value>";
  CHECK(reason("<returnval xsi:type=\"PerfEntityMetric\"><entity>vm-1</entity>" + many_series +
                   "</returnval>",
               {1, 1})
            .starts_with("too_large: "));
  CHECK(reason("<returnval xsi:type=\"PerfEntityMetricCSV\"><entity>vm-1</entity></returnval>",
               {1, 1})
            .starts_with("protocol: "));
  CHECK(reason(entity("vm-1", {{"yesterday", 300}}, {}), {1, 1}).starts_with("protocol: "));
  CHECK(reason(entity("vm-1", {{"2026-12-05T10:00:00Z", 0}}, {}), {1, 1}).starts_with("protocol"));
  CHECK(reason(entity("vm-1", {{"2026-12-05T10:00:00Z", 300}}, {{2, {"1", "2"}}}), {1, 1})
            .starts_with("protocol: "));
  // Fewer values than samples (vcsim drops zeros): that series is left out, not the answer.
  const auto short_series = read_perf_answer(
      parse_soap_body(
          envelope(entity("vm-1", {{"2026-12-05T10:00:00Z", 300}, {"2026-12-05T10:05:00Z", 300}},
                          {{2, {"1"}}, {24, {"5", "6"}}}))),
      {1, 2});
  CHECK(short_series[0].values.count(2) == 0);
  CHECK(short_series[0].values.at(24).size() == 2);
  CHECK(reason(entity("vm-1", {{"2026-12-05T10:00:00Z", 300}}, {{2, {"12.5"}}}), {1, 1})
            .starts_with("protocol: "));
  CHECK(reason(entity("vm-1", {{"2026-12-05T10:00:00Z", 300}}, {{2, {"-7"}}}), {1, 1})
            .starts_with("protocol: "));
  CHECK(reason(entity("vm-1", {{"2026-12-05T10:00:00Z", 300}}, {{2, {"99999999999999999999"}}}),
               {1, 1})
            .starts_with("protocol: "));
  CHECK(reason("<returnval xsi:type=\"PerfEntityMetric\"><entity>vm-1</entity><value><id>"
               "<counterId>x</counterId></id></value></returnval>",
               {1, 1})
            .starts_with("protocol: "));
  // Nothing measured: no returnval at all.
  CHECK(reason("", {1, 1}) == "accepted");
}

TEST_CASE("a ratio past 100 % is kept at 1, as an agent's would be") {
  const auto keys = vcsim_keys();
  const auto answer =
      read_perf_answer(parse_soap_body(envelope(entity("vm-1", {{"2026-12-05T10:05:00Z", 300}},
                                                       {{2, {"12000"}}, {148, {"1000000"}}}))),
                       {1, 1});
  const auto entries = summary_entries(answer[0], keys, 60, 0);
  REQUIRE(entries.size() == 2);
  CHECK(entry_of(entries, "cpu_ratio", at("2026-12-05T10:00:00Z"))->max == 1.0);
  CHECK(entry_of(entries, "network_receive_bytes_per_second", at("2026-12-05T10:00:00Z"))->max ==
        doctest::Approx(1000000 * 1024.0));
}
