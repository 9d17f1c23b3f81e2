// collector/store/sources and collector/sources/secret_box: sources kept with their password
// sealed under a key file of mode 0600, runs recorded, and the VMs a run no longer sees marked
// gone rather than deleted.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "collector/api/import_apply.h"
#include "collector/sources/secret_box.h"
#include "collector/store/agents.h"
#include "collector/store/imports.h"
#include "collector/store/sources.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

SourceConfig lab_config() {
  SourceConfig c;
  c.name = "lab";
  c.url = "https://vc.lab/sdk";
  c.username = "reader@vsphere.local";
  c.password_sealed = "v1:00";
  return c;
}

std::string labels_of(testing::TempStore& s, const std::string& id) {
  return s.read([&](Database& db) {
    Statement& q = db.cached("SELECT labels FROM hosts WHERE id = ?");
    q.with(id);
    std::string out = q.step() ? q.text(0) : "";
    q.reset();
    return out;
  });
}

ImportPlan plan_of(std::vector<std::string> ids) {
  ImportPlan plan;
  for (const auto& id : ids)
    plan.hosts.push_back(
        {plan.hosts.size() + 1,
         {{"id", id}, {"hostname", id}, {"labels", {{"import.uuid", id.substr(7)}}}}});
  return plan;
}

// What a discovery run writes of its plan (collector/sources/source_runner.cpp).
std::vector<ImportDecision> apply(Database& db, const ImportPlan& plan, std::int64_t now) {
  auto decisions = decide_import(db, plan);
  write_import(
      db, plan, decisions,
      {0, now, "source 1", "lab", "", "vcenter", count_import(plan, decisions), std::nullopt, ""});
  return decisions;
}

}  // namespace

TEST_CASE("a sealed password opens with its key only, and never reads as itself") {
  testing::TempDir dir;
  const auto key = dir.path() / "sources.key";
  const SecretBox box(key);
  struct stat st {};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  const auto a = box.seal("s3cret-P@ss");
  const auto b = box.seal("s3cret-P@ss");
  CHECK(a != b);  // a new nonce each time
  CHECK(a.find("s3cret") == std::string::npos);
  CHECK(box.open(a) == "s3cret-P@ss");
  CHECK(SecretBox(key).open(b) == "s3cret-P@ss");  // the same key read back
  std::string altered = a;
  altered[10] = altered[10] == '0' ? '1' : '0';
  CHECK_THROWS_AS(box.open(altered), SecretBoxError);
  CHECK_THROWS_AS(box.open("plain"), SecretBoxError);
  const SecretBox other(dir.path() / "other.key");
  CHECK_THROWS_WITH_AS(other.open(a), doctest::Contains("does not open"), SecretBoxError);
}

TEST_CASE("a key file others may read, or of the wrong size, is refused") {
  testing::TempDir dir;
  const auto key = dir.path() / "sources.key";
  { const SecretBox box(key); }
  ::chmod(key.c_str(), 0644);
  CHECK_THROWS_WITH_AS(SecretBox{key}, doctest::Contains("readable by others"), SecretBoxError);
  const auto short_key = dir.path() / "short.key";
  std::ofstream(short_key) << "tooshort";
  ::chmod(short_key.c_str(), 0600);
  CHECK_THROWS_WITH_AS(SecretBox{short_key}, doctest::Contains("32 bytes"), SecretBoxError);
}

