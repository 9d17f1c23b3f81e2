#pragma once
// Hosts as the API reads them: a filtered, sorted page of the fleet, one host with its inventory,
// changes and agents, the agents' scrape candidates for http_sd. Rows carry stored JSON as text;
// the API reads it back through the bounded parser.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

struct HostRow {
  std::string id, hostname;
  std::string labels_json;  // an object of strings
  std::string source;       // "agent" or "import"
  std::string state;
  std::int64_t first_seen = 0, last_seen = 0;  // unix seconds
  std::optional<std::string> address;          // source address of the last push
};

struct HostQuery {
  std::vector<std::pair<std::string, std::string>> labels;  // NAME = VALUE, names already valid
  std::optional<std::string> text;                          // in the id or the hostname
  std::optional<std::string> state, source;
  std::string sort = "hostname";  // one of host_sort_columns()
  bool descending = false;
  std::int64_t limit = 100, offset = 0;
};

struct HostPage {
  std::int64_t total = 0;  // hosts matching, all pages
  std::vector<HostRow> hosts;
};

const std::vector<std::string>& host_sort_columns();
// Throws std::invalid_argument for a sort column outside host_sort_columns().
HostPage find_hosts(Database& db, const HostQuery& query);

struct InventorySectionRow {
  std::string section, hash, data_json;
  std::int64_t updated_at = 0;
};
struct InventoryChangeRow {
  std::string section;
  std::int64_t at = 0;
  std::string changed_json;
  std::optional<std::string> old_hash;
  std::string new_hash;
};
struct HostAgentRow {
  std::int64_t id = 0, created_at = 0;
  bool revoked = false;
};
struct HostRecord {
  HostRow host;
  std::optional<std::string> imported_json;  // the sahab-fleet/1 host object of an import
  std::vector<InventorySectionRow> sections;
  std::vector<InventoryChangeRow> changes;  // the latest 200, newest first
  std::vector<HostAgentRow> agents;
};

std::optional<HostRecord> find_host(Database& db, const std::string& id);
// A host's row and current inventory only (no history, agents or import): what comparing two
// hosts needs, for every host of a wave's page (before/after validation).
struct HostInventory {
  HostRow host;
  std::vector<InventorySectionRow> sections;
};
std::optional<HostInventory> find_host_inventory(Database& db, const std::string& id);
bool host_exists(Database& db, const std::string& id);

// An agent host Prometheus may scrape: where its pushes came from and its identity section.
struct ScrapeCandidate {
  std::string id, hostname, labels_json, state, address;
  std::string identity_json;  // "{}" when the agent sent none
};
std::vector<ScrapeCandidate> scrape_candidates(Database& db);

// Where a host is, for gauges labelled by place; empty fields for an unknown host.
struct HostPlace {
  std::string hostname, region, province, commune;
};
HostPlace host_place(Database& db, const std::string& id);

// Known hosts per state (every state present, possibly 0 for active, stale, imported).
std::map<std::string, std::int64_t> host_counts_by_state(Database& db);

// One row per host for the fleet gauges; `reporting`: an agent host with a live credential.
struct HostStatus {
  std::string id, state;
  std::string source;  // "agent" or "import"
  std::int64_t last_seen = 0;
  HostPlace place;
  bool reporting = false;
};
std::vector<HostStatus> host_statuses(Database& db);

// How many hosts have each source and state: the fleet summary's counts, cheaper than statuses.
struct HostStateCount {
  std::string source, state;
  std::int64_t hosts = 0;
};
std::vector<HostStateCount> host_state_counts(Database& db);

// Answers when the database can be read (the /healthz probe).
void check_readable(Database& db);

}  // namespace sahab::collector
