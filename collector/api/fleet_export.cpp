#include "collector/api/fleet_export.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "collector/api/percentiles.h"
#include "collector/store/edges.h"
#include "collector/store/fleet_rows.h"
#include "collector/store/maintenance.h"
#include "collector/store/utilisation.h"
#include "common/bounded_json.h"
#include "common/log.h"
#include "common/protocol/inventory.h"
#include "common/protocol/report.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

namespace inventory = protocol::inventory;

const json& section(const json& sections, std::string_view name) {
  static const json empty = json::object();
  const auto it = sections.find(name);
  return it == sections.end() ? empty : *it;
}

const json& member(const json& object, const inventory::Field& field) {
  static const json absent;
  if (!object.is_object()) return absent;
  const auto it = object.find(field.name);
  return it == object.end() ? absent : *it;
}

std::string text_of(const json& object, const inventory::Field& field) {
  const json& value = member(object, field);
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::optional<double> number_of(const json& object, const inventory::Field& field) {
  const json& value = member(object, field);
  return value.is_number() ? std::optional(value.get<double>()) : std::nullopt;
}

// A count stored by an older agent may be any number: one outside an int's range becomes -1,
// which the fleet's reader refuses by name (the host is then described in part).
std::optional<int> count_of(const json& object, const inventory::Field& field) {
  const auto value = number_of(object, field);
  if (!value) return std::nullopt;
  return *value >= 0 && *value <= 1e9 ? static_cast<int>(*value) : -1;
}

void add_system(protocol::Host& host, const json& system) {
  const json& os = member(system, inventory::system::kOs);
  host.os_family = text_of(os, inventory::os::kFamily);
  host.os_name = text_of(os, inventory::os::kName);
  host.os_version = text_of(os, inventory::os::kVersion);
  host.arch = text_of(system, inventory::system::kArch);
}

// Whole disks with the space their filesystems use (/dev/sda1 and /dev/sda2 on sda).
void add_disks(protocol::Host& host, const json& hardware) {
  const json& filesystems = member(hardware, inventory::hardware::kFilesystems);
  for (const auto& device : member(hardware, inventory::hardware::kBlockDevices)) {
    if (!device.is_object()) continue;
    protocol::Disk disk{text_of(device, inventory::block_device::kName),
                        number_of(device, inventory::block_device::kSizeBytes), std::nullopt};
    for (const auto& fs : filesystems) {
      if (!text_of(fs, inventory::filesystem::kDevice).starts_with("/dev/" + disk.name)) continue;
      if (const auto used = number_of(fs, inventory::filesystem::kUsedBytes))
        disk.used_bytes = disk.used_bytes.value_or(0) + *used;
    }
    host.disks.push_back(std::move(disk));
  }
}

void add_hardware(protocol::Host& host, const json& hardware) {
  const json& cpu = member(hardware, inventory::hardware::kCpu);
  host.cpu_cores = count_of(cpu, inventory::cpu::kCores);
  host.cpu_model = text_of(cpu, inventory::cpu::kModel);
  host.cpu_mhz = number_of(cpu, inventory::cpu::kMhz);
  host.memory_bytes = number_of(hardware, inventory::hardware::kMemoryBytes);
  add_disks(host, hardware);
}

// Recognised software, and the state of the services named after it (postgresql@15-main.service):
// the planner replatforms only software that runs. Other units are left out (hundreds).
void add_software(protocol::Host& host, const json& software) {
  for (const auto& s : member(software, inventory::software::kRecognised)) {
    host.software.push_back({text_of(s, inventory::recognised::kName),
                             text_of(s, inventory::recognised::kVersion),
                             text_of(s, inventory::recognised::kEvidence)});
  }
  for (const auto& s : member(software, inventory::software::kServices)) {
    const std::string name = text_of(s, inventory::service::kName);
    const bool named_after_software =
        std::any_of(host.software.begin(), host.software.end(), [&name](const auto& product) {
          return !product.name.empty() && name.find(product.name) != std::string::npos;
        });
    if (!name.empty() && named_after_software)
      host.services.push_back({name, text_of(s, inventory::service::kState)});
  }
}

void add_listening(protocol::Host& host, const json& network) {
  for (const auto& l : member(network, inventory::network::kListening)) {
    host.listening.push_back({count_of(l, inventory::listening::kPort).value_or(0),
                              text_of(l, inventory::listening::kProtocol),
                              text_of(l, inventory::listening::kProcess)});
  }
}

}  // namespace

