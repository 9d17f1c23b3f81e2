#include "collector/api/plan_service.h"

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "collector/api/plan_telemetry.h"
#include "collector/store/imports.h"
#include "collector/store/scenarios.h"
#include "unit/collector/scrape.h"
#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

json host(const std::string& id, int cores) {
  return {{"id", id},
          {"hostname", id},
          {"labels", {{"region", "Souss-Massa"}, {"commune", "Agadir"}}},
          {"cpu", {{"cores", cores}}},
          {"memory_bytes", 8.0 * (1 << 30)},
          {"utilisation",
           {{"window_days", 30},
            {"coverage", 1},
            {"cpu_ratio", {{"p95", 0.4}}},
            {"memory_ratio", {{"p95", 0.5}}}}}};
}

void import(Store& store, const json& h) {
  store.write([&h](Database& db) {
    upsert_imported_host(db, h, 1'800'000'000);
    db.cached("INSERT INTO audit_log(at, action, actor) VALUES (1, 'import', 'test')").run();
  });
}

// The shipped planner configuration; `now` is called as each plan is computed.
PlanService plan_service(FleetCache& fleets, const CollectorConfig& config, Telemetry& telemetry,
                         std::function<std::int64_t()> now) {
  return PlanService(
      fleets, config,
      planner::load_planner_setup(std::string(SAHAB_FIXTURES_DIR) + "/../../configs/planner.yaml"),
      "", telemetry, std::move(now));
}

struct Fixture {
  testing::TempDir temp;
  CollectorConfig config;
  Store store{temp.path() / "sahab.db", 2};
  Telemetry telemetry{store};
  FleetCache fleets{store, config, [] { return std::int64_t{1'800'000'000}; }};
  PlanService plans =
      plan_service(fleets, config, telemetry, [] { return std::int64_t{1'800'000'000}; });
  std::string metrics() { return testing::scrape(telemetry); }
};

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("plan cache: the key is the fleet state and the effective parameters") {
  planner::PlannerConfig defaults;
  planner::PlannerConfig same = defaults;
  planner::apply_parameters(same, json::parse(R"({"sizing": {"percentile": "p95"}})"));
  planner::PlannerConfig other = defaults;
  planner::apply_parameters(other, json::parse(R"({"sizing": {"percentile": "p99"}})"));
  CHECK(PlanService::cache_key("3/1/1", defaults) == PlanService::cache_key("3/1/1", same));
  CHECK(PlanService::cache_key("3/1/1", defaults) != PlanService::cache_key("3/1/1", other));
  CHECK(PlanService::cache_key("3/1/1", defaults) != PlanService::cache_key("4/1/2", defaults));
}

TEST_CASE("plan cache: repeated plans are served from the cache until the fleet changes") {
  Fixture f;
  import(f.store, host("a", 4));
  import(f.store, host("b", 8));
  const auto config = f.plans.configure(json());
  const auto first = f.plans.plan(config);
  CHECK(first->plan.hosts.size() == 2);
  CHECK(first->index.at("b") == 1);
  CHECK(f.plans.plan(config) == first);                             // same object: not recomputed
  CHECK(f.plans.plan(f.plans.configure(json::object())) == first);  // {} = as configured
  CHECK(has_line(f.metrics(), "sahab_collector_plan_computations_total 1"));
  CHECK(has_line(f.metrics(), "sahab_collector_plan_cache_hits_total 2"));

  const auto what_if =
      f.plans.plan(f.plans.configure(json::parse(R"({"sizing.percentile": "max"})")));
  CHECK(what_if != first);
  CHECK(has_line(f.metrics(), "sahab_collector_plan_computations_total 2"));

  import(f.store, host("c", 2));
  const auto after_import = f.plans.plan(config);
  CHECK(after_import->plan.hosts.size() == 3);
  CHECK(has_line(f.metrics(), "sahab_collector_plan_computations_total 3"));
}

TEST_CASE("plan cache: concurrent requests for one plan share one computation") {
  Fixture f;
  // The name is appended, not `"h" + std::to_string(i)`: GCC 12's false -Werror=restrict in
  // Release builds (GCC bug 105329).
  for (int i = 0; i < 50; ++i) {
    std::string name = "h";
    name += std::to_string(i);
    import(f.store, host(name, 2 + i % 8));
  }
  const auto config = f.plans.configure(json());
  std::vector<std::shared_ptr<const PlanService::Result>> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&f, &config, &result] { result = f.plans.plan(config); });
  }
  for (auto& t : threads) t.join();
  for (const auto& result : results) CHECK(result == results.front());
  CHECK(has_line(f.metrics(), "sahab_collector_plan_computations_total 1"));
}

TEST_CASE("plan cache: at most a few plans are kept, least recently used out first") {
  Fixture f;
  import(f.store, host("a", 4));
  auto with_comfort = [&f](double comfort) {
    return f.plans.configure(json{{"sizing", {{"comfort_factor", comfort}}}});
  };
  const auto oldest = f.plans.plan(with_comfort(1.1));
  for (std::size_t i = 1; i <= PlanService::kCachedPlans; ++i) f.plans.plan(with_comfort(1 + i));
  CHECK(f.plans.plan(with_comfort(1.1)) != oldest);  // evicted, computed again
  CHECK(has_line(f.metrics(), "sahab_collector_plan_computations_total " +
                                  std::to_string(PlanService::kCachedPlans + 2)));
}

TEST_CASE("plan cache: what-if errors name the key, files are refused") {
  Fixture f;
  CHECK_THROWS_WITH_AS(f.plans.configure(json::parse(R"({"sizing": {"percentile": "p97"}})")),
                       doctest::Contains("parameters.sizing.percentile: expected one of"),
                       settings::ConfigError);
  CHECK_THROWS_WITH_AS(f.plans.configure(json::parse(R"({"catalogs": {"dir": "/tmp"}})")),
                       doctest::Contains("parameters.catalogs: not allowed"),
                       settings::ConfigError);
}

TEST_CASE("scenarios: names, save keeps the creator, delete") {
  CHECK(valid_scenario_name("Budget 2027_v1.2-b"));
  CHECK_FALSE(valid_scenario_name(""));
  CHECK_FALSE(valid_scenario_name(std::string(65, 'a')));
  CHECK_FALSE(valid_scenario_name("a/b"));
  CHECK_FALSE(valid_scenario_name("caf\xC3\xA9"));
  testing::TempDir temp;
  Store store(temp.path() / "sahab.db", 1);
  bool created = false;
  store.write([&](Database& db) {
    created = save_scenario(db, {"s1", "first", "{}", "", "ada", 0, 100});
  });
  CHECK(created);
  store.write([&](Database& db) {
    created = save_scenario(db, {"s1", "second", R"({"a":1})", "", "bob", 0, 200});
  });
  CHECK_FALSE(created);
  const auto s = store.read([](Database& db) { return find_scenario(db, "s1"); });
  REQUIRE(s);
  CHECK(s->description == "second");
  CHECK(s->created_by == "ada");
  CHECK(s->created_at == 100);
  CHECK(s->updated_by == "bob");
  CHECK(s->updated_at == 200);
  bool deleted = false;
  store.write([&](Database& db) { deleted = delete_scenario(db, "s1"); });
  CHECK(deleted);
  store.write([&](Database& db) { deleted = delete_scenario(db, "s1"); });
  CHECK_FALSE(deleted);
}

TEST_CASE("plan cache: plans of an earlier fleet state are released once the fleet changes") {
  Fixture f;
  import(f.store, host("a", 4));
  const auto config = f.plans.configure(json());
  std::weak_ptr<const PlanService::Result> before = f.plans.plan(config);
  std::weak_ptr<const PlanService::Result> what_if =
      f.plans.plan(f.plans.configure(json::parse(R"({"sizing.percentile": "max"})")));
  CHECK(!before.expired());  // cached while the fleet is unchanged
  import(f.store, host("b", 8));
  const auto after = f.plans.plan(config);
  CHECK(after->plan.hosts.size() == 2);
  CHECK(before.expired());  // nobody can be served it again: not held
  CHECK(what_if.expired());
  CHECK(f.plans.plan(config) == after);
}

TEST_CASE("plan cache: an earlier state's plan and fleet are freed before the next are built") {
  // The heap then never holds two plans (or two fleets) at once: its high-water mark is what the
  // collector's RSS keeps (docs/benchmarks.md, session 11). Each `now` below is called while the
  // next fleet is read (FleetCache) or the next plan computed (PlanService).
  testing::TempDir temp;
  CollectorConfig config;
  Store store{temp.path() / "sahab.db", 2};
  Telemetry telemetry{store};
  std::weak_ptr<const FleetCache::Snapshot> earlier_fleet;
  std::weak_ptr<const PlanService::Result> earlier_plan;
  bool fleet_freed = false, plan_freed = false;
  FleetCache fleets{store, config, [&] {
                      fleet_freed = earlier_fleet.expired();
                      return std::int64_t{1'800'000'000};
                    }};
  PlanService plans = plan_service(fleets, config, telemetry, [&] {
    plan_freed = earlier_plan.expired();
    return std::int64_t{1'800'000'000};
  });
  import(store, host("a", 4));
  const auto planner_config = plans.configure(json());
  earlier_plan = plans.plan(planner_config);
  earlier_fleet =
      fleets.fleet(static_cast<std::int64_t>(planner_config.sizing.window_days * 86'400));
  REQUIRE(!earlier_plan.expired());
  REQUIRE(!earlier_fleet.expired());
  import(store, host("b", 8));
  CHECK(plans.plan(planner_config)->plan.hosts.size() == 2);
  CHECK(fleet_freed);
  CHECK(plan_freed);
}

TEST_CASE("plan gauges: the plan they show is freed before the refresh builds the next") {
  // The gauges keep the figures they show, not the plan: the heap then never holds the plan they
  // show and the next one at once, its high-water mark being what the collector's RSS keeps
  // (docs/benchmarks.md, soak, session 12). `now` is called once the next plan is built.
  testing::TempDir temp;
  CollectorConfig config;
  Store store{temp.path() / "sahab.db", 2};
  Telemetry telemetry{store};
  FleetCache fleets{store, config, [] { return std::int64_t{1'800'000'000}; }};
  std::weak_ptr<const PlanService::Result> shown;
  bool shown_freed = false;
  PlanService plans = plan_service(fleets, config, telemetry, [&] {
    shown_freed = shown.expired();
    return std::int64_t{1'800'000'000};
  });
  PlanGauges gauges([] { return std::int64_t{1'800'000'000}; });
  const auto hosts_shown = [&gauges] {
    double hosts = 0;
    for (const auto& family : gauges.Collect()) {
      if (family.name != "sahab_plan_hosts") continue;
      for (const auto& metric : family.metric) hosts += metric.gauge.value;
    }
    return hosts;
  };
  import(store, host("a", 4));
  refresh_plan_gauges(plans, gauges);
  shown = plans.plan(plans.configure(json()));  // the cached plan the gauges were handed
  REQUIRE(!shown.expired());
  CHECK(hosts_shown() == 1);
  import(store, host("b", 8));
  refresh_plan_gauges(plans, gauges);
  CHECK(shown_freed);
  CHECK(hosts_shown() == 2);
}
