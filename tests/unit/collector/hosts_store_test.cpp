// collector/store/hosts and fleet_rows: the reads the API and the fleet readers are built on, on a
// real SQLite file.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "collector/ingest/document.h"
#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "collector/store/fleet_rows.h"
#include "collector/store/hosts.h"
#include "collector/store/imports.h"
#include "collector/store/store.h"
#include "unit/collector/test_store_url.h"
#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

struct Fixture {
  sahab::testing::TempDir dir;
  sahab::testing::TestStoreUrl location{dir.path() / "sahab.db"};
  Store store{location, 1};

  Fixture() {
    store.write([](Database& db) {
      enrol_agent(db, "a-1", "srv-web-1", "hash-a1", "10.0.0.5", 100);
      enrol_agent(db, "a-2", "srv-db-2", "hash-a2", "10.0.0.6", 200);
      revoke_agent(db, 2, "retired", "test", 300);
      Batch batch;
      batch.host_id = "a-1";
      batch.sequence = 1;
      batch.sections.push_back(
          {"identity", "h1",
           json{{"hostname", "srv-web-1"},
                {"listen_address", ":9100"},
                {"labels", {{"region", "Souss-Massa"}, {"commune", "Agadir"}}}}});
      batch.sections.push_back({"hardware", "h2", json{{"cpu", {{"cores", 4}}}}});
      batch.sections.push_back({"software", "h3", json{{"packages", json::array()}}});
      store_batch(db, batch, "10.0.0.5", 400);
      upsert_imported_host(db,
                           json{{"id", "i-1"},
                                {"hostname", "vm-paie_1"},
                                {"labels", {{"region", "Oriental"}}},
                                {"os", {{"name", "Windows Server"}}},
                                {"cpu", {{"cores", 8}}}},
                           500);
    });
  }
  template <typename F>
  auto read(F&& f) {
    return store.read(std::forward<F>(f));
  }
};

std::vector<std::string> ids(const HostPage& page) {
  std::vector<std::string> out;
  for (const auto& h : page.hosts) out.push_back(h.id);
  return out;
}

}  // namespace

TEST_CASE("hosts store: filters, text search, sort and paging") {
  Fixture f;
  const auto find = [&f](HostQuery q) {
    return f.read([&](Database& db) { return find_hosts(db, q); });
  };
  HostQuery all;
  all.sort = "id";
  CHECK(ids(find(all)) == std::vector<std::string>{"a-1", "a-2", "i-1"});
  CHECK(find(all).total == 3);

  HostQuery by_label = all;
  by_label.labels = {{"region", "Oriental"}};
  CHECK(ids(find(by_label)) == std::vector<std::string>{"i-1"});

  HostQuery text = all;
  text.text = "_1";  // '_' is a literal here, not SQL's any-character
  CHECK(ids(find(text)) == std::vector<std::string>{"i-1"});
  text.text = "srv-";
  CHECK(ids(find(text)) == std::vector<std::string>{"a-1", "a-2"});

  HostQuery source = all;
  source.source = "agent";
  source.descending = true;
  CHECK(ids(find(source)) == std::vector<std::string>{"a-2", "a-1"});

  HostQuery page = all;
  page.limit = 1;
  page.offset = 1;
  const HostPage second = find(page);
  CHECK(ids(second) == std::vector<std::string>{"a-2"});
  CHECK(second.total == 3);

  HostQuery bad = all;
  bad.sort = "id; DROP TABLE hosts";
  CHECK_THROWS_AS(find(bad), std::invalid_argument);
}

TEST_CASE("hosts store: one host with its inventory, changes and agents") {
  Fixture f;
  const auto record = f.read([](Database& db) { return find_host(db, "a-1"); });
  REQUIRE(record);
  CHECK(record->host.hostname == "srv-web-1");
  CHECK(record->host.address == "10.0.0.5");
  CHECK_FALSE(record->imported_json);
  CHECK(record->sections.size() == 3);
  CHECK(record->agents.size() == 1);
  CHECK_FALSE(record->agents[0].revoked);
  const auto revoked = f.read([](Database& db) { return find_host(db, "a-2"); });
  REQUIRE(revoked);
  CHECK(revoked->agents.at(0).revoked);
  const auto imported = f.read([](Database& db) { return find_host(db, "i-1"); });
  REQUIRE(imported);
  CHECK(json::parse(*imported->imported_json)["os"]["name"] == "Windows Server");
  CHECK_FALSE(f.read([](Database& db) { return find_host(db, "nope"); }));
  CHECK(f.read([](Database& db) { return host_exists(db, "i-1"); }));
  CHECK_FALSE(f.read([](Database& db) { return host_exists(db, "nope"); }));
}