json host_from_inventory(const json& sections) {
  protocol::Host host;
  add_system(host, section(sections, inventory::system::kSection));
  add_hardware(host, section(sections, inventory::hardware::kSection));
  add_software(host, section(sections, inventory::software::kSection));
  add_listening(host, section(sections, inventory::network::kSection));
  json out = protocol::host_to_json(host);
  out.erase("id");  // the caller names the host
  return out;
}

FleetWindow fleet_window(const CollectorConfig& config, std::int64_t now, std::int64_t seconds) {
  return {now, seconds, raw_from(config.retention, now), expected_summaries(config, seconds)};
}

namespace {

// What a page of hosts needs beyond its rows, read for the whole page: agent hosts' inventory,
// measured hosts' utilisation blocks. A page without such hosts reads neither.
struct PageReads {
  InventoryByHost inventory;
  std::optional<UtilisationPage> utilisation;
};

bool is_agent(const FleetHostRow& row) { return row.source != "import"; }
bool is_measured(const FleetHostRow& row) { return is_agent(row) || !row.measured_by.empty(); }

// The ids of the first and last rows of `page` that `wanted` keeps (the page is in id order, so
// every such row's id is in that range), if any.
std::optional<std::pair<std::string, std::string>> id_range(const std::vector<FleetHostRow>& page,
                                                            bool (*wanted)(const FleetHostRow&)) {
  const auto first = std::find_if(page.begin(), page.end(), wanted);
  if (first == page.end()) return std::nullopt;
  const auto last = std::find_if(page.rbegin(), page.rend(), wanted);
  return std::pair(first->id, last->id);
}

PageReads read_page(Database& db, const std::vector<FleetHostRow>& page, const FleetWindow& w) {
  PageReads reads;
  if (const auto agents = id_range(page, is_agent))
    reads.inventory = inventory_of_hosts(db, agents->first, agents->second);
  if (const auto measured = id_range(page, is_measured))
    reads.utilisation.emplace(db, measured->first, measured->second, w.now - w.seconds, w.now,
                              w.raw_from);
  return reads;
}

// The metrics a fleet host carries percentiles of (the report's metrics marked in_fleet).
const std::vector<std::string>& fleet_metrics() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> in_fleet;
    for (const protocol::report::UtilisationMetric& metric : protocol::report::kUtilisationMetrics)
      if (metric.in_fleet) in_fleet.emplace_back(metric.name);
    return in_fleet;
  }();
  return names;
}

// The utilisation percentiles of a measured host over the window, as the fleet format gives
// them: an agent's host, or an imported host a discovery source measured (`source` "vcenter").
json utilisation_of(const UtilisationPage& blocks, const std::string& id, const FleetWindow& w,
                    const std::string& source) {
  json utilisation = {{"window_days", static_cast<double>(w.seconds) / 86'400.0},
                      {"source", source}};
  const std::vector<std::string>& names = fleet_metrics();
  // One reading of the host's blocks for every metric.
  const auto stats = blocks.query_windows(id, names);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == protocol::report::metric::kCpuRatio.name) {
      utilisation["coverage"] =
          std::min(1.0, static_cast<double>(stats[i].summaries) / w.expected_summaries);
      utilisation["samples"] = stats[i].summaries;
    }
    if (stats[i].empty()) continue;
    const auto values = percentiles_of(stats[i]);
    json& percentiles = utilisation[names[i]] = json::object();
    for (size_t p = 0; p < values.size(); ++p)
      percentiles[protocol::kPercentileNames[p]] = values[p];
  }
  return utilisation;
}

