#include "planner/costs.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "planner/fleet_generator.h"
#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

// The defaults of docs/costs.md, by hand. A prod Linux server, 4 cores, 16 GiB, one 100 GiB disk
// with 50 GiB used, on the SAN tier.
TEST_CASE("costs: on-premises cost by category by hand, prod Linux server") {
  PlannerConfig config;
  const Host h = server("a", 4, 16);
  const double gb = 100 * kGiB / 1e9, used = 50 * kGiB / 1e9;
  const double purchase = 4 * 2500.0 + 16 * 45.0;  // 10,720 MAD
  const OnPremisesCost c = on_premises_costs(h, config);
  CHECK(c.hardware == doctest::Approx(purchase / 60));                  // 178.67 over 5 years
  CHECK(c.support == doctest::Approx(purchase * 0.12 / 12));            // 107.2
  CHECK(c.storage == doctest::Approx(gb * 0.45));                       // SAN, 48.32
  CHECK(c.power == doctest::Approx(4 * 0.009 * 2 * 1.8 * 730 * 1.45));  // 137.19
  CHECK(c.licences == doctest::Approx(4 * 55.0));                       // hypervisor only
  CHECK(c.backup == doctest::Approx(1500 / 12.0 + used * 0.10));        // 130.37
  CHECK(c.operations == doctest::Approx((500 + 200 + 200) / 12.0));     // 75
  CHECK(c.facility == doctest::Approx(4 * 15.0));
  CHECK(c.staff == doctest::Approx(240000 / 60.0 / 12));  // 333.33
  CHECK(c.total() ==
        doctest::Approx(178.6667 + 107.2 + 48.3184 + 137.1866 + 220 + 130.3687 + 75 + 60 + 333.3333)
            .epsilon(1e-4));
  CHECK(on_premises_monthly_cost(h, config) == doctest::Approx(c.total()));
}

TEST_CASE("costs: licences follow what the host runs, dev/test on the NAS tier, a label wins") {
  PlannerConfig config;
  Host windows = server("w", 2, 8);
  windows.os_family = "windows";
  windows.os_name = "Windows Server";
  windows.software.push_back({"mssql", "15", ""});
  // Windows: 8 cores minimum x 25; SQL Server: 4 cores minimum x 700; hypervisor 2 x 55.
  CHECK(on_premises_costs(windows, config).licences == doctest::Approx(200 + 2800 + 110));

  Host rhel = server("r", 16, 64);
  rhel.os_name = "Red Hat Enterprise Linux";
  CHECK(on_premises_costs(rhel, config).licences == doctest::Approx(330 + 16 * 55));

  Host dev = server("d");
  dev.labels["environment"] = "dev";
  const double gb = 100 * kGiB / 1e9;
  CHECK(on_premises_costs(dev, config).storage == doctest::Approx(gb * 0.22));
  dev.labels["storage_tier"] = "local";
  CHECK(on_premises_costs(dev, config).storage == doctest::Approx(gb * 0.10));
  // A flat price (the Azure business case: 2 USD) replaces every tier, in on_premises.currency.
  config.on_premises.storage_per_gb_month = 2;
  config.on_premises.currency = "USD";
  CHECK(on_premises_costs(dev, config).storage == doctest::Approx(gb * 2 * 10));
}

TEST_CASE("costs: every on-premises default is a what-if parameter") {
  PlannerConfig config;
  apply_parameters(config, nlohmann::json::parse(
                               R"({"on_premises": {"price_per_kwh": 2.9, "servers_per_fte": 30,
                                   "storage_tiers": {"san": 0.9}}})"));
  const OnPremisesCost c = on_premises_costs(server("a", 4, 16), config);
  CHECK(c.power == doctest::Approx(4 * 0.009 * 2 * 1.8 * 730 * 2.9));
  CHECK(c.staff == doctest::Approx(240000 / 30.0 / 12));
  CHECK(c.storage == doctest::Approx(100 * kGiB / 1e9 * 0.9));
  CHECK_THROWS_AS(apply_parameters(config, nlohmann::json::parse(
                                               R"({"on_premises": {"storage_tier": "tape"}})")),
                  sahab::settings::ConfigError);
}

