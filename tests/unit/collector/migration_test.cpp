// collector/api/migration_states, collector/store/migration and collector/api/validation: the
// lifecycle's table; baselines, states, versions, history and progress rows on a real SQLite file;
// the before/after comparison of a migrated server.
#include "collector/store/migration.h"

#include <doctest/doctest.h>

#include "collector/api/execution.h"
#include "collector/api/migration_states.h"
#include "collector/api/validation.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using S = MigrationState;

TEST_CASE("migration states: each name reads back, unknown names are refused") {
  CHECK(migration_states().size() == 8);
  for (const auto state : migration_states()) {
    CHECK(parse_migration_state(to_string(state)) == state);
  }
  CHECK_FALSE(parse_migration_state("done"));
  CHECK_FALSE(parse_migration_state("Planned"));
  CHECK_FALSE(parse_migration_state(""));
}

TEST_CASE("migration lifecycle: the happy path is legal, skipping a step is not") {
  const std::vector<S> path = {S::kPlanned, S::kScheduled, S::kInProgress,
                               S::kCutOver, S::kValidated, S::kRetired};
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    CAPTURE(to_string(path[i]));
    CHECK(legal_transition(path[i], path[i + 1]));
    for (std::size_t j = i + 2; j < path.size(); ++j)
      CHECK_FALSE(legal_transition(path[i], path[j]));
  }
  CHECK_FALSE(legal_transition(S::kInProgress, S::kValidated));  // validated before cut over
  CHECK_FALSE(legal_transition(S::kPlanned, S::kInProgress));    // no date yet
  CHECK(legal_transition(S::kScheduled, S::kScheduled));         // a new date
  CHECK_FALSE(legal_transition(S::kBlocked, S::kBlocked));
  for (const auto to : migration_states()) CHECK_FALSE(legal_transition(S::kRetired, to));
  CHECK(next_states(S::kRetired).empty());
  CHECK(legal_transition(S::kValidated, S::kRolledBack));
  CHECK(legal_transition(S::kBlocked, S::kInProgress));
}

TEST_CASE(
    "migration lifecycle: cost is committed from the cut-over on, the move started from "
    "in_progress") {
  for (const auto state : migration_states()) {
    CAPTURE(to_string(state));
    CHECK(cost_committed(state) ==
          (state == S::kCutOver || state == S::kValidated || state == S::kRetired));
    CHECK(in_flight(state) == (cost_committed(state) || state == S::kInProgress));
  }
}

namespace {

BaselineHost host(const std::string& id, int wave, const std::string& group, double cost,
                  const std::string& region) {
  return {id, id + ".local", wave, group, "rehost", "p/m1", cost, cost * 2, region, "P", "C"};
}

std::int64_t approve(testing::TempStore& s, const std::string& name,
                     const std::vector<BaselineHost>& hosts) {
  return s.write([&](Database& db) {
    return create_baseline(db, {0, name, "MAD", "ada", 1000}, hosts);
  });
}

std::vector<MigrationStatus> wave(testing::TempStore& s, std::int64_t baseline, int n) {
  return s.read([&](Database& db) {
    return migration_statuses(db, baseline, StatusScope::kWave, std::to_string(n));
  });
}

}  // namespace

TEST_CASE("migration store: a baseline's hosts, planned at version 0 until changed") {
  testing::TempStore s;
  CHECK_FALSE(s.read([](Database& db) { return active_baseline(db); }));
  const auto id = approve(s, "v1",
                          {host("a", 1, "g-1", 10, "R1"), host("b", 1, "g-1", 20, "R2"),
                           host("c", 2, "g-2", 30, "R1"), host("d", 0, "", 0, "R1")});
  const auto b = s.read([&](Database& db) { return find_baseline(db, id); });
  REQUIRE(b);
  CHECK(b->name == "v1");
  CHECK(b->hosts == 4);
  CHECK(b->moving_hosts == 3);
  CHECK(b->monthly_cost == doctest::Approx(60));
  const auto one = wave(s, id, 1);
  REQUIRE(one.size() == 2);
  CHECK(one[0].state == "planned");
  CHECK(one[0].version == 0);
  CHECK(wave(s, id, 0).empty());  // hosts that do not move are not tracked
  CHECK(wave(s, id, 9).empty());
}

