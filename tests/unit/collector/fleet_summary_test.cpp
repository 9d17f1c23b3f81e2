#include "collector/api/fleet_summary.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "collector/store/agents.h"
#include "collector/store/enrolment_tokens.h"
#include "collector/store/imports.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1'795'000'000;  // 2026-11-19

struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("sahab-summary-test-" + std::to_string(std::random_device{}()));
  CollectorConfig config;
  std::unique_ptr<Store> store;
  std::unique_ptr<Telemetry> telemetry;
  RateLimiter limiter{1, 1};
  std::unique_ptr<Context> ctx;
  std::unique_ptr<FleetCache> fleets;
  Fixture() {
    std::filesystem::create_directories(dir);
    store = std::make_unique<Store>(dir / "sahab.db", 1);
    telemetry = std::make_unique<Telemetry>(*store);
    ctx = std::make_unique<Context>(Context{config, *store, *telemetry, limiter, "", "",
                                            [] { return kNow; }, nullptr, nullptr});
    fleets = std::make_unique<FleetCache>(*store, config, [] { return kNow; });
  }
  ~Fixture() {
    fleets.reset();
    ctx.reset();
    telemetry.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

json imported(const std::string& id, const std::string& region, const std::string& os,
              const std::string& version, int cores, double cpu_p95) {
  return {{"id", id},
          {"hostname", id},
          {"labels", {{"region", region}, {"province", region + "-p"}}},
          {"os", {{"family", "linux"}, {"name", os}, {"version", version}}},
          {"cpu", {{"cores", cores}}},
          {"memory_bytes", 8LL << 30},
          {"disks", {{{"size_bytes", 100LL << 30}}, {{"size_bytes", 50LL << 30}}}},
          {"utilisation", {{"cpu_ratio", {{"p95", cpu_p95}}}}}};
}

}  // namespace

TEST_CASE("fleet summary: totals, breakdowns, end of life and histograms") {
  Fixture f;
  f.store->write([](Database& db) {
    upsert_imported_host(db, imported("a", "Souss-Massa", "Ubuntu", "18.04", 4, 0.05), kNow);
    upsert_imported_host(db, imported("b", "Souss-Massa", "Ubuntu", "22.04", 8, 0.95), kNow);
    upsert_imported_host(db, imported("c", "Fès-Meknès", "Windows Server", "2019", 2, 1.0), kNow);
    // A host whose import says little: counted, unknown everywhere.
    upsert_imported_host(db, {{"id", "bare"}}, kNow);
    // An agent host: its figures come from its inventory.
    enrol_agent(db, "agent-1", "web-1", "hash", "test", kNow);
    db.cached("INSERT INTO inventory_current VALUES (?, ?, '', ?, ?)")
        .with("agent-1", "system",
              R"({"os": {"family": "linux", "name": "Debian GNU/Linux", "version": "12"}})", kNow)
        .run();
    db.cached("INSERT INTO inventory_current VALUES (?, ?, '', ?, ?)")
        .with("agent-1", "hardware",
              R"({"cpu": {"cores": 16}, "memory_bytes": 1024,
                  "block_devices": [{"name": "sda", "size_bytes": 2048}]})",
              kNow)
        .run();
    db.exec("UPDATE hosts SET state = 'stale' WHERE id = 'agent-1'");
  });
  const json s = FleetSummary(*f.ctx, *f.fleets).summary(30 * 86'400);
  CHECK(s["hosts"] == 5);
  CHECK(s["cores"] == 30);
  CHECK(s["memory_bytes"] == 3.0 * (8LL << 30) + 1024);
  CHECK(s["storage_bytes"] == 3.0 * (150LL << 30) + 2048);
  CHECK(s["stale"] == 1);
  CHECK(s["agents"] == json{{"reporting", 0}, {"stale", 1}});
  CHECK(s["by_source"] == json{{"agent", 1}, {"import", 4}});
  REQUIRE(s["by_region"].size() == 3);
  // Ties on the host count are sorted by name, hosts without the label (null) first.
  CHECK(s["by_region"][0]["name"].is_null());  // "bare" and the agent host
  CHECK(s["by_region"][0]["hosts"] == 2);
  CHECK(s["by_region"][0]["cores"] == 16);
  CHECK(s["by_region"][1]["name"] == "Souss-Massa");
  CHECK(s["by_region"][1]["hosts"] == 2);
  CHECK(s["by_region"][1]["cores"] == 12);
  CHECK(s["by_region"][2]["name"] == "Fès-Meknès");
  CHECK(s["end_of_life"] ==
        json{{"ended", 1}, {"ending_soon", 1}, {"supported", 2}, {"unknown", 1}});
  bool saw_ubuntu_18 = false;
  for (const auto& os : s["by_os"]) {
    if (os["name"] == "Ubuntu 18.04") {
      saw_ubuntu_18 = true;
      CHECK(os["status"] == "ended");
      CHECK(os["end_of_life"] == "2023-05-31");
    }
  }
  CHECK(saw_ubuntu_18);
  // 5 % in the first band, 95 % and 100 % in the last; no measurement for the others.
  CHECK(s["utilisation"]["cpu_p95"] == json{1, 0, 0, 0, 0, 0, 0, 0, 0, 2});
  CHECK(s["utilisation"]["memory_p95"] == json(std::vector<int>(10, 0)));
  CHECK(s["described_in_part"] == json::array());
}

