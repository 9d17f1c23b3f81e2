// collector/store/batch_writer: one ingest batch into the store: the host's last push, its
// identity, inventory sections with the fields that changed, NIC addresses and connections (not
// loopback ones), summaries and the days they leave to roll up.
#include "collector/store/batch_writer.h"

#include <doctest/doctest.h>

#include "collector/store/agents.h"
#include "unit/collector/summaries.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

struct Fixture : testing::TempStore {
  std::int64_t sequence = 0;
  Fixture() {
    write([](Database& db) { enrol_agent(db, "h1", "enrolled-name", "sha", "10.0.0.1", 100); });
  }
  BatchOutcome push(std::vector<InventorySection> sections, std::int64_t now,
                    std::vector<Summary> summaries = {}) {
    Batch b;
    b.host_id = "h1";
    b.sequence = ++sequence;
    b.sections = std::move(sections);
    b.summaries = std::move(summaries);
    return write([&](Database& db) { return store_batch(db, b, "10.0.0.9", now); });
  }
  std::string text(const std::string& sql) {
    return read([&](Database& db) {
      Statement& q = db.cached(sql);
      q.reset();
      std::string out;
      while (q.step()) out += (out.empty() ? "" : ",") + q.text(0);
      return out;
    });
  }
};

}  // namespace

TEST_CASE("batch writer: a push updates the host: last seen never goes back, address, state") {
  Fixture f;
  f.push({}, 500);
  CHECK(f.text("SELECT last_seen || ' ' || address || ' ' || state FROM hosts") ==
        "500 10.0.0.9 active");
  f.push({}, 400);  // a replayed spool: an older clock
  CHECK(f.text("SELECT last_seen FROM hosts") == "500");
  CHECK(f.text("SELECT sequence || ' ' || batches FROM batch_marks") == "2 2");
  // A batch for a host that was never enrolled creates no host.
  Batch stray;
  stray.host_id = "ghost";
  stray.sequence = 1;
  CHECK(f.write([&](Database& db) { return store_batch(db, stray, "", 1); }) ==
        BatchOutcome::kStored);
  CHECK(f.scalar("SELECT count(*) FROM hosts") == 1);
}

TEST_CASE("batch writer: the identity section names the host and sets its labels") {
  Fixture f;
  f.push({{"identity", "i1",
           json{{"hostname", "srv-web-1"}, {"labels", {{"region", "Souss"}, {"rack", 12}}}}}},
         200);
  CHECK(f.text("SELECT hostname FROM hosts") == "srv-web-1");
  CHECK(f.text("SELECT labels FROM hosts") == R"({"rack":"12","region":"Souss"})");
  // An identity without a hostname keeps the one known.
  f.push({{"identity", "i2", json{{"labels", json::object()}}}}, 300);
  CHECK(f.text("SELECT hostname FROM hosts") == "srv-web-1");
  CHECK(f.text("SELECT labels FROM hosts") == "{}");
}

TEST_CASE("batch writer: a section is stored when its hash changes, with the fields that changed") {
  Fixture f;
  const json v1{{"cpu", {{"cores", 4}}}, {"memory_bytes", 1024}, {"vendor", "x"}};
  f.push({{"hardware", "hw1", v1}}, 200);
  f.push({{"hardware", "hw1", v1}}, 300);  // a full inventory repeating it
  CHECK(f.scalar("SELECT count(*) FROM inventory_changes") == 1);
  CHECK(f.text("SELECT changed FROM inventory_changes") == R"(["cpu","memory_bytes","vendor"])");
  CHECK(f.text("SELECT coalesce(old_hash, 'NULL') || '>' || new_hash FROM inventory_changes") ==
        "NULL>hw1");
  const json v2{{"cpu", {{"cores", 8}}}, {"memory_bytes", 1024}, {"disks", json::array()}};
  f.push({{"hardware", "hw2", v2}}, 400);
  CHECK(f.text("SELECT changed FROM inventory_changes ORDER BY id") ==
        R"(["cpu","memory_bytes","vendor"],["cpu","disks","vendor"])");
  CHECK(f.text("SELECT hash || ' ' || updated_at FROM inventory_current") == "hw2 400");
  CHECK(json::parse(f.text("SELECT data FROM inventory_current")) == v2);
}

