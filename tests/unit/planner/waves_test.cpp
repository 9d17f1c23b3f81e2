#include "planner/waves.h"

#include <doctest/doctest.h>

#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

TEST_CASE("waves: 2 TB over a 10 Mbit/s link takes about 18.5 days and is flagged") {
  PlannerConfig config;
  Host h = server("archive");
  h.disks = {{"sda", 2.5e12, 2e12}};
  h.uplink_mbps = 10;
  const Plan p = plan(Fleet{"", {h}, {}}, config, test_catalogs());
  const HostPlan& result = p.hosts[0];
  CHECK(result.transfer_hours == doctest::Approx(2e12 * 8 / 10e6 / 3600));  // 444.4 h
  CHECK(result.transfer_hours / 24 == doctest::Approx(18.5).epsilon(0.01));
  CHECK(has_text(result.flags, "takes 18.5 days"));
  CHECK(has_text(result.flags, "longer than the 14.0 days transfer window"));
  CHECK(result.wave >= 1);  // still planned: flagged, not dropped
}

TEST_CASE("waves: hosts of a slow site share its uplink across waves") {
  PlannerConfig config;
  config.waves.pilot_waves = 0;
  Fleet fleet;
  for (int i = 0; i < 3; ++i) {
    Host h = server("s" + std::to_string(i));
    h.disks = {{"sda", 1e12, 4e11}};  // 400 GB at 20 Mbit/s: 44.4 h each
    h.uplink_mbps = 20;
    fleet.hosts.push_back(h);
  }
  config.waves.length_days = 4;  // 96 h window: two hosts per wave at most
  const Plan p = plan(fleet, config, test_catalogs());
  CHECK(p.hosts[0].wave == 1);
  CHECK(p.hosts[1].wave == 1);
  CHECK(p.hosts[2].wave == 2);
  CHECK(p.waves[0].transfer_hours == doctest::Approx(2 * 400e9 * 8 / 20e6 / 3600));
  CHECK(p.violations.empty());
}

TEST_CASE("waves: dev/test before prod - never mixed - pilots small - caps ramp up") {
  PlannerConfig config;
  Fleet fleet;
  for (int i = 0; i < 40; ++i) {
    Host h = server("h" + std::to_string(i), 2, 4);
    h.labels["environment"] = i % 4 == 0 ? "test" : "prod";
    h.labels["commune"] = "c" + std::to_string(i);
    fleet.hosts.push_back(h);
  }
  const Plan p = plan(fleet, config, test_catalogs());
  int last_nonprod = 0, first_prod = 1000;
  for (const auto& h : p.hosts) {
    if (h.environment == "test") last_nonprod = std::max(last_nonprod, h.wave);
    if (h.environment == "prod") first_prod = std::min(first_prod, h.wave);
  }
  CHECK(last_nonprod < first_prod);
  REQUIRE(p.waves.size() >= 3);
  CHECK(p.waves[0].pilot);
  CHECK(p.waves[0].hosts.size() <= 5);
  CHECK(p.waves[0].environment == "nonprod");
  for (const auto& w : p.waves) {
    CHECK(w.environment != "mixed");
    const int cap = w.pilot ? config.waves.pilot_max_hosts : wave_cap(config, w.number, 2);
    CHECK(static_cast<int>(w.hosts.size()) <= cap);
  }
  CHECK(p.waves[0].start == "2027-01-04");
  CHECK(p.waves[0].end == "2027-01-17");
  CHECK(p.waves[1].start == "2027-01-18");
  CHECK(p.violations.empty());
}

TEST_CASE("waves: high criticality waits - a dependency target moves first or with its client") {
  PlannerConfig config;
  Fleet fleet;
  for (int i = 0; i < 60; ++i) {
    Host h = server("h" + std::to_string(i), 2, 4);
    h.labels["commune"] = "c" + std::to_string(i);
    fleet.hosts.push_back(h);
  }
  fleet.hosts[0].labels["criticality"] = "high";
  // h1 uses h59 lightly (not a strong edge: different groups, ordered waves).
  fleet.connections.push_back({"h1", "h59", 443, 10, 1e4});
  const Plan p = plan(fleet, config, test_catalogs());
  CHECK(p.hosts[0].wave >= config.waves.high_criticality_min_wave);
  CHECK(p.hosts[1].group != p.hosts[59].group);
  CHECK(p.hosts[59].wave <= p.hosts[1].wave);
  CHECK(p.violations.empty());
}

TEST_CASE("waves: what cannot be met is placed anyway and reported") {
  PlannerConfig config;
  config.grouping.max_group_size = 100;
  config.waves.ramp = {5};
  config.waves.pilot_waves = 0;
  Fleet fleet;
  for (int i = 0; i < 8; ++i) {
    Host h = server("app-" + std::to_string(i), 2, 4);
    h.labels["application"] = "etat-civil";
    fleet.hosts.push_back(h);
  }
  const Plan p = plan(fleet, config, test_catalogs());
  REQUIRE(p.waves.size() == 1);
  CHECK(p.waves[0].hosts.size() == 8);
  REQUIRE_FALSE(p.violations.empty());
  CHECK(p.violations[0].constraint == "wave size");
}

TEST_CASE("waves: dates add calendar days across months and leap years") {
  CHECK(add_days("2027-01-04", 0) == "2027-01-04");
  CHECK(add_days("2027-01-25", 14) == "2027-02-08");
  CHECK(add_days("2028-02-20", 10) == "2028-03-01");
}
