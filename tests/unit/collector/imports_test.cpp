// collector/store/imports: imported hosts (servers without agents) and their declared connections
// as rows; an agent's host is never overwritten by an import, only filled in beside.
#include "collector/store/imports.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "collector/ingest/document.h"
#include "collector/store/agents.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

// A host row's columns joined by '|' ("NULL" for NULL), or "" when there is no such host.
std::string host_row(testing::TempStore& s, const std::string& id) {
  return s.read([&](Database& db) {
    Statement& q = db.cached(
        "SELECT hostname || '|' || labels || '|' || source || '|' || state || '|' || first_seen "
        "|| '|' || last_seen || '|' || coalesce(imported, 'NULL') FROM hosts WHERE id = ?");
    q.with(id);
    std::string out = q.step() ? q.text(0) : "";
    q.reset();
    return out;
  });
}

std::string edge_row(testing::TempStore& s, const std::string& source) {
  return s.read([&](Database& db) {
    Statement& q = db.cached(
        "SELECT direction, remote_address, remote_port, count, target_host, bytes_per_day, "
        "first_seen, last_seen FROM edges WHERE source_host = ?");
    q.with(source);
    std::string out;
    // Joined here rather than in SQL: the engines write a REAL as text differently.
    if (q.step()) {
      const auto number = [&q](int c) { return std::to_string(q.integer(c)); };
      out = q.text(0) + "|" + q.text(1) + "|" + number(2) + "|" + number(3) + "|" +
            (q.is_null(4) ? "NULL" : q.text(4)) + "|" +
            (q.is_null(5) ? "NULL" : nlohmann::json(q.real(5)).dump()) + "|" + number(6) + "|" +
            number(7);
    }
    q.reset();
    return out;
  });
}

}  // namespace

TEST_CASE("imports: a new host is stored with its labels, and its document without them") {
  testing::TempStore s;
  const bool written = s.write([](Database& db) {
    return upsert_imported_host(db,
                                json{{"id", "vm-1"},
                                     {"hostname", "vm-paie"},
                                     {"labels", {{"region", "Oriental"}, {"tier", 2}}},
                                     {"cpu", {{"cores", 4}}}},
                                100);
  });
  CHECK(written);
  CHECK(host_row(s, "vm-1") ==
        R"(vm-paie|{"region":"Oriental","tier":"2"}|import|imported|100|100|{"cpu":{"cores":4}})");
}

TEST_CASE("imports: importing again replaces the host's figures and keeps its first time") {
  testing::TempStore s;
  s.write([](Database& db) {
    upsert_imported_host(db, json{{"id", "vm-1"}, {"hostname", "a"}, {"cpu", {{"cores", 4}}}}, 100);
    upsert_imported_host(db, json{{"id", "vm-1"}, {"memory_bytes", 1024}}, 200);
  });
  CHECK(host_row(s, "vm-1") == R"(|{}|import|imported|100|200|{"memory_bytes":1024})");
  CHECK(s.scalar("SELECT count(*) FROM hosts") == 1);
}

TEST_CASE("imports: a host reporting through an agent is left alone") {
  testing::TempStore s;
  s.write([](Database& db) { enrol_agent(db, "srv-1", "srv-1", "sha-1", "10.0.0.1", 100); });
  const std::string before = host_row(s, "srv-1");
  const bool written = s.write([](Database& db) {
    return upsert_imported_host(
        db, json{{"id", "srv-1"}, {"hostname", "imported-name"}, {"cpu", {{"cores", 64}}}}, 200);
  });
  CHECK_FALSE(written);
  CHECK(host_row(s, "srv-1") == before);
  CHECK(before == "srv-1|{}|agent|active|100|100|NULL");
}

TEST_CASE("imports: bad labels are refused, naming them, and nothing is written") {
  testing::TempStore s;
  const auto import = [&](const json& labels) {
    s.write([&](Database& db) {
      upsert_imported_host(db, json{{"id", "vm-1"}, {"labels", labels}}, 100);
    });
  };
  CHECK_THROWS_WITH_AS(import(json{{"9lives", "x"}}), doctest::Contains("'9lives'"), BadDocument);
  CHECK_THROWS_AS(import(json{{"region", json::array()}}), BadDocument);
  CHECK_THROWS_AS(import(json::array({"region"})), BadDocument);
  CHECK(host_row(s, "vm-1") == "");
}

TEST_CASE("imports: declared connections name their target, again updates counts and volume") {
  testing::TempStore s;
  s.write([](Database& db) {
    upsert_declared_edge(db,
                         json{{"source", "vm-app"},
                              {"target", "vm-db"},
                              {"port", 5432},
                              {"connections_per_day", 120.9},
                              {"bytes_per_day", 2.5e9}},
                         100);
  });
  CHECK(edge_row(s, "vm-app") == "declared|vm-db|5432|120|vm-db|2500000000.0|100|100");
  s.write([](Database& db) {
    upsert_declared_edge(db, json{{"source", "vm-app"}, {"target", "vm-db"}, {"port", 5432}}, 200);
  });
  CHECK(edge_row(s, "vm-app") == "declared|vm-db|5432|1|vm-db|NULL|100|200");
  CHECK(s.scalar("SELECT count(*) FROM edges") == 1);
  // Figures of the wrong type count as absent.
  s.write([](Database& db) {
    upsert_declared_edge(db,
                         json{{"source", "vm-web"},
                              {"target", "vm-app"},
                              {"port", 8080},
                              {"connections_per_day", "many"},
                              {"bytes_per_day", "lots"}},
                         300);
  });
  CHECK(edge_row(s, "vm-web") == "declared|vm-app|8080|1|vm-app|NULL|300|300");
}

TEST_CASE("imports: an agent host keeps its own columns, imports fill in beside them") {
  testing::TempStore s;
  s.write([](Database& db) {
    enrol_agent(db, "db", "db", "sha-1", "10.0.0.1", 100);
    upsert_imported_host(db, json{{"id", "vm-1"}, {"hostname", "web"}}, 100);
  });
  const json fill = {{"labels", {{"vmware.cluster", "CL-Rabat"}}}, {"cpu", {{"cores", 4}}}};
  CHECK(s.write([&](Database& db) { return set_agent_fill_in(db, "db", fill); }));
  // Only agent hosts take a fill-in: an imported host's document is its own.
  CHECK_FALSE(s.write([&](Database& db) { return set_agent_fill_in(db, "vm-1", fill); }));
  CHECK(host_row(s, "db") ==
        R"(db|{}|agent|active|100|100|{"cpu":{"cores":4},"labels":{"vmware.cluster":"CL-Rabat"}})");
  CHECK_THROWS_AS(s.write([](Database& db) {
    set_agent_fill_in(db, "db", json{{"labels", {{"9lives", "x"}}}});
  }),
                  BadDocument);
  const auto stored = s.read([](Database& db) { return stored_host(db, "db"); });
  REQUIRE(stored);
  CHECK(stored->source == "agent");
  REQUIRE(stored->imported_json);
  CHECK(json::parse(*stored->imported_json) == fill);
  s.write([](Database& db) { set_agent_fill_in(db, "db", json()); });
  CHECK(host_row(s, "db") == "db|{}|agent|active|100|100|NULL");
  CHECK_FALSE(s.read([](Database& db) { return stored_host(db, "nobody"); }));
}
