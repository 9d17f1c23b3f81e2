#include "collector/api/fleet_cache.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "collector/store/imports.h"

using namespace sahab::collector;
using nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1'795'000'000;
constexpr std::int64_t kMonth = 30 * 86'400;

struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("sahab-fleet-cache-test-" + std::to_string(std::random_device{}()));
  CollectorConfig config;
  std::unique_ptr<Store> store;
  std::unique_ptr<FleetCache> fleets;
  Fixture() {
    std::filesystem::create_directories(dir);
    store = std::make_unique<Store>(dir / "sahab.db", 1);
    fleets = std::make_unique<FleetCache>(*store, config, [] { return kNow; });
    import("h-1");
  }
  ~Fixture() {
    fleets.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  void import(const std::string& id, json host = json::object()) {
    host["id"] = id;
    store->write([&](Database& db) { upsert_imported_host(db, host, kNow); });
  }
};

}  // namespace

TEST_CASE("fleet cache: one reading per fleet state and window, shared by every caller") {
  Fixture f;
  const auto first = f.fleets->fleet(kMonth);
  REQUIRE(first->fleet.hosts.size() == 1);
  CHECK(first->window == kMonth);
  CHECK(f.fleets->fleet(kMonth) == first);  // the same snapshot, not read again

  f.import("h-2");  // a new fleet state
  const auto second = f.fleets->fleet(kMonth);
  CHECK(second != first);
  CHECK(second->fleet.hosts.size() == 2);
  CHECK(second->fingerprint != first->fingerprint);

  const auto week = f.fleets->fleet(7 * 86'400);  // another window: its own reading, both kept
  CHECK(week != second);
  CHECK(f.fleets->fleet(kMonth) == second);
  CHECK(f.fleets->fleet(7 * 86'400) == week);
  CHECK(f.fleets->fleet(kMonth) == second);
  f.fleets->fleet(86'400);  // a third window drops the least recently used (7 days)
  CHECK(f.fleets->fleet(kMonth) == second);
  CHECK(f.fleets->fleet(7 * 86'400) != week);
}

TEST_CASE("fleet cache: a snapshot older than planner.max_age is read again") {
  Fixture f;
  f.config.planner_max_age = std::chrono::milliseconds(0);
  const auto first = f.fleets->fleet(kMonth);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  CHECK(f.fleets->fleet(kMonth) != first);
}

TEST_CASE("fleet cache: a host the planner refuses is kept in part, with its problem") {
  Fixture f;
  f.import("h-3", {{"cpu", {{"cores", 0}}}});  // stored directly, past the import's checks
  const auto snapshot = f.fleets->fleet(kMonth);
  CHECK(snapshot->fleet.hosts.size() == 2);
  REQUIRE(snapshot->described_in_part.size() == 1);
  CHECK(snapshot->described_in_part[0].id == "h-3");
  CHECK(snapshot->described_in_part[0].problem.starts_with(
      "field 'cpu.cores': expected a number between 1"));
}

TEST_CASE("fleet cache: a stored fleet the planner refuses is an error, not an empty fleet") {
  Fixture f;
  f.store->write([](Database& db) {
    upsert_declared_edge(db, {{"source", "h-1"}, {"target", "h-1b"}, {"port", 70000}}, kNow);
  });
  CHECK_THROWS_WITH_AS(f.fleets->fleet(kMonth), doctest::Contains("field 'port'"),
                       sahab::protocol::FleetError);
}
