#include "planner/costs.h"

#include <doctest/doctest.h>

#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

TEST_CASE("costs: on-premises TCO by hand with the Azure business-case defaults") {
  PlannerConfig config;
  Host h = server("a", 4, 16);  // one 100 GiB disk
  const double gb = 100 * kGiB / 1e9;
  const double usd = 4 * 400.0 / 48                       // hardware over 4 years
                     + gb * 2                             // storage
                     + (250 + 430 + 430 + 580) / 12.0     // security, monitoring, patching, backup
                     + 4 * 0.009 * 2 * 1.8 * 730 * 0.15;  // power
  CHECK(on_premises_monthly_cost(h, config) == doctest::Approx(usd * 10));
  config.on_premises.depreciation_years = 2;
  CHECK(on_premises_monthly_cost(h, config) > usd * 10);
}

TEST_CASE("costs: one-time cost per moved host - per TB and for replatforming") {
  PlannerConfig config;
  HostPlan h;
  h.strategy = Strategy::kReplatform;
  h.transfer_gb = 2000;
  CHECK(one_time_cost(h, config) == doctest::Approx(4000 + 2 * 500 + 15000));
  h.strategy = Strategy::kRetire;
  CHECK(one_time_cost(h, config) == 0);
}

TEST_CASE("costs: transfer hours from gigabytes and megabits") {
  PlannerConfig config;
  CHECK(transfer_hours(500, 20, config) ==
        doctest::Approx(55.56).epsilon(0.001));  // brief: > 2 days
  config.waves.link_efficiency = 0.5;
  CHECK(transfer_hours(500, 20, config) == doctest::Approx(111.11).epsilon(0.001));
}

TEST_CASE("costs: an unknown currency in a catalogue is a configuration error") {
  PlannerConfig config;
  config.costs.exchange_rates.erase("USD");
  CHECK_THROWS_AS(plan(Fleet{"", {server("a")}, {}}, config, test_catalogs()),
                  sahab::settings::ConfigError);
}
