#include "planner/sizing.h"

#include <doctest/doctest.h>

#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

TEST_CASE(
    "sizing: 16 cores at 20% p95 with comfort 1.5 need 4.8 vCPU - so the next real size - 8") {
  PlannerConfig config;
  config.sizing.comfort_factor = 1.5;
  Host h = server("big", 16, 64, 0.20, 0.10);
  const Requirement need = size_host(h, config);
  CHECK(need.vcpu == doctest::Approx(4.8));
  CHECK(need.memory_gib == doctest::Approx(9.6));
  CHECK(has_text(need.reasons, "p95 CPU 20% of 16 cores × 1.50 → 4.80 vCPU"));

  Fleet fleet{"", {h}, {}};
  const Plan p = plan(fleet, config, test_catalogs());
  const HostPlan& result = p.hosts[0];
  REQUIRE(result.target);
  CHECK(result.target->vcpu == 8);
  CHECK(result.target->instance == "p.8");  // 8 vCPU: cheaper on the public cloud here
  CHECK(result.strategy == Strategy::kRehost);
  CHECK(result.confidence == 5);
}

TEST_CASE("sizing: as-is mode, or no utilisation, keeps the allocated cores and memory") {
  PlannerConfig config;
  config.sizing.mode = SizingMode::kAsIs;
  const Requirement as_is = size_host(server("big", 16, 64, 0.20, 0.10), config);
  CHECK(as_is.vcpu == 16);
  CHECK(as_is.memory_gib == doctest::Approx(64));
  CHECK(as_is.confidence == 5);
  CHECK(has_text(as_is.reasons, "as-is: 16 cores → 16 vCPU"));
  CHECK(has_text(as_is.reasons, "as-is: 64.0 GiB memory"));

  config.sizing.mode = SizingMode::kPerformance;
  Host unobserved = server("quiet", 8, 32, 0.20, 0.10);
  unobserved.utilisation.reset();
  const Requirement fallback = size_host(unobserved, config);
  CHECK(fallback.vcpu == 8);
  CHECK(has_text(fallback.reasons, "no CPU utilisation; as-is: 8 cores → 8 vCPU"));
  CHECK(has_text(fallback.reasons, "no memory utilisation; as-is: 32.0 GiB memory"));
}

TEST_CASE("sizing: monthly cost by hand (compute × 730 h - storage per GiB - egress per GiB)") {
  PlannerConfig config;
  Fleet fleet{"", {server("web", 4, 16, 0.5, 0.5)}, {}};  // 4 × 0.5 × 1.3 = 2.6 vCPU -> p.4
  const Plan p = plan(fleet, config, test_catalogs(false));
  const HostPlan& h = p.hosts[0];
  REQUIRE(h.target);
  CHECK(h.target->instance == "p.4");
  CHECK(h.monthly.compute == doctest::Approx(0.20 * 730 * 10));  // USD 10 MAD
  CHECK(h.monthly.storage == doctest::Approx(100 * 0.02 * 10));  // 100 GiB on hdd
  const double egress_gib = 1e6 * 0.3 * 730 * 3600 / kGiB;
  CHECK(h.monthly.egress == doctest::Approx(egress_gib * 0.1 * 10));
  CHECK(h.monthly.licences == 0);

  config.costs.commitment = "3y";
  const Plan committed = plan(fleet, config, test_catalogs(false));
  CHECK(committed.hosts[0].monthly.compute == doctest::Approx(0.20 * 744 * 0.6 * 10));
  CHECK(committed.hosts[0].monthly_on_demand == doctest::Approx(h.monthly.total()));
}

TEST_CASE("sizing: disks need the cheapest tier meeting IOPS - Windows pays its licence") {
  PlannerConfig config;
  Host h = server("db", 4, 16, 0.5, 0.5);
  h.utilisation->disk_read_iops = flat(600);
  h.utilisation->disk_write_iops = flat(400);  // (600 + 400) × 1.3 = 1300 IOPS > hdd's 500
  h.os_family = "windows";
  Fleet fleet{"", {h}, {}};
  const Plan p = plan(fleet, config, test_catalogs(false));
  REQUIRE(p.hosts[0].target);
  CHECK(p.hosts[0].target->disks.at(0).tier == "ssd");
  CHECK(p.hosts[0].monthly.licences == doctest::Approx(0.05 * 4 * 730 * 10));
}

TEST_CASE("sizing: confidence stars follow coverage - missing data is assumed and lowers them") {
  CHECK(confidence_stars(0.0) == 1);
  CHECK(confidence_stars(0.2) == 1);
  CHECK(confidence_stars(0.21) == 2);
  CHECK(confidence_stars(0.4) == 2);
  CHECK(confidence_stars(0.6) == 3);
  CHECK(confidence_stars(0.8) == 4);
  CHECK(confidence_stars(0.81) == 5);
  CHECK(confidence_stars(1.0) == 5);

  PlannerConfig config;
  Host h = server("half", 4, 16);
  h.utilisation->coverage = 0.5;
  CHECK(size_host(h, config).confidence == 3);
  h.utilisation->window_days = 15;  // half the configured 30-day window: 25 % of the points
  CHECK(size_host(h, config).confidence == 2);

  Host bare;
  bare.id = "bare";
  const Requirement need = size_host(bare, config);
  CHECK(need.confidence == 1);
  CHECK(need.vcpu == config.assume.cores);
  CHECK(has_text(need.reasons, "assumed cores (2)"));
  CHECK(has_text(need.reasons, "no disk inventory"));
}

TEST_CASE("sizing: a missing percentile falls back to the next higher one") {
  Percentiles p;
  p.p99 = 0.4;
  Percentile used{};
  CHECK(at_percentile(p, Percentile::kP95, &used) == 0.4);
  CHECK(used == Percentile::kP99);
  CHECK_FALSE(at_percentile(Percentiles{}, Percentile::kP50, &used));
}

TEST_CASE("sizing: the plan compares on demand with 1-year and 3-year commitments") {
  PlannerConfig config;
  Fleet fleet{"", {server("web", 4, 16, 0.5, 0.5)}, {}};  // p.4 at 0.20 USD/h
  const Plan p = plan(fleet, config, test_catalogs(false));
  const HostPlan& h = p.hosts[0];
  const double rest = h.monthly.storage + h.monthly.egress + h.monthly.licences;
  CHECK(h.monthly_by_commitment[0] == doctest::Approx(h.monthly.total()));
  CHECK(h.monthly_by_commitment[1] == doctest::Approx(0.20 * 744 * 0.8 * 10 + rest));
  CHECK(h.monthly_by_commitment[2] == doctest::Approx(0.20 * 744 * 0.6 * 10 + rest));
  CHECK(p.totals.monthly_cost_by_commitment[2] == doctest::Approx(h.monthly_by_commitment[2]));
}