TEST_CASE("hosts store: scrape candidates, places, counts and statuses") {
  Fixture f;
  const auto candidates = f.read([](Database& db) { return scrape_candidates(db); });
  REQUIRE(candidates.size() == 2);  // agent hosts with a push address; imports never
  CHECK(candidates[0].id == "a-1");
  CHECK(json::parse(candidates[0].identity_json)["listen_address"] == ":9100");
  CHECK(candidates[1].identity_json == "{}");

  const HostPlace place = f.read([](Database& db) { return host_place(db, "a-1"); });
  CHECK(place.hostname == "srv-web-1");
  CHECK(place.region == "Souss-Massa");
  CHECK(place.commune == "Agadir");
  CHECK(f.read([](Database& db) { return host_place(db, "nope"); }).hostname.empty());

  const auto counts = f.read([](Database& db) { return host_counts_by_state(db); });
  CHECK(counts.at("active") == 2);
  CHECK(counts.at("imported") == 1);
  CHECK(counts.at("stale") == 0);

  const auto statuses = f.read([](Database& db) { return host_statuses(db); });
  REQUIRE(statuses.size() == 3);
  for (const auto& s : statuses) {
    CAPTURE(s.id);
    CHECK(s.reporting == (s.id == "a-1"));  // a-2's only credential is revoked; i-1 is imported
    CHECK(s.source == (s.id == "i-1" ? "import" : "agent"));
  }
}

TEST_CASE("fleet rows: hosts with their documents and inventory sections") {
  Fixture f;
  const auto pages = f.read([](Database& db) {
    std::vector<std::vector<FleetHostRow>> out;
    for_each_fleet_host_page(db, [&out](const auto& page) { out.push_back(page); });
    return out;
  });
  REQUIRE(pages.size() == 1);
  const auto& rows = pages[0];
  REQUIRE(rows.size() == 3);
  CHECK(rows[2].source == "import");
  CHECK(json::parse(rows[2].imported_json)["cpu"]["cores"] == 8);
  CHECK(rows[0].imported_json.empty());

  const auto all = f.read([](Database& db) { return inventory_of_hosts(db, "a-1", "i-1"); });
  REQUIRE(all.size() == 1);  // a-2 and the imported i-1 have no inventory
  CHECK(all.at("a-1").size() == 3);
  // The range is inclusive at both ends, and nothing outside it.
  CHECK(f.read([](Database& db) { return inventory_of_hosts(db, "a-1", "a-1"); }).size() == 1);
  CHECK(f.read([](Database& db) { return inventory_of_hosts(db, "a-2", "i-1"); }).empty());
}

TEST_CASE("hosts store: paging through many pages adds no statement to the cache") {
  Fixture f;
  f.store.write([](Database& db) {
    for (int i = 0; i < 300; ++i) {
      upsert_imported_host(db, json{{"id", "p-" + std::to_string(1000 + i)}, {"hostname", "vm"}},
                           600);
    }
  });
  f.read([](Database& db) {
    HostQuery query;
    query.sort = "id";
    query.limit = 2;
    find_hosts(db, query);
    const std::size_t cached = db.cached_statements();
    std::set<std::string> seen;
    for (query.offset = 0; query.offset < 310; query.offset += query.limit) {
      for (const auto& id : ids(find_hosts(db, query))) seen.insert(id);
    }
    CHECK(seen.size() == 303);
    CHECK(db.cached_statements() == cached);
    if (sahab::testing::testing_on_postgres()) {
      CHECK(db.scalar("SELECT count(*) FROM pg_prepared_statements") <=
            static_cast<std::int64_t>(cached) + 1);
    }
    return 0;
  });
}