TEST_CASE("sources are created, listed, renamed, refused a taken name and deleted") {
  testing::TempStore s;
  const auto id =
      s.write([](Database& db) { return create_source(db, lab_config(), "admin", 100, 100); });
  REQUIRE(id);
  CHECK_FALSE(
      s.write([](Database& db) { return create_source(db, lab_config(), "admin", 101, 101); }));
  auto other = lab_config();
  other.name = "prod";
  const auto id2 =
      s.write([&](Database& db) { return create_source(db, other, "admin", 102, 102); });
  REQUIRE(id2);
  CHECK(s.write([&](Database& db) {
    return update_source(db, *id2, lab_config(), "admin", 103);
  }) == SourceWrite::kNameTaken);
  other.insecure = true;
  CHECK(s.write([&](Database& db) { return update_source(db, *id2, other, "admin", 104); }) ==
        SourceWrite::kDone);
  const auto sources = s.read([](Database& db) { return list_sources(db); });
  REQUIRE(sources.size() == 2);
  CHECK(sources[1].config.insecure);
  CHECK(sources[0].run.state == "idle");
  CHECK(sources[0].run.next_run_at == 100);
  CHECK(s.write([&](Database& db) { return delete_source(db, *id, "admin", 105); }));
  CHECK_FALSE(s.write([&](Database& db) { return delete_source(db, *id, "admin", 106); }));
  CHECK(s.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'source_%'") == 4);
  CHECK(s.scalar("SELECT count(*) FROM audit_log WHERE detail LIKE '%v1:00%'") == 0);
}

TEST_CASE("a run's state is recorded, and one interrupted by a stop is failed at the next start") {
  testing::TempStore s;
  const auto id = *s.write([](Database& db) { return create_source(db, lab_config(), "a", 1, 1); });
  CHECK(s.write([&](Database& db) { return start_source_run(db, id, 10); }) == 1);
  CHECK(s.read([&](Database& db) { return find_source(db, id); })->run.state == "running");
  SourceRun ok;
  ok.state = "ok";
  ok.finished_at = 20;
  ok.vms = 2000;
  ok.hosts = 50;
  ok.last_success_at = 20;
  ok.next_run_at = 920;
  ok.errors = {"vm-3: no name"};
  s.write([&](Database& db) { finish_source_run(db, id, ok); });
  auto source = *s.read([&](Database& db) { return find_source(db, id); });
  CHECK(source.run.state == "ok");
  CHECK(source.run.vms == 2000);
  CHECK(source.run.errors == std::vector<std::string>{"vm-3: no name"});
  CHECK(s.write([&](Database& db) { return start_source_run(db, id, 30); }) == 2);
  s.write([&](Database& db) { fail_interrupted_run(db, id + 1, 40); });  // another source's
  CHECK(s.read([&](Database& db) { return find_source(db, id); })->run.state == "running");
  s.write([&](Database& db) { fail_interrupted_run(db, id, 40); });
  source = *s.read([&](Database& db) { return find_source(db, id); });
  CHECK(source.run.state == "failed");
  CHECK(source.run.last_success_at == 20);  // the last success stays known
}

TEST_CASE("a VM a run no longer sees is marked gone, not deleted, and unmarked when back") {
  testing::TempStore s;
  const auto id = *s.write([](Database& db) { return create_source(db, lab_config(), "a", 1, 1); });
  const auto run = [&](std::int64_t n, std::vector<std::string> ids) {
    return s.write([&](Database& db) {
      apply(db, plan_of(ids), n);
      return record_source_hosts(db, id, n, ids, n).gone;
    });
  };
  CHECK(run(1, {"vmware:a", "vmware:b"}).empty());
  CHECK(run(2, {"vmware:a"}) == std::vector<std::string>{"vmware:b"});
  CHECK(s.scalar("SELECT count(*) FROM hosts") == 2);
  CHECK(json::parse(labels_of(s, "vmware:b"))["vmware.gone"] == "true");
  CHECK(run(3, {"vmware:a"}).empty());  // marked once
  CHECK(run(4, {"vmware:a", "vmware:b"}).empty());
  CHECK_FALSE(json::parse(labels_of(s, "vmware:b")).contains("vmware.gone"));
}

TEST_CASE("a VM whose BIOS UUID is an agent's host id is that agent's host") {
  testing::TempStore s;
  s.write([](Database& db) {
    db.cached(
          "INSERT INTO hosts(id, hostname, source, first_seen, last_seen) VALUES "
          "('4221abcd000011112222333344445555', 'paie-db', 'agent', 1, 1)")
        .run();
  });
  ImportPlan plan;
  plan.hosts.push_back(
      {1,
       {{"id", "vmware:4221ABCD-0000-1111-2222-333344445555"},
        {"hostname", "other-name"},
        {"labels",
         {{"import.uuid", "4221ABCD-0000-1111-2222-333344445555"}, {"vmware.cluster", "prod"}}}}});
  const auto decisions = s.write([&](Database& db) { return apply(db, plan, 5); });
  REQUIRE(decisions.size() == 1);
  REQUIRE(decisions[0].match);
  CHECK(decisions[0].match->id == "4221abcd000011112222333344445555");
  CHECK(decisions[0].match->rule == "uuid");
  // The agent's data wins; vCenter fills in what the agent lacks (its cluster).
  CHECK(decisions[0].action == "update");
  CHECK(s.scalar("SELECT count(*) FROM hosts") == 1);
  CHECK(s.scalar("SELECT count(*) FROM hosts WHERE imported LIKE '%vmware.cluster%'") == 1);
}
