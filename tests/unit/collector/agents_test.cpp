// collector/store/agents: enrolment creates or takes over the host, credentials are kept as
// hashes, listed with their revocations, and every change is audited.
#include "collector/store/agents.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "collector/store/imports.h"
#include "collector/store/maintenance.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

std::string host_field(testing::TempStore& s, const std::string& id, const std::string& column) {
  return s.read([&](Database& db) {
    Statement& q =
        db.cached("SELECT coalesce(CAST(" + column + " AS TEXT), 'NULL') FROM hosts WHERE id = ?");
    q.with(id);
    std::string out = q.step() ? q.text(0) : "no such host";
    q.reset();
    return out;
  });
}

std::string audit_detail(testing::TempStore& s, std::int64_t agent_id) {
  return s.read([&](Database& db) {
    Statement& q = db.cached(
        "SELECT action || ' by ' || actor || ': ' || detail FROM audit_log "
        "WHERE agent_id = ? ORDER BY id DESC LIMIT 1");
    q.with(agent_id);
    std::string out = q.step() ? q.text(0) : "";
    q.reset();
    return out;
  });
}

}  // namespace

TEST_CASE("agents: enrolling a new id creates an active agent host, audited") {
  testing::TempStore s;
  const auto id = s.write(
      [](Database& db) { return enrol_agent(db, "h1", "srv-1", "sha-1", "10.0.0.1", 100); });
  CHECK(id > 0);
  CHECK(host_field(s, "h1", "hostname") == "srv-1");
  CHECK(host_field(s, "h1", "source") == "agent");
  CHECK(host_field(s, "h1", "state") == "active");
  CHECK(host_field(s, "h1", "first_seen") == "100");
  CHECK(host_field(s, "h1", "last_seen") == "100");
  CHECK(host_field(s, "h1", "address") == "10.0.0.1");
  CHECK(audit_detail(s, id) == "enrol by 10.0.0.1: hostname=srv-1");
  const auto agent = s.read([](Database& db) { return find_agent_by_credential(db, "sha-1"); });
  REQUIRE(agent);
  CHECK(agent->id == id);
  CHECK(agent->host_id == "h1");
  CHECK_FALSE(agent->revoked);
  // The hash is what is found: neither a prefix nor another case.
  CHECK_FALSE(s.read([](Database& db) { return find_agent_by_credential(db, "sha-"); }));
  CHECK_FALSE(s.read([](Database& db) { return find_agent_by_credential(db, "SHA-1"); }));
}

TEST_CASE("agents: one credential hash belongs to one agent") {
  testing::TempStore s;
  s.write([](Database& db) { enrol_agent(db, "h1", "srv-1", "sha-1", "10.0.0.1", 100); });
  CHECK_THROWS_WITH_AS(
      s.write([](Database& db) { enrol_agent(db, "h2", "srv-2", "sha-1", "10.0.0.2", 200); }),
      doctest::Contains("credential_sha256"), StoreError);  // the unique column, on both engines
  // The refused enrolment created neither the host nor an audit row.
  CHECK(host_field(s, "h2", "id") == "no such host");
  CHECK(s.scalar("SELECT count(*) FROM audit_log") == 1);
}

TEST_CASE("agents: taking over an imported host drops its document and keeps its hostname") {
  testing::TempStore s;
  s.write([](Database& db) {
    upsert_imported_host(
        db, nlohmann::json{{"id", "vm-1"}, {"hostname", "vm-one"}, {"cpu", {{"cores", 2}}}}, 50);
  });
  CHECK(host_field(s, "vm-1", "imported") != "NULL");
  const auto id = s.write([](Database& db) {
    return enrol_agent(db, "vm-1", "", "sha-1", "10.0.0.1", 100, "link_imported", "approved");
  });
  CHECK(host_field(s, "vm-1", "source") == "agent");
  CHECK(host_field(s, "vm-1", "state") == "active");
  CHECK(host_field(s, "vm-1", "imported") == "NULL");
  CHECK(host_field(s, "vm-1", "hostname") == "vm-one");  // an empty hostname changes nothing
  CHECK(host_field(s, "vm-1", "first_seen") == "50");
  CHECK(audit_detail(s, id) == "link_imported by 10.0.0.1: hostname=, approved");
}

