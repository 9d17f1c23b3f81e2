// collector/store/fingerprint: the key of the plan and fleet summary caches must move with every
// change of the fleet's hosts or inventory, and stay put for everything else.
#include "collector/store/fingerprint.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "collector/store/enrolment_tokens.h"
#include "collector/store/imports.h"
#include "collector/store/maintenance.h"
#include "unit/collector/summaries.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

struct Fixture : testing::TempStore {
  std::string fingerprint() {
    return read([](Database& db) { return fleet_fingerprint(db); });
  }
};

Batch batch(const std::string& host, std::int64_t sequence, const std::string& hardware_hash,
            int cores = 4) {
  Batch b;
  b.host_id = host;
  b.sequence = sequence;
  b.sections.push_back({"hardware", hardware_hash, json{{"cpu", {{"cores", cores}}}}});
  return b;
}

}  // namespace

TEST_CASE("fingerprint: an empty fleet, then hosts, inventory changes and enrolments move it") {
  Fixture f;
  CHECK(f.fingerprint() == "0/0/0");
  CHECK(f.fingerprint() == f.fingerprint());

  f.write([](Database& db) { enrol_agent(db, "h1", "srv-1", "hash-1", "10.0.0.1", 100); });
  const std::string enrolled = f.fingerprint();
  CHECK(enrolled != "0/0/0");
  CHECK(enrolled.starts_with("1/0/"));

  f.write([](Database& db) { store_batch(db, batch("h1", 1, "hw-a"), "10.0.0.1", 200); });
  const std::string inventory = f.fingerprint();
  CHECK(inventory != enrolled);

  // The same inventory again (a full inventory repeats unchanged sections): no change.
  f.write([](Database& db) { store_batch(db, batch("h1", 2, "hw-a"), "10.0.0.1", 300); });
  CHECK(f.fingerprint() == inventory);
  // A new hash over the same data is no change (readings such as free space move the hash);
  // a changed section is.
  f.write([](Database& db) { store_batch(db, batch("h1", 3, "hw-b"), "10.0.0.1", 350); });
  CHECK(f.fingerprint() == inventory);
  f.write([](Database& db) { store_batch(db, batch("h1", 4, "hw-c", 8), "10.0.0.1", 400); });
  const std::string changed = f.fingerprint();
  CHECK(changed != inventory);

  // A second agent under a new id: one host more.
  f.write([](Database& db) { enrol_agent(db, "h2", "srv-2", "hash-2", "10.0.0.2", 500); });
  CHECK(f.fingerprint().starts_with("2/"));
  CHECK(f.fingerprint() != changed);
}

TEST_CASE(
    "fingerprint: utilisation, revocations, tokens, other audits and stale marking leave it") {
  Fixture f;
  f.write([](Database& db) {
    enrol_agent(db, "h1", "srv-1", "hash-1", "10.0.0.1", 100);
    store_batch(db, batch("h1", 1, "hw-a"), "10.0.0.1", 100);
  });
  const std::string before = f.fingerprint();

  f.write([](Database& db) {
    store_batch(db, sahab::testing::summary_batch("h1", 2, 1'000'020), "10.0.0.1", 200);
    revoke_agent(db, 1, "lost", "admin", 300);
    create_enrolment_token(db, "batch 1", "token-hash", "ada", 300, std::nullopt);
    audit(db, 300, "scenario-create", std::nullopt, "", "ada", "s1");
  });
  CHECK(f.scalar("SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 1);
  CHECK(f.fingerprint() == before);

  // Stale marking changes a state, which the fleet summary's key counts on its own.
  RetentionPolicy policy;
  const auto report = run_maintenance(f.store, policy, 100 + policy.stale_after_seconds + 200);
  CHECK(report.hosts_marked_stale == 1);
  CHECK(f.fingerprint() == before);
}

TEST_CASE("fingerprint: imports move it, also when they only rewrite existing hosts") {
  Fixture f;
  const json host{{"id", "vm-1"}, {"hostname", "vm-1"}, {"cpu", {{"cores", 2}}}};
  const auto import_once = [&](std::int64_t now) {
    f.write([&](Database& db) {
      upsert_imported_host(db, host, now);
      audit(db, now, "import", std::nullopt, "", "10.0.0.9", "1 host");
    });
  };
  import_once(100);
  const std::string first = f.fingerprint();
  CHECK(first.starts_with("1/0/"));
  CHECK_FALSE(first.ends_with("/0"));
  import_once(200);  // same host count, same inventory: only the import's audit row tells
  CHECK(f.fingerprint() != first);
}

TEST_CASE("fingerprint: an agent taking over an imported host moves it") {
  // The host stops being answered from its imported document (imported = NULL, source = agent)
  // before its agent's first inventory arrives, so cached plans and summaries are out of date.
  Fixture f;
  f.write([](Database& db) {
    upsert_imported_host(db, json{{"id", "vm-1"}, {"cpu", {{"cores", 2}}}}, 100);
    audit(db, 100, "import", std::nullopt, "", "10.0.0.9", "1 host");
  });
  const std::string imported = f.fingerprint();
  f.write([](Database& db) {
    enrol_agent(db, "vm-1", "vm-1", "hash-1", "10.0.0.1", 200, "link_imported",
                "enrolment.link_imported_hosts is on");
  });
  CHECK(f.scalar("SELECT count(*) FROM hosts WHERE source = 'agent' AND imported IS NULL") == 1);
  CHECK(f.fingerprint() != imported);
}