TEST_CASE("migration store: a change records history, bumps the version, keeps the date") {
  testing::TempStore s;
  const auto id = approve(s, "v1", {host("a", 1, "g-1", 10, "R1"), host("b", 1, "g-1", 20, "R1")});
  const auto v1 = s.write([&](Database& db) {
    return record_status_change(db, id, "a", "planned",
                                {"scheduled", "2027-02-01", "n1", "paul", 5});
  });
  const auto v2 = s.write([&](Database& db) {
    return record_status_change(db, id, "a", "scheduled", {"in_progress", "", "n2", "pia", 6});
  });
  CHECK(v2 > v1);
  const auto a =
      s.read([&](Database& db) { return migration_statuses(db, id, StatusScope::kHost, "a"); });
  REQUIRE(a.size() == 1);
  CHECK(a[0].state == "in_progress");
  CHECK(a[0].scheduled_for == "2027-02-01");
  CHECK(a[0].changed_by == "pia");
  CHECK(a[0].version == v2);
  const auto history = s.read([](Database& db) { return status_history(db, "a", 10); });
  REQUIRE(history.size() == 2);
  CHECK(history[0].to_state == "in_progress");
  CHECK(history[1].from_state == "planned");
  const auto counts = s.read([&](Database& db) { return wave_state_counts(db, id); });
  REQUIRE(counts.size() == 2);
  CHECK(counts[0].state == "in_progress");
  CHECK(counts[0].version == v2);
  CHECK(counts[1].state == "planned");
}

TEST_CASE("migration store: a new baseline is the active one and keeps the hosts' states") {
  testing::TempStore s;
  const auto first = approve(s, "v1", {host("a", 1, "g-1", 10, "R1")});
  s.write([&](Database& db) {
    record_status_change(db, first, "a", "planned", {"blocked", "", "", "paul", 5});
  });
  const auto second = approve(s, "v2", {host("a", 3, "g-4", 12, "R1")});
  const auto active = s.read([](Database& db) { return active_baseline(db); });
  REQUIRE(active);
  CHECK(active->id == second);
  const auto three = wave(s, second, 3);
  REQUIRE(three.size() == 1);
  CHECK(three[0].state == "blocked");
  CHECK(wave(s, first, 1).size() == 1);  // the old baseline is as it was approved
}

TEST_CASE("migration store: adopting replaces and removes a baseline's hosts") {
  testing::TempStore s;
  const auto id = approve(s, "v1", {host("a", 1, "g-1", 10, "R1"), host("b", 1, "g-1", 20, "R1")});
  s.write([&](Database& db) {
    update_baseline_hosts(db, id, {"b"},
                          {host("a", 2, "g-2", 11, "R1"), host("c", 1, "g-1", 5, "R1")});
  });
  const auto hosts = s.read([&](Database& db) { return baseline_hosts(db, id); });
  REQUIRE(hosts.size() == 2);
  CHECK(hosts[0].host_id == "a");
  CHECK(hosts[0].wave == 2);
  CHECK(hosts[1].host_id == "c");
}

