// Properties that must hold on any generated fleet.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "planner/fleet_generator.h"
#include "planner/grouping.h"
#include "planner/strategy.h"
#include "planner/waves.h"
#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

namespace {

Catalogs shipped_catalogs() {
  return load_catalog_dir(std::string(SAHAB_FIXTURES_DIR) + "/../../configs/catalogs");
}

bool reported(const Plan& p, const std::string& constraint) {
  for (const auto& v : p.violations) {
    if (v.constraint == constraint) return true;
  }
  return false;
}

void check_properties(const Fleet& fleet, const Plan& p, const Catalogs& catalogs) {
  const PlannerConfig& c = p.config;
  REQUIRE(p.hosts.size() == fleet.hosts.size());
  // Every host exactly once, in fleet order; moving hosts in exactly one group and one wave.
  std::map<std::uint32_t, int> in_groups, in_waves;
  for (const auto& g : p.groups) {
    for (auto h : g.hosts) ++in_groups[h];
  }
  for (const auto& w : p.waves) {
    for (auto h : w.hosts) ++in_waves[h];
  }
  for (std::uint32_t i = 0; i < p.hosts.size(); ++i) {
    const HostPlan& h = p.hosts[i];
    CHECK(h.id == fleet.hosts[i].id);
    const bool moving = h.strategy == Strategy::kRehost || h.strategy == Strategy::kReplatform;
    CHECK(in_groups[i] == (moving ? 1 : 0));
    CHECK(in_waves[i] == (moving ? 1 : 0));
    CHECK((h.wave > 0) == moving);
    CHECK(h.target.has_value() == moving);
    if (moving) CHECK(p.groups[h.group].wave == h.wave);
    // Compliance is a hard constraint: never violated, never merely reported.
    if (h.target && (h.sensitivity == "sensitive" || h.sensitivity == "sensitive-data")) {
      for (const auto& provider : catalogs.providers) {
        if (provider.name != h.target->provider) continue;
        CHECK(provider.country == "MA");
        CHECK(provider.qualification >= c.compliance.levels.at(h.sensitivity));
      }
    }
    CHECK(h.confidence >= 1);
    CHECK(h.confidence <= 5);
  }
  // Soft constraints hold or are reported.
  for (const auto& w : p.waves) {
    const int cap = w.pilot ? c.waves.pilot_max_hosts : wave_cap(c, w.number, 2);
    if (static_cast<int>(w.hosts.size()) > cap) CHECK(reported(p, "wave size"));
    if (w.environment == "mixed") CHECK(reported(p, "environment"));
  }
  for (const auto& h : p.hosts) {
    const std::string crit = h.criticality;
    if (h.wave > 0 && crit == "high" && h.wave < c.waves.high_criticality_min_wave)
      CHECK(reported(p, "criticality"));
  }
  // Costs add up across hosts, waves, communes, regions and totals.
  double hosts = 0, moving = 0, waves = 0, regions = 0, communes = 0, one_time = 0,
         one_time_waves = 0;
  for (const auto& h : p.hosts) {
    hosts += h.monthly.total();
    one_time += h.one_time_cost;
    if (h.wave > 0) moving += h.monthly.total();
  }
  for (const auto& w : p.waves) {
    waves += w.monthly_cost;
    one_time_waves += w.one_time_cost;
  }
  for (const auto& r : p.by_region) regions += r.monthly_cost;
  for (const auto& r : p.by_commune) communes += r.monthly_cost;
  CHECK(p.totals.monthly_cost == doctest::Approx(hosts));
  CHECK(moving == doctest::Approx(hosts));  // only moving hosts cost anything in the cloud
  CHECK(waves == doctest::Approx(hosts));
  CHECK(regions == doctest::Approx(hosts));
  CHECK(communes == doctest::Approx(hosts));
  CHECK(one_time_waves == doctest::Approx(one_time));
  CHECK(p.totals.one_time_cost == doctest::Approx(one_time));
  CHECK(p.totals.rehost + p.totals.replatform + p.totals.retire + p.totals.retain ==
        p.totals.hosts);
}

}  // namespace

