#include "collector/api/plan_telemetry.h"

#include <doctest/doctest.h>
#include <prometheus/text_serializer.h>

#include <sstream>

using namespace sahab;
using namespace sahab::collector;

namespace {

std::string exposition(const planner::Plan& plan, const planner::Fleet& fleet, std::int64_t now) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(
      out, plan_metrics(plan_figures(plan, count_missing_data(fleet), 1'790'000'000), now));
  return "\n" + out.str();
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

planner::HostPlan host(std::string region, planner::Strategy strategy, int confidence) {
  planner::HostPlan h;
  h.region = std::move(region);
  h.strategy = strategy;
  h.confidence = confidence;
  return h;
}

planner::Wave wave(int number, std::vector<std::uint32_t> hosts, std::string start,
                   std::string end) {
  planner::Wave w;
  w.number = number;
  w.hosts = std::move(hosts);
  w.start = std::move(start);
  w.end = std::move(end);
  return w;
}

}  // namespace

TEST_CASE("plan telemetry: strategies, regions and confidence, zero where nothing") {
  planner::Plan plan;
  plan.currency = "MAD";
  plan.hosts = {host("Souss-Massa", planner::Strategy::kRehost, 5),
                host("Souss-Massa", planner::Strategy::kRehost, 2),
                host("Oriental", planner::Strategy::kRetire, 1)};
  const std::string text = exposition(plan, {}, 0);
  CHECK(has_line(text, "sahab_plan_hosts{strategy=\"rehost\"} 2"));
  CHECK(has_line(text, "sahab_plan_hosts{strategy=\"retire\"} 1"));
  CHECK(has_line(text, "sahab_plan_hosts{strategy=\"replatform\"} 0"));
  CHECK(has_line(text, "sahab_plan_hosts_by_region{region=\"Souss-Massa\",strategy=\"rehost\"} 2"));
  CHECK(has_line(text, "sahab_plan_hosts_by_confidence{confidence=\"2\"} 1"));
  CHECK(has_line(text, "sahab_plan_hosts_by_confidence{confidence=\"3\"} 0"));
  CHECK(has_line(text, "sahab_plan_generated_timestamp_seconds 1790000000"));
  CHECK(has_line(text, "sahab_plan_monthly_cost{currency=\"MAD\"} 0"));
}

TEST_CASE("plan telemetry: a wave's status follows its dates, its last day included") {
  planner::Plan plan;
  plan.waves = {wave(1, {0, 1}, "2027-01-04", "2027-01-17"),
                wave(2, {2}, "2027-01-18", "2027-01-31")};
  const std::int64_t jan4 = 1'799'020'800;  // 2027-01-04T00:00:00Z
  const std::int64_t day = 86'400;

  std::string text = exposition(plan, {}, jan4 - 1);
  CHECK(has_line(text, "sahab_plan_wave_hosts{status=\"scheduled\",wave=\"1\"} 2"));
  CHECK(has_line(text, "sahab_plan_wave_start_timestamp_seconds{wave=\"1\"} 1799020800"));
  CHECK(has_line(text, "sahab_plan_wave_end_timestamp_seconds{wave=\"1\"} " +
                           std::to_string(jan4 + 14 * day)));

  text = exposition(plan, {}, jan4 + 14 * day - 1);  // the last second of wave 1's last day
  CHECK(has_line(text, "sahab_plan_wave_hosts{status=\"in_progress\",wave=\"1\"} 2"));
  CHECK(has_line(text, "sahab_plan_wave_hosts{status=\"scheduled\",wave=\"2\"} 1"));

  text = exposition(plan, {}, jan4 + 20 * day);
  CHECK(has_line(text, "sahab_plan_wave_hosts{status=\"completed\",wave=\"1\"} 2"));
  CHECK(has_line(text, "sahab_plan_wave_hosts{status=\"in_progress\",wave=\"2\"} 1"));

  plan.waves[0].start = plan.waves[0].end = "";  // no schedule: never counted as done
  text = exposition(plan, {}, jan4 + 400 * day);
  CHECK(has_line(text, "sahab_plan_wave_hosts{status=\"scheduled\",wave=\"1\"} 2"));
}

TEST_CASE("plan telemetry: hosts with missing data, by what is missing") {
  planner::Fleet fleet;
  planner::Host complete;
  complete.id = "full";
  complete.labels = {{"region", "Oriental"}, {"environment", "prod"}};
  complete.cpu_cores = 4;
  complete.memory_bytes = 8e9;
  complete.disks = {{"sda", 1e11, 5e10}};
  complete.uplink_mbps = 20;
  complete.utilisation = planner::Utilisation{};
  complete.utilisation->cpu_ratio.p95 = 0.3;
  complete.utilisation->memory_ratio.p95 = 0.5;
  planner::Host bare;
  bare.id = "bare";
  planner::Host no_disk_size = complete;
  no_disk_size.disks = {{"sdb", std::nullopt, std::nullopt}};
  fleet.hosts = {complete, bare, no_disk_size};

  const std::string text = exposition({}, fleet, 0);
  CHECK(has_line(text, "sahab_plan_hosts_missing_data{data=\"any\"} 2"));
  CHECK(has_line(text, "sahab_plan_hosts_missing_data{data=\"disks\"} 2"));
  CHECK(has_line(text, "sahab_plan_hosts_missing_data{data=\"utilisation\"} 1"));
  CHECK(has_line(text, "sahab_plan_hosts_missing_data{data=\"region\"} 1"));
  CHECK(has_line(text, "sahab_plan_hosts_missing_data{data=\"cpu_cores\"} 1"));
}

TEST_CASE("plan gauges: nothing before a plan, then the plan handed over, waves placed now") {
  std::int64_t now = 1'799'020'800;  // 2027-01-04T00:00:00Z, wave 1's first day
  PlanGauges gauges([&now] { return now; });
  CHECK(gauges.Collect().empty());
  auto result = std::make_unique<PlanService::Result>();
  result->plan.waves = {wave(1, {0}, "2027-01-04", "2027-01-17")};
  result->computed_at = 1'790'000'000;
  gauges.update(*result);
  result.reset();  // the gauges keep their figures, not the plan
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, gauges.Collect());
  CHECK(has_line("\n" + out.str(), "sahab_plan_wave_hosts{status=\"in_progress\",wave=\"1\"} 1"));
  now += 30 * 86'400;  // no new plan, but the scrape sees the wave done
  out.str("");
  prometheus::TextSerializer().Serialize(out, gauges.Collect());
  CHECK(has_line("\n" + out.str(), "sahab_plan_wave_hosts{status=\"completed\",wave=\"1\"} 1"));
}