TEST_CASE("migration progress: rows by place and state fold into planned and committed costs") {
  testing::TempStore s;
  const auto id = approve(s, "v1",
                          {host("a", 1, "g-1", 10, "R1"), host("b", 1, "g-1", 20, "R1"),
                           host("c", 2, "g-2", 30, "R2"), host("d", 0, "", 99, "R2")});
  s.write([&](Database& db) {
    for (const char* state : {"scheduled", "in_progress", "cut_over", "validated", "retired"}) {
      record_status_change(db, id, "a", "", {state, "", "", "paul", 5});
    }
    record_status_change(db, id, "b", "planned", {"blocked", "", "", "paul", 5});
  });
  const auto rows = s.read([&](Database& db) { return progress_rows(db, id); });
  ProgressFigures total;
  for (const auto& row : rows) total.add(row);
  CHECK(total.hosts["retired"] == 1);
  CHECK(total.hosts["blocked"] == 1);
  CHECK(total.hosts["planned"] == 1);
  CHECK(total.hosts["cut_over"] == 0);                       // every state present
  CHECK(total.planned_monthly_cost == doctest::Approx(60));  // d does not move
  CHECK(total.committed_monthly_cost == doctest::Approx(10));
  CHECK(total.retired_servers == 1);
  CHECK(total.retired_in_place == 0);  // a, switched off after its move
  CHECK(total.retired_on_premises_monthly_cost == doctest::Approx(20));
}

TEST_CASE("validation: a port or service the target lost is a regression, extras are not") {
  const auto before_network = nlohmann::json::parse(R"({"listening": [
      {"protocol": "tcp", "address": "0.0.0.0", "port": 5432, "process": "postgres"},
      {"protocol": "tcp", "address": "::", "port": 5432, "process": ""},
      {"protocol": "udp", "address": "0.0.0.0", "port": 161, "process": "snmpd"},
      {"protocol": "tcp", "port": "22"}, {"port": 80}, "junk"]})");
  const auto before_software = nlohmann::json::parse(R"({"services": [
      {"name": "postgresql.service", "running": true},
      {"name": "cron.service", "state": "running"},
      {"name": "stopped.service", "running": false, "state": "dead"}]})");
  const auto after_network = nlohmann::json::parse(R"({"listening": [
      {"protocol": "tcp", "address": "0.0.0.0", "port": 5432, "process": "postgres"},
      {"protocol": "tcp", "address": "0.0.0.0", "port": 8080, "process": "java"}]})");
  const auto after_software =
      nlohmann::json::parse(R"({"services": [{"name": "cron.service", "running": true}]})");
  const auto checks = validate_move(before_network, before_software, after_network, after_software);
  REQUIRE(checks.size() == 4);  // malformed entries and stopped services are not checked
  CHECK(checks[0].subject == "tcp/5432");
  CHECK(checks[0].detail == "postgres");
  CHECK(checks[0].after);
  CHECK(checks[1].subject == "udp/161");
  CHECK_FALSE(checks[1].after);
  CHECK(checks[2].subject == "cron.service");
  CHECK(checks[2].after);
  CHECK(checks[3].subject == "postgresql.service");
  CHECK_FALSE(checks[3].after);
  CHECK(validate_move(nlohmann::json::object(), nlohmann::json::object(), after_network,
                      after_software)
            .empty());
}

TEST_CASE("migration lifecycle: a host retired in place is scheduled and switched off, not moved") {
  CHECK(track_of("rehost", 3) == Track::kMove);
  CHECK(track_of("retire", 0) == Track::kRetire);
  CHECK_FALSE(track_of("retain", 0));
  CHECK(legal_transition(S::kPlanned, S::kRetired, Track::kRetire));
  CHECK(legal_transition(S::kScheduled, S::kRetired, Track::kRetire));
  CHECK(legal_transition(S::kBlocked, S::kScheduled, Track::kRetire));
  CHECK_FALSE(legal_transition(S::kPlanned, S::kRetired));  // a move must be validated first
  for (const auto to : {S::kInProgress, S::kCutOver, S::kValidated, S::kRolledBack}) {
    CAPTURE(to_string(to));
    for (const auto from : migration_states())
      CHECK_FALSE(legal_transition(from, to, Track::kRetire));
  }
  CHECK(next_states(S::kRetired, Track::kRetire).empty());
}

