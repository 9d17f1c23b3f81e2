#pragma once
// Dependency edges as "source depends on target at port": an agent's outbound connection points
// from it to the remote address; an inbound one from the remote address to it. Remote addresses
// resolve to a host when they are one of its NIC addresses (hardware inventory); imported edges
// name both hosts. The same edge seen from both ends is reported once.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

struct Edge {
  std::string source;  // host id; empty when the address is not a known host
  std::string target;
  std::string remote_address;  // the unresolved end's address, when one end is unresolved
  std::int64_t port = 0;
  std::string process;
  std::int64_t connections = 0;
  std::optional<double> bytes_per_day;
  std::int64_t last_seen = 0;
};

// Calls `on_edge` for every edge, ordered by source, target, remote address and port, as the
// rows are read (on PostgreSQL through a cursor): `on_edge` may run other statements on `db`.
void for_each_edge(Database& db, const std::function<void(const Edge&)>& on_edge);
std::vector<Edge> load_edges(Database& db);

// What one host reaches: its own outbound connections and the dependencies an import declared
// for it, the remote end resolved to a host when the address is one of its NIC addresses (`host`
// empty otherwise). Inbound edges other agents saw are left out: a migrated server and its
// target both run agents, so their own outbound connections say what each reaches.
struct Dependency {
  std::string host, address;
  std::int64_t port = 0;
  std::string process;
};
std::vector<Dependency> host_dependencies(Database& db, const std::string& host_id);

}  // namespace sahab::collector