TEST_CASE("batch writer: NIC addresses without prefix or loopback, connections without loopback") {
  Fixture f;
  f.push({{"hardware", "hw",
           json{{"nics",
                 {{{"ipv4", {"10.0.0.5/24", "127.0.0.1/8"}}, {"ipv6", {"fd00::5/64", "::1/128"}}},
                  "not a nic",
                  {{"ipv4", "not a list"}}}}}},
          {"network", "net",
           json{{"connections",
                 {{{"direction", "outbound"}, {"remote_address", "10.0.0.6"}, {"remote_port", 443}},
                  {{"direction", "outbound"}, {"remote_address", "127.0.0.1"}, {"remote_port", 80}},
                  {{"direction", "sideways"}, {"remote_address", "10.0.0.7"}, {"remote_port", 1}},
                  {{"direction", "inbound"},
                   {"remote_address", "10.0.0.8"},
                   {"local_port", 22},
                   {"count", 0}}}}}}},
         200);
  CHECK(f.text("SELECT address FROM host_addresses ORDER BY address") == "10.0.0.5,fd00::5");
  CHECK(f.text("SELECT direction || ' ' || remote_address || ' ' || remote_port || ' ' || "
               "local_port || ' ' || count FROM edges ORDER BY direction") ==
        "inbound 10.0.0.8 0 22 1,outbound 10.0.0.6 443 0 1");
  // A new hardware section replaces the addresses.
  f.push({{"hardware", "hw2", json{{"nics", {{{"ipv4", {"10.0.1.5/24"}}}}}}}}, 300);
  CHECK(f.text("SELECT address FROM host_addresses") == "10.0.1.5");
}

TEST_CASE("batch writer: summaries are stored once per metric and start, days left to roll up") {
  Fixture f;
  const std::int64_t day = 20'000 * kSecondsPerDay;
  f.push({}, 200,
         {sahab::testing::cpu_summary(day + 60),
          sahab::testing::cpu_summary(day + kSecondsPerDay - 60)});
  f.push({}, 300,
         {sahab::testing::cpu_summary(day + kSecondsPerDay),
          sahab::testing::cpu_summary(day + 60)});  // one again
  CHECK(f.scalar("SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 3);
  CHECK(f.text("SELECT day FROM rollup_pending ORDER BY day") ==
        std::to_string(day) + "," + std::to_string(day + kSecondsPerDay));
  // The same sequence again is a duplicate and changes nothing.
  Batch replay;
  replay.host_id = "h1";
  replay.sequence = 1;
  replay.summaries = {sahab::testing::cpu_summary(day + 120)};
  CHECK(f.write([&](Database& db) { return store_batch(db, replay, "", 900); }) ==
        BatchOutcome::kDuplicate);
  CHECK(f.scalar("SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 3);
  CHECK(f.text("SELECT last_seen FROM hosts") == "300");
}

TEST_CASE(
    "batch writer: a sequence at or below the host's mark is a replay; a new agent starts over") {
  Fixture f;
  const std::int64_t day = 20'000 * kSecondsPerDay;
  f.push({}, 200, {sahab::testing::cpu_summary(day + 60)});
  f.push({}, 260, {sahab::testing::cpu_summary(day + 120)});
  Batch older;
  older.host_id = "h1";
  older.sequence = 1;
  older.summaries = {sahab::testing::cpu_summary(day + 180)};
  CHECK(f.write([&](Database& db) { return store_batch(db, older, "", 300); }) ==
        BatchOutcome::kDuplicate);
  CHECK(f.text("SELECT sequence || ' ' || received_at || ' ' || batches FROM batch_marks") ==
        "2 260 2");
  // The server reinstalled: its new agent enrols under the same host and numbers from 1 again.
  f.write([](Database& db) { enrol_agent(db, "h1", "enrolled-name", "sha2", "10.0.0.1", 400); });
  CHECK(f.write([&](Database& db) { return store_batch(db, older, "", 500); }) ==
        BatchOutcome::kStored);
  CHECK(f.scalar("SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 3);
  CHECK(f.text("SELECT sequence || ' ' || batches FROM batch_marks") == "1 1");
}