TEST_CASE("migration store: hosts the plan retires are tracked one by one, outside the waves") {
  testing::TempStore s;
  auto retire = host("r", 0, "", 0, "R1");
  retire.strategy = "retire";
  const auto id =
      approve(s, "v1", {host("a", 1, "g-1", 10, "R1"), retire, host("k", 0, "", 0, "R1")});
  const auto r =
      s.read([&](Database& db) { return migration_statuses(db, id, StatusScope::kHost, "r"); });
  REQUIRE(r.size() == 1);
  CHECK(r[0].strategy == "retire");
  CHECK(r[0].wave == 0);
  CHECK(s.read([&](Database& db) {
           return migration_statuses(db, id, StatusScope::kHost, "k");
         }).empty());  // retained: not tracked
  const auto listed = s.read(
      [&](Database& db) { return migration_statuses(db, id, StatusScope::kStrategy, "retire"); });
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].host_id == "r");
  s.write([&](Database& db) {
    record_status_change(db, id, "r", "planned", {"retired", "", "", "paul", 5});
  });
  ProgressFigures total;
  for (const auto& row : s.read([&](Database& db) { return progress_rows(db, id); }))
    total.add(row);
  CHECK(total.hosts["retired"] == 1);
  CHECK(total.hosts["planned"] == 1);
  CHECK(total.moving_hosts == 1);
  CHECK(total.moved == 0);  // switched off where it was, not moved
  CHECK(total.retired_servers == 1);
  CHECK(total.retired_in_place == 1);
  CHECK(s.read([](Database& db) { return last_change_to(db, "r", "retired"); }) == 5);
  CHECK_FALSE(s.read([](Database& db) { return last_change_to(db, "r", "in_progress"); }));
}

TEST_CASE("validation: dependencies reached by host and port, at a moved dependency's target") {
  const std::vector<Dependency> before = {{"db", "10.0.0.5", 5432, "php"},
                                          {"db", "10.0.0.6", 5432, ""},  // a second NIC: once
                                          {"cache", "10.0.0.7", 6379, "php"},
                                          {"", "10.9.9.9", 53, "resolver"},
                                          {"api", "10.0.0.8", 443, "php"}};
  const std::vector<Dependency> after = {{"db", "10.0.0.5", 5432, "php"},
                                         {"", "10.9.9.9", 53, ""},
                                         {"api-new", "10.1.0.8", 443, "php"},
                                         {"cache", "10.0.0.7", 6380, "php"}};  // another port
  const auto checks = validate_dependencies(before, after, {{"api", "api-new"}});
  REQUIRE(checks.size() == 4);
  CHECK(checks[0].subject == "10.9.9.9:53");
  CHECK(checks[0].after);
  CHECK(checks[1].subject == "api:443");
  CHECK(checks[1].after);  // api moved to api-new, which the target reaches
  CHECK(checks[2].subject == "cache:6379");
  CHECK_FALSE(checks[2].after);
  CHECK(checks[2].detail == "php");
  CHECK(checks[3].subject == "db:5432");
  CHECK(checks[3].after);
  CHECK(validate_dependencies(before, after, {})[1].after == false);
}

TEST_CASE("validation: a target's P95 above 1 / comfort_factor is too small, only when measured") {
  const double ceiling = 1 / 1.3;
  const auto checks = validate_sizing({0.3, 0.4}, {0.95, 0.5}, ceiling);
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].rule == "cpu_p95");
  CHECK_FALSE(checks[0].after);
  CHECK(*checks[0].before_p95 == doctest::Approx(0.3));
  CHECK(*checks[0].after_p95 == doctest::Approx(0.95));
  CHECK(checks[1].rule == "memory_p95");
  CHECK(checks[1].after);
  const auto unmeasured = validate_sizing({std::nullopt, 0.4}, {0.5, std::nullopt}, ceiling);
  REQUIRE(unmeasured.size() == 1);  // memory: the target has no data yet
  CHECK(unmeasured[0].after);
  CHECK_FALSE(unmeasured[0].before_p95);
}
