// collector/store/store_copy: every table of the schema is copied; a copy verifies by counts and
// checksums (onto PostgreSQL when SAHAB_TEST_STORE is set, else another SQLite file); ids keep
// counting after the copied ones, a rerun on the same copy changes nothing; a target holding
// something else is refused and left as it was.
#include "collector/store/store_copy.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "collector/store/preferences.h"
#include "collector/store/sqlite.h"
#include "collector/store/store.h"
#include "unit/collector/summaries.h"
#include "unit/collector/test_store_url.h"
#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

// A SQLite source with agents, a revocation, utilisation blocks (binary), audit rows, a
// preference (the quoted "user" column) and 1,500 host addresses (more than one batch).
std::filesystem::path make_source(const testing::TempDir& dir) {
  const auto file = dir.path() / "source.db";
  Store store(file, 1);
  store.write([](Database& db) {
    const auto a = enrol_agent(db, "h1", "srv-1", "sha-1", "10.0.0.1", 100);
    enrol_agent(db, "h2", "srv-2", "sha-2", "10.0.0.2", 100);
    revoke_agent(db, a, "decommissioned", "admin", 200);
    for (int i = 0; i < 3; ++i) {
      store_batch(db, testing::summary_batch("h2", i + 1, 3600 * (i + 1), {0.25, 0.5 + i}),
                  "10.0.0.2", 4000 + i);
    }
    save_user_language(db, "amina", "ar", 300);
    for (int i = 0; i < 1500; ++i) {
      db.cached("INSERT INTO host_addresses(address, host_id) VALUES (?, ?)")
          .with("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250), "h2")
          .run();
    }
  });
  return file;
}

}  // namespace

TEST_CASE("store copy: every table of the schema is in the copy") {
  testing::TempDir dir;
  { Store store(dir.path() / "s.db", 1); }
  SqliteDatabase db(dir.path() / "s.db", Database::Mode::kReadOnly);
  Statement& s = db.cached(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  std::vector<std::string> tables;
  while (s.step()) tables.push_back(s.text(0));
  auto copied = copied_tables();
  std::sort(copied.begin(), copied.end());
  CHECK(tables == copied);
}

TEST_CASE("store copy: a copy verifies, ids continue, a rerun is a no-op, other data refused") {
  testing::TempDir dir;
  const auto source = make_source(dir);
  testing::TestStoreUrl target(dir.path() / "target.db");
  const auto report = copy_store(source, target);
  CHECK_FALSE(report.already_copied);
  std::int64_t rows = 0;
  for (const auto& t : report.tables) rows += t.rows;
  CHECK(rows > 1500);
  {
    SqliteDatabase from(source, Database::Mode::kReadOnly);
    const auto to = open_database(target, Database::Mode::kReadOnly);
    CHECK(store_sums(from) == store_sums(*to));
    CHECK(to->scalar("SELECT count(*) FROM summary_blocks WHERE host_id = 'h2'") == 3);
  }
  // The target works as a store: a new agent gets the id after the copied ones.
  {
    Store store(target, 1);
    std::int64_t id = 0;
    store.write([&](Database& db) { id = enrol_agent(db, "h3", "srv-3", "sha-3", "x", 500); });
    CHECK(id == 3);
    // Rerun: the target now holds more than the source.
    CHECK_THROWS_WITH_AS(copy_store(source, target),
                         doctest::Contains("not a copy of the source: hosts (source 2 rows, "
                                           "target 3 rows)"),
                         StoreError);
    store.write([](Database& db) {
      db.cached("DELETE FROM audit_log WHERE host_id = 'h3'").run();
      db.cached("DELETE FROM agents WHERE host_id = 'h3'").run();
      db.cached("DELETE FROM hosts WHERE id = 'h3'").run();
    });
  }
  const auto again = copy_store(source, target);
  CHECK(again.already_copied);
  CHECK(again.tables == report.tables);
}