TEST_CASE("fleet summary: a host the planner refuses is counted and named, not a 500") {
  Fixture f;
  f.store->write([](Database& db) {
    upsert_imported_host(db, imported("a", "Souss-Massa", "Ubuntu", "22.04", 4, 0.05), kNow);
    // Stored past today's import checks, as an older version could.
    upsert_imported_host(db, imported("b", "Souss-Massa", "Ubuntu", "22.04", 0, 0.5), kNow);
  });
  const json s = FleetSummary(*f.ctx, *f.fleets).summary(30 * 86'400);
  CHECK(s["hosts"] == 2);
  CHECK(s["cores"] == 4);
  CHECK(s["by_region"][0]["hosts"] == 2);  // "b" keeps its id, name and labels
  CHECK(s["by_region"][0]["name"] == "Souss-Massa");
  REQUIRE(s["described_in_part"].size() == 1);
  CHECK(s["described_in_part"][0]["id"] == "b");
  CHECK(s["described_in_part"][0]["problem"].get<std::string>().starts_with(
      "field 'cpu.cores': expected a number between 1"));
}

TEST_CASE("enrolment tokens: hash only, live until revoked or expired, uses counted") {
  Fixture f;
  std::int64_t forever = 0, short_lived = 0;
  f.store->write([&](Database& db) {
    forever = create_enrolment_token(db, "batch 1", "hash-1", "ada", kNow, std::nullopt);
    short_lived = create_enrolment_token(db, "one hour", "hash-2", "ada", kNow, kNow + 3600);
  });
  const auto use = [&](const std::string& hash, std::int64_t at) {
    std::optional<EnrolmentToken> used;
    f.store->write([&](Database& db) { used = use_enrolment_token(db, hash, at); });
    return used;
  };
  CHECK(use("hash-1", kNow)->id == forever);
  CHECK(use("hash-2", kNow + 3599)->id == short_lived);
  CHECK_FALSE(use("hash-2", kNow + 3600));  // expired
  CHECK_FALSE(use("unknown", kNow));
  bool found = false;
  f.store->write([&](Database& db) { found = revoke_enrolment_token(db, forever, "ada", kNow); });
  CHECK(found);
  CHECK_FALSE(use("hash-1", kNow + 1));  // revoked
  f.store->write([&](Database& db) { found = revoke_enrolment_token(db, 999, "ada", kNow); });
  CHECK_FALSE(found);
  const auto tokens = f.store->read([](Database& db) { return list_enrolment_tokens(db); });
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].uses == 1);
  CHECK(tokens[0].revoked_at == kNow);
  CHECK(tokens[1].expires_at == kNow + 3600);
  CHECK(f.store->read([](Database& db) { return any_enrolment_token(db); }));
  CHECK(f.store->read([](Database& db) {
    return db.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'enrolment_token_%'");
  }) == 3);
}

TEST_CASE("fleet summary: host states are read on every call, the fleet's figures once") {
  Fixture f;
  f.store->write([](Database& db) {
    upsert_imported_host(db, imported("a", "Souss-Massa", "Ubuntu", "22.04", 4, 0.05), kNow);
    enrol_agent(db, "agent-1", "web-1", "hash", "test", kNow);
  });
  FleetSummary summary(*f.ctx, *f.fleets);
  const json first = summary.summary(30 * 86'400);
  CHECK(first["agents"] == json{{"reporting", 1}, {"stale", 0}});
  // An agent going silent changes no fleet fingerprint: the counts still follow it.
  f.store->write([](Database& db) { db.exec("UPDATE hosts SET state = 'stale'"); });
  const json second = summary.summary(30 * 86'400);
  CHECK(second["agents"] == json{{"reporting", 0}, {"stale", 1}});
  CHECK(second["by_state"] == json{{"stale", 2}});
  CHECK(second["cores"] == first["cores"]);
  CHECK(second["by_os"] == first["by_os"]);
}
