// collector/store/edges: agents' connections and imported ones become "source depends on target
// at port", remote addresses resolve through the hosts' NIC addresses, and an edge both ends
// report is one edge.
#include "collector/store/edges.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "collector/store/imports.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

json connection(const std::string& direction, const std::string& remote, std::int64_t port,
                const std::string& process, std::int64_t count) {
  json c{
      {"direction", direction}, {"remote_address", remote}, {"process", process}, {"count", count}};
  c[direction == "outbound" ? "remote_port" : "local_port"] = port;
  return c;
}

// One push of `host`: its NIC address and its connections.
void push(testing::TempStore& s, const std::string& host, std::int64_t sequence,
          const std::string& address, const json& connections, std::int64_t now) {
  Batch b;
  b.host_id = host;
  b.sequence = sequence;
  b.sections.push_back({"hardware", "hw-" + address,
                        json{{"nics", {{{"name", "eth0"}, {"ipv4", {address + "/24"}}}}}}});
  b.sections.push_back(
      {"network", "net-" + std::to_string(sequence), json{{"connections", connections}}});
  s.write([&](Database& db) { store_batch(db, b, address, now); });
}

std::vector<Edge> edges(testing::TempStore& s) {
  return s.read([](Database& db) { return load_edges(db); });
}

const Edge* find(const std::vector<Edge>& all, const std::string& source, const std::string& target,
                 std::int64_t port) {
  for (const auto& e : all) {
    if (e.source == source && e.target == target && e.port == port) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("edges: an empty store has none") {
  testing::TempStore s;
  CHECK(edges(s).empty());
}

TEST_CASE("edges: both ends of one connection are one edge, resolved through NIC addresses") {
  testing::TempStore s;
  s.write([](Database& db) {
    enrol_agent(db, "app", "srv-app", "hash-app", "10.0.0.1", 100);
    enrol_agent(db, "db", "srv-db", "hash-db", "10.0.0.2", 100);
  });
  // The client does not know the server's process; the server does, and counts more connections.
  push(s, "app", 1, "10.0.0.1", json::array({connection("outbound", "10.0.0.2", 5432, "", 3)}),
       1000);
  push(s, "db", 1, "10.0.0.2",
       json::array({connection("inbound", "10.0.0.1", 5432, "postgres", 5)}), 2000);

  const auto all = edges(s);
  REQUIRE(all.size() == 1);
  const Edge& e = all[0];
  CHECK(e.source == "app");
  CHECK(e.target == "db");
  CHECK(e.port == 5432);
  CHECK(e.remote_address == "");
  CHECK(e.process == "postgres");
  CHECK(e.connections == 5);
  CHECK(e.last_seen == 2000);
  CHECK_FALSE(e.bytes_per_day);
}

TEST_CASE("edges: unknown addresses stay addresses, on the side they are on") {
  testing::TempStore s;
  s.write([](Database& db) { enrol_agent(db, "web", "srv-web", "hash-web", "10.0.0.3", 100); });
  push(s, "web", 1, "10.0.0.3",
       json::array({connection("outbound", "203.0.113.9", 443, "curl", 2),
                    connection("inbound", "198.51.100.7", 22, "sshd", 1)}),
       1000);

  const auto all = edges(s);
  REQUIRE(all.size() == 2);
  const Edge* out = find(all, "web", "", 443);
  REQUIRE(out);
  CHECK(out->remote_address == "203.0.113.9");
  CHECK(out->process == "curl");
  CHECK(out->connections == 2);
  const Edge* in = find(all, "", "web", 22);
  REQUIRE(in);
  CHECK(in->remote_address == "198.51.100.7");
  CHECK(in->process == "sshd");
}

TEST_CASE("edges: the same unresolved service on two ports or two addresses is two edges") {
  testing::TempStore s;
  push(s, "web", 1, "10.0.0.3",
       json::array({connection("outbound", "203.0.113.9", 443, "", 1),
                    connection("outbound", "203.0.113.9", 80, "", 1),
                    connection("outbound", "203.0.113.10", 443, "", 1)}),
       1000);
  const auto all = edges(s);
  CHECK(all.size() == 3);
  // Once the address becomes a host's, its edge resolves to that host.
  push(s, "ext", 1, "203.0.113.9", json::array(), 2000);
  const auto resolved = edges(s);
  REQUIRE(resolved.size() == 3);
  CHECK(find(resolved, "web", "ext", 443));
  CHECK(find(resolved, "web", "ext", 80));
  const Edge* other = find(resolved, "web", "", 443);
  REQUIRE(other);
  CHECK(other->remote_address == "203.0.113.10");
}

TEST_CASE("edges: imported connections name both hosts and keep their volume") {
  testing::TempStore s;
  s.write([](Database& db) {
    upsert_declared_edge(db,
                         json{{"source", "vm-app"},
                              {"target", "vm-db"},
                              {"port", 1521},
                              {"connections_per_day", 40},
                              {"bytes_per_day", 1.5e6}},
                         300);
    upsert_declared_edge(db, json{{"source", "vm-app"}, {"target", "vm-ldap"}, {"port", 389}}, 300);
  });
  const auto all = edges(s);
  REQUIRE(all.size() == 2);
  const Edge* db = find(all, "vm-app", "vm-db", 1521);
  REQUIRE(db);
  CHECK(db->remote_address == "");
  CHECK(db->connections == 40);
  REQUIRE(db->bytes_per_day);
  CHECK(*db->bytes_per_day == 1.5e6);
  CHECK(db->last_seen == 300);
  const Edge* ldap = find(all, "vm-app", "vm-ldap", 389);
  REQUIRE(ldap);
  CHECK(ldap->connections == 1);
  CHECK_FALSE(ldap->bytes_per_day);
}

TEST_CASE("edges: connections an agent stops reporting are dropped, imported ones are not") {
  testing::TempStore s;
  s.write([](Database& db) {
    upsert_declared_edge(db, json{{"source", "app"}, {"target", "vm-db"}, {"port", 1521}}, 100);
  });
  push(s, "app", 1, "10.0.0.1", json::array({connection("outbound", "203.0.113.9", 443, "", 1)}),
       1000);
  CHECK(edges(s).size() == 2);
  push(s, "app", 2, "10.0.0.1", json::array(), 2000);
  const auto all = edges(s);
  REQUIRE(all.size() == 1);
  CHECK(all[0].target == "vm-db");
}