TEST_CASE("properties: generated fleets give complete - consistent - deterministic plans") {
  const Catalogs catalogs = shipped_catalogs();
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    GeneratorOptions options;
    options.hosts = 700;
    options.seed = seed;
    const Fleet fleet = generate_fleet(options);
    CHECK(fleet.hosts.size() == 700);
    CHECK(fleet.connections.size() == 3500);
    PlannerConfig config;
    const Plan p = plan(fleet, config, catalogs);
    check_properties(fleet, p, catalogs);
    CHECK(p.totals.retire > 0);  // the generator makes idle servers
    CHECK(p.totals.replatform > 0);
    CHECK(p.shared_infrastructure.size() >= 12);

    // Same input, same plan, byte for byte; and the fleet survives a JSON round trip.
    const std::string once = plan_to_json(p).dump();
    CHECK(plan_to_json(plan(fleet, config, catalogs)).dump() == once);
    const Fleet again = fleet_from_text(fleet_to_json(fleet).dump());
    CHECK(plan_to_json(plan(again, config, catalogs)).dump() == once);
  }
}

TEST_CASE("properties: the generator is deterministic and varies with the seed") {
  GeneratorOptions a;
  a.hosts = 200;
  a.seed = 42;
  const std::string first = fleet_to_json(generate_fleet(a)).dump();
  CHECK(fleet_to_json(generate_fleet(a)).dump() == first);
  a.seed = 43;
  CHECK(fleet_to_json(generate_fleet(a)).dump() != first);
}

TEST_CASE("properties: what-if parameters change the plan in the expected direction") {
  const Catalogs catalogs = shipped_catalogs();
  GeneratorOptions options;
  options.hosts = 300;
  const Fleet fleet = generate_fleet(options);
  PlannerConfig config;
  const Plan base = plan(fleet, config, catalogs);
  apply_overrides(config, nlohmann::json{{"sizing.comfort_factor", 2.0}});
  const Plan roomy = plan(fleet, config, catalogs);
  CHECK(roomy.totals.monthly_cost > base.totals.monthly_cost);
  apply_overrides(config,
                  nlohmann::json{{"sizing.comfort_factor", 1.3}, {"costs.commitment", "3y"}});
  const Plan committed = plan(fleet, config, catalogs);
  CHECK(committed.totals.monthly_cost < base.totals.monthly_cost);
  CHECK(committed.totals.monthly_cost_on_demand >= base.totals.monthly_cost * (1 - 1e-9));
}

TEST_CASE(
    "properties: the 2,000-host demo fleet retires no prod or high-criticality server "
    "without evidence") {
  GeneratorOptions options;
  options.hosts = 2000;
  options.seed = 2026;  // make demo, and issue #22's figures
  const Fleet fleet = generate_fleet(options);
  PlannerConfig config;
  const Plan p = plan(fleet, config, shipped_catalogs());
  int retired = 0, to_confirm = 0, replatformed = 0;
  for (std::size_t i = 0; i < p.hosts.size(); ++i) {
    const Host& h = fleet.hosts[i];
    const HostPlan& hp = p.hosts[i];
    CAPTURE(h.id);
    int stars = 5;
    for (const auto& f : hp.confidence_factors) stars += f.effect;
    CHECK(hp.confidence == std::clamp(stars, 1, 5));
    CHECK_FALSE(hp.confidence_factors.empty());
    if (hp.to_confirm == "retire") {
      ++to_confirm;
      CHECK(hp.strategy == Strategy::kRetain);
      CHECK(has_text(hp.flags, "retirement to confirm with the owner"));
    }
    if (hp.strategy == Strategy::kReplatform) {
      ++replatformed;
      CHECK(has_text(hp.reasons, " connections a day from "));
    }
    if (hp.strategy != Strategy::kRetire || !needs_retirement_evidence(h, config)) continue;
    ++retired;
    REQUIRE(h.utilisation);
    CHECK(h.utilisation->source == "agent");
    CHECK(h.utilisation->window_days.value_or(0) >= 30);
    CHECK(h.utilisation->coverage.value_or(0) >= config.idle.min_coverage);
  }
  CHECK(to_confirm > 0);  // imported or 10-day data on idle prod servers: asked, not retired
  CHECK(to_confirm == p.totals.retire_to_confirm);
  CHECK(retired > 0);  // with 30 days of agent data they still are
  CHECK(replatformed > 0);
}
