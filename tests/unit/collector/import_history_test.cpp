// collector/store/import_history: imports recorded with their counts; a rollback removes the
// hosts an import created (with their declared connections), restores those it updated, and
// refuses, changing nothing, when a later import or an agent changed them since.
#include "collector/store/import_history.h"

#include <doctest/doctest.h>

#include "collector/store/agents.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

struct History : testing::TempStore {
  // An import at `at` writing `hosts` (create when absent, else update) with their edges.
  std::int64_t import(std::int64_t at, const std::vector<json>& hosts,
                      const std::vector<json>& edges = {}) {
    return write([&](Database& db) {
      const auto id = record_import(db, {0, at, "admin", "f.csv", "abc", "csv", {}, {}, ""});
      for (const auto& host : hosts) {
        const auto prior = stored_host(db, host["id"].get<std::string>());
        upsert_imported_host(db, host, at);
        record_import_change(db, id, host["id"], prior);
      }
      for (const auto& edge : edges) upsert_declared_edge(db, edge, at);
      return id;
    });
  }
  Rollback rollback(std::int64_t id) {
    return write([&](Database& db) { return rollback_import(db, id, "admin", 900); });
  }
  std::string host(const std::string& id) {
    const auto h = read([&](Database& db) { return stored_host(db, id); });
    return h ? h->hostname + "|" + h->labels_json + "|" + h->imported_json.value_or("NULL") : "";
  }
};

}  // namespace

TEST_CASE("import history: entries with counts, most recent first, and the hosts each changed") {
  History h;
  h.write([](Database& db) {
    record_import(db, {0, 100, "admin", "rv.xlsx", "ab12", "rvtools 4.7", {3, 2, 1, 0, 4}, {}, ""});
  });
  const auto second = h.import(200, {json{{"id", "vm-1"}}});
  const auto list = h.read([](Database& db) { return list_imports(db, 10); });
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == second);
  CHECK(list[1].file_name == "rv.xlsx");
  CHECK(list[1].counts.created == 3);
  CHECK(list[1].counts.failed == 4);
  CHECK_FALSE(list[1].rolled_back_at);
  CHECK(h.read([](Database& db) { return list_imports(db, 1); }).size() == 1);
  const auto changes = h.read([&](Database& db) { return import_changes(db, second); });
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].host_id == "vm-1");
  CHECK(changes[0].action == "create");
  CHECK_FALSE(h.read([](Database& db) { return find_import(db, 99); }));
}

TEST_CASE("import history: a rollback removes what the import created and restores the rest") {
  History h;
  h.import(100, {json{{"id", "vm-1"}, {"hostname", "a"}, {"cpu", {{"cores", 2}}}}});
  const auto id =
      h.import(200,
               {json{{"id", "vm-1"}, {"hostname", "b"}, {"labels", {{"region", "Oriental"}}}},
                json{{"id", "vm-2"}}},
               {json{{"source", "vm-2"}, {"target", "vm-1"}, {"port", 443}},
                json{{"source", "vm-1"}, {"target", "vm-2"}, {"port", 22}},
                json{{"source", "vm-1"}, {"target", "vm-9"}, {"port", 80}}});
  CHECK(h.host("vm-1") == R"(b|{"region":"Oriental"}|{})");
  const auto done = h.rollback(id);
  CHECK(done.outcome == Rollback::Outcome::kDone);
  CHECK(done.removed == 1);
  CHECK(done.restored == 1);
  CHECK(h.host("vm-1") == R"(a|{}|{"cpu":{"cores":2}})");
  CHECK(h.host("vm-2") == "");
  // Only the connections to and from the removed host go.
  CHECK(h.scalar("SELECT count(*) FROM edges") == 1);
  const auto entry = h.read([&](Database& db) { return find_import(db, id); });
  REQUIRE(entry);
  CHECK(entry->rolled_back_at == 900);
  CHECK(entry->rolled_back_by == "admin");
  CHECK(h.rollback(id).outcome == Rollback::Outcome::kAlreadyRolledBack);
  CHECK(h.rollback(id + 10).outcome == Rollback::Outcome::kNotFound);
}

TEST_CASE("import history: a later import or an agent on the same hosts blocks the rollback") {
  History h;
  const auto first =
      h.import(100, {json{{"id", "vm-1"}}, json{{"id", "vm-2"}}, json{{"id", "vm-3"}}});
  const auto later = h.import(200, {json{{"id", "vm-2"}, {"hostname", "new"}}});
  h.write([](Database& db) { enrol_agent(db, "vm-3", "vm-3", "sha-1", "10.0.0.1", 300); });
  const auto refused = h.rollback(first);
  CHECK(refused.outcome == Rollback::Outcome::kConflict);
  CHECK(refused.hosts == std::vector<std::string>{"vm-2", "vm-3"});
  CHECK(h.host("vm-1") != "");  // nothing changed
  // Rolling back the later import first lifts its part of the refusal.
  CHECK(h.rollback(later).outcome == Rollback::Outcome::kDone);
  CHECK(h.host("vm-2") == "|{}|{}");
  CHECK(h.rollback(first).hosts == std::vector<std::string>{"vm-3"});
}