namespace {
Fleet demo_fleet() {
  GeneratorOptions options;
  options.hosts = 300;
  options.seed = 2026;
  return generate_fleet(options);
}
bool fires(const Plan& p, const std::string& check, const std::string& key) {
  for (const auto& w : p.warnings) {
    if (w.check == check && w.assumption == key) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("costs: plausibility warnings fire on 2 USD per GB-month, not on the defaults") {
  const Fleet fleet = demo_fleet();
  const Catalogs catalogs = load_catalog_dir(SAHAB_FIXTURES_DIR "/../../configs/catalogs");
  PlannerConfig config;
  const Plan good = plan(fleet, config, catalogs);
  CHECK(good.warnings.empty());
  for (const auto& w : good.warnings) MESSAGE(w.detail.english);

  config.on_premises.currency = "USD";  // the old configuration: Azure defaults in USD
  config.on_premises.storage_per_gb_month = 2;
  const Plan old = plan(fleet, config, catalogs);
  CHECK(fires(old, "fleet_cost_high", "on_premises.storage_per_gb_month"));
  CHECK(fires(old, "payback_short", "on_premises.storage_per_gb_month"));
  CHECK(fires(old, "cloud_ratio_low", "on_premises.storage_per_gb_month"));
  CHECK(fires(old, "server_cost_high", "on_premises.storage_per_gb_month"));
  const std::string json = plan_json_text(old);
  CHECK(json.find("\"warnings\":[{\"check\":\"server_cost_high\"") != std::string::npos);
}

// Two waves of January and February 2027, one host each, and a retained host. Today: 3 x 1,000
// a month; in the cloud each moved host costs 400 a month and 1,000 once.
TEST_CASE("costs: business case month by month and its break-even on a hand-made plan") {
  Plan p;
  p.currency = "MAD";
  p.config.waves.start_date = "2027-01-01";
  p.config.business_case.horizon_months = 6;
  p.hosts.resize(3);
  for (auto& h : p.hosts) {
    h.on_premises.hardware = 1000;
    h.on_premises_monthly_cost = 1000;
  }
  for (int i = 0; i < 2; ++i) {
    p.hosts[i].strategy = Strategy::kRehost;
    p.hosts[i].monthly.compute = 400;
    p.hosts[i].one_time_cost = 1000;
    p.hosts[i].wave = i + 1;
    p.waves.push_back({});
    p.waves[i].number = i + 1;
    p.waves[i].hosts = {static_cast<std::uint32_t>(i)};
  }
  p.waves[0].start = "2027-01-01";
  p.waves[0].end = "2027-01-31";
  p.waves[1].start = "2027-02-01";
  p.waves[1].end = "2027-02-28";
  p.hosts[2].strategy = Strategy::kRetain;
  roll_up_costs(p);
  const BusinessCase& b = p.business_case;
  // Programme of 2 months + 12: the horizon grows to 14 months.
  REQUIRE(b.months.size() == 14);
  CHECK(b.months[0].date == "2027-01");
  // January: all three on premises (wave 1 ends on the 31st), host 1 in the cloud (dual running)
  // and its one-time cost: 3,000 + 400 + 1,000 = 4,400 against 3,000: -1,400.
  CHECK(b.months[0].on_premises == doctest::Approx(3000));
  CHECK(b.months[0].cloud == doctest::Approx(400));
  CHECK(b.months[0].one_time == doctest::Approx(1000));
  CHECK(b.months[0].savings == doctest::Approx(-1400));
  // February: hosts 2 and 3 on premises, both moved hosts in the cloud, host 2's one-time cost:
  // 2,000 + 800 + 1,000 = 3,800: -800, cumulative -2,200.
  CHECK(b.months[1].on_premises == doctest::Approx(2000));
  CHECK(b.months[1].cumulative_savings == doctest::Approx(-2200));
  // From March: 1,000 + 800 = 1,800, saving 1,200 a month: -1,000 in March, +200 in April.
  CHECK(b.months[2].savings == doctest::Approx(1200));
  CHECK(b.months[2].cumulative_savings == doctest::Approx(-1000));
  CHECK(b.break_even_month == 4);
  CHECK(b.break_even_date == "2027-04");
  CHECK(b.steady_monthly_savings == doctest::Approx(1200));
  CHECK(b.payback_months == doctest::Approx(2000.0 / 1200));
  const auto json = plan_to_json(p);
  CHECK(json["business_case"]["break_even_month"] == 4);
  CHECK(json["business_case"]["months"][3]["cumulative_savings"] == doctest::Approx(200));
  CHECK(json["hosts"][0]["on_premises"]["hardware"] == 1000);
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