TEST_CASE("agents: a stale host enrolled again is active, renamed, with a second credential") {
  testing::TempStore s;
  s.write([](Database& db) { enrol_agent(db, "h1", "old-name", "sha-1", "10.0.0.1", 100); });
  RetentionPolicy policy;
  run_maintenance(s.store, policy, 100 + policy.stale_after_seconds + 1);
  CHECK(host_field(s, "h1", "state") == "stale");
  const auto second = s.write([](Database& db) {
    return enrol_agent(db, "h1", "new-name", "sha-2", "10.0.0.9", 9000, "rotate", "replaces 1");
  });
  CHECK(host_field(s, "h1", "state") == "active");
  CHECK(host_field(s, "h1", "hostname") == "new-name");
  CHECK(audit_detail(s, second) == "rotate by 10.0.0.9: hostname=new-name, replaces 1");
  CHECK(s.scalar("SELECT count(*) FROM hosts") == 1);
  CHECK(s.read([](Database& db) { return find_agent_by_credential(db, "sha-1"); })->id == 1);
  CHECK(s.read([](Database& db) { return find_agent_by_credential(db, "sha-2"); })->id == second);
}

TEST_CASE("agents: listed oldest first with their revocation, revoking twice keeps the first") {
  testing::TempStore s;
  s.write([](Database& db) {
    enrol_agent(db, "h1", "srv-1", "sha-1", "10.0.0.1", 100);
    enrol_agent(db, "h2", "srv-2", "sha-2", "10.0.0.2", 200);
    enrol_agent(db, "h1", "srv-1", "sha-3", "10.0.0.1", 300);
  });
  CHECK(s.write([](Database& db) { return revoke_agent(db, 1, "lost", "ada", 400); }));
  CHECK(s.write([](Database& db) { return revoke_agent(db, 1, "again", "bob", 500); }));
  CHECK_FALSE(s.write([](Database& db) { return revoke_agent(db, 4, "none", "ada", 500); }));
  CHECK_FALSE(s.write([](Database& db) { return revoke_agent(db, -1, "none", "ada", 500); }));
  const auto all = s.read([](Database& db) { return list_agents(db); });
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == 1);
  CHECK(all[0].host_id == "h1");
  CHECK(all[0].created_at == 100);
  CHECK(all[0].created_from == "10.0.0.1");
  CHECK(all[0].revoked_at == 400);
  CHECK(all[0].revoke_reason == "lost");
  CHECK(all[1].host_id == "h2");
  CHECK_FALSE(all[1].revoked_at);
  CHECK(all[1].revoke_reason == "");
  CHECK(all[2].id == 3);
  CHECK_FALSE(all[2].revoked_at);
  CHECK(s.read([](Database& db) { return find_agent_by_credential(db, "sha-1"); })->revoked);
  CHECK_FALSE(s.read([](Database& db) { return find_agent_by_credential(db, "sha-3"); })->revoked);
  CHECK(audit_detail(s, 1) == "revoke by ada: lost");
  CHECK(s.scalar("SELECT count(*) FROM audit_log WHERE action = 'revoke'") == 1);
}

TEST_CASE("agents: audit rows keep a missing agent as NULL and the text as given") {
  testing::TempStore s;
  s.write([](Database& db) {
    audit(db, 7, "import", std::nullopt, "", "10.0.0.9", "3 hosts, 'quoted' \"too\"");
    audit(db, 8, "revoke", 42, "h9", "ada", "");
  });
  CHECK(s.scalar("SELECT count(*) FROM audit_log WHERE agent_id IS NULL AND action = 'import' "
                 "AND at = 7 AND detail = '3 hosts, ''quoted'' \"too\"'") == 1);
  CHECK(s.scalar("SELECT count(*) FROM audit_log WHERE agent_id = 42 AND host_id = 'h9'") == 1);
}