// Whether host_from_inventory reads the inventory section `name`: the others (identity, ...)
// are not parsed.
bool describes_host(std::string_view name) {
  return name == inventory::system::kSection || name == inventory::hardware::kSection ||
         name == inventory::software::kSection || name == inventory::network::kSection;
}

// The fleet host object of an agent host: inventory, uplink label and utilisation.
json agent_host(const PageReads& reads, const std::string& id, const FleetWindow& w) {
  json sections = json::object();
  if (const auto it = reads.inventory.find(id); it != reads.inventory.end()) {
    for (const auto& [section, data] : it->second) {
      if (describes_host(section))
        sections[section] =
            bounded_json::parse_stored_or(data, "inventory section", json::object());
    }
  }
  json host = host_from_inventory(sections);
  host["utilisation"] = utilisation_of(*reads.utilisation, id, w, "agent");
  return host;
}

// A host the planner's reader refuses (an agent's cores of 0 from an unreadable /proc/cpuinfo, a
// host imported by an older version, past today's import checks) must not stop the plan and the
// Overview for the whole fleet. It is described by what the collector itself knows of it, its id,
// name, labels and the utilisation its agent measured (an import's own figures are what may be
// wrong), and its problem is logged and kept with the fleet.
json described_in_part(const json& own_fields, const std::string& problem) {
  const std::string id = own_fields.value("id", std::string());
  log::warn("store: host " + id + " described by its id, name and labels alone: " + problem);
  json host = json::object();
  for (const char* key : {"id", "hostname", "labels", "utilisation"}) {
    if (const auto it = own_fields.find(key); it != own_fields.end()) host[key] = *it;
  }
  return host;
}

std::optional<std::string> problem_of(const json& host) {
  try {
    protocol::host_from_json(host);
    return std::nullopt;
  } catch (const protocol::FleetError& e) {
    return e.what();
  }
}

// What the collector knows of a host of the page: an agent host's inventory, utilisation, labels
// (with those imports filled in) and uplink; a measured imported host's utilisation.
json host_fields(const PageReads& reads, const FleetHostRow& row, const FleetWindow& w) {
  const bool agent = is_agent(row);
  json fields = agent ? agent_host(reads, row.id, w) : json::object();
  if (!agent && !row.measured_by.empty())
    fields["utilisation"] = utilisation_of(*reads.utilisation, row.id, w, row.measured_by);
  fields["id"] = row.id;
  fields["hostname"] = row.hostname;
  fields["labels"] = bounded_json::parse_stored_or(row.labels_json, "host labels", json::object());
  // What imports filled in for an agent host: its agent's labels win over the import's.
  if (agent && !row.imported_json.empty()) {
    json filled = bounded_json::parse_stored_or(row.imported_json, "imported host", json::object())
                      .value("labels", json::object());
    if (filled.is_object()) {
      filled.update(fields["labels"]);
      fields["labels"] = std::move(filled);
    }
  }
  const json& labels = fields["labels"];
  if (agent && labels.contains("site.uplink_mbps")) {
    const auto mbps = labels["site.uplink_mbps"].get<std::string>();
    try {
      fields["site"] = {{"uplink_mbps", std::stod(mbps)}};
    } catch (const std::exception&) {
    }
  }
  return fields;
}

// Where the rows of a fleet go: the sahab-fleet/1 document, or the planner's structs.
struct FleetSink {
  // A host: the fleet host object `fields` (what the collector knows of it) over the JSON object
  // text `imported` (an imported host's data; for an agent host, what imports filled in; empty
  // when none), its members replacing those of `imported`.
  std::function<void(json& fields, std::string_view imported)> host;
  std::function<void(const json& connection)> connection;
};

// The one reading of the fleet from the database behind both sinks: connections first, as a
// written document lists them (keys in order), then hosts by id, each handed on as it is read.
void read_fleet(Database& db, const FleetWindow& w, const FleetSink& sink) {
  for_each_edge(db, [&sink](const Edge& edge) {
    if (edge.source.empty() || edge.target.empty() || edge.source == edge.target) return;
    json c = {{"source", edge.source},
              {"target", edge.target},
              {"port", edge.port},
              {"connections_per_day", edge.connections}};
    if (edge.bytes_per_day) c["bytes_per_day"] = *edge.bytes_per_day;
    sink.connection(c);
  });
  for_each_fleet_host_page(db, [&](const std::vector<FleetHostRow>& page) {
    const PageReads reads = read_page(db, page, w);
    for (const FleetHostRow& row : page) {
      json fields = host_fields(reads, row, w);
      sink.host(fields, row.imported_json);
    }
  });
}

// A host as the document lists it: the imported object with the collector's fields over it, or
// described in part when the fleet's reader would refuse it. `fields` is used up: without an
// imported object it is the host itself, moved rather than copied.
json document_host(json& fields, std::string_view imported) {
  if (imported.empty()) {
    json host = std::move(fields);
    if (const auto problem = problem_of(host)) host = described_in_part(host, *problem);
    return host;
  }
  json host = bounded_json::parse_stored_or(imported, "imported host", json::object());
  host.update(fields);
  if (const auto problem = problem_of(host)) host = described_in_part(fields, *problem);
  return host;
}

// Appends `value` to `out` as the API answers JSON (json::dump(-1, ' ', false, replace)):
// compact, invalid UTF-8 replaced rather than thrown on. Into the caller's buffer, which keeps
// its capacity from one host to the next, instead of a new string per host.
void append_dump(std::string& out, const json& value) {
  nlohmann::detail::serializer<json>(nlohmann::detail::output_adapter<char>(out), ' ',
                                     json::error_handler_t::replace)
      .dump(value, false, false, 0);
}

}  // namespace

json export_fleet(Database& db, const FleetWindow& w) {
  json hosts = json::array();
  json connections = json::array();
  read_fleet(db, w,
             {[&hosts](json& fields, std::string_view imported) {
                hosts.push_back(document_host(fields, imported));
              },
              [&connections](const json& c) { connections.push_back(c); }});
  return {{"format", "sahab-fleet/1"},
          {"generated_at", format_rfc3339(w.now)},
          {"hosts", hosts},
          {"connections", connections}};
}

void write_fleet(Database& db, const FleetWindow& w,
                 const std::function<void(std::string_view)>& write) {
  // The members in the order nlohmann writes an object's keys (sorted), so the bytes are those
  // of the whole document dumped at once.
  bool hosts_begun = false;
  bool first = true;
  std::string text;
  write("{\"connections\":[");
  const auto begin_hosts = [&] {
    text = "],\"format\":";
    append_dump(text, "sahab-fleet/1");
    text += ",\"generated_at\":";
    append_dump(text, format_rfc3339(w.now));
    text += ",\"hosts\":[";
    write(text);
    hosts_begun = true;
    first = true;
  };
  const auto element = [&](const json& value) {
    text.assign(first ? "" : ",");
    append_dump(text, value);
    write(text);
    first = false;
  };
  read_fleet(db, w,
             {[&](json& fields, std::string_view imported) {
                if (!hosts_begun) begin_hosts();
                element(document_host(fields, imported));
              },
              [&](const json& c) { element(c); }});
  if (!hosts_begun) begin_hosts();
  write("]}\n");
}

void for_each_fleet_host(Database& db, const FleetWindow& w,
                         const std::function<void(const json& host)>& visit) {
  read_fleet(db, w,
             {[&visit](json& fields, std::string_view imported) {
                visit(document_host(fields, imported));
              },
              [](const json&) {}});
}

planner::Fleet planner_fleet(Database& db, const FleetWindow& w,
                             std::vector<protocol::HostProblem>* in_part) {
  planner::FleetBuilder fleet(format_rfc3339(w.now));
  read_fleet(db, w,
             {[&fleet, in_part](json& fields, std::string_view imported) {
                if (auto problem = fleet.add_host_or_refuse(fields, imported)) {
                  if (in_part) in_part->push_back({fields.value("id", std::string()), *problem});
                  fleet.add_host(described_in_part(fields, *problem));
                }
              },
              [&fleet](const json& c) { fleet.add_connection(c); }});
  return fleet.finish();
}

}  // namespace sahab::collector
