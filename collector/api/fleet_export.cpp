#include "collector/api/fleet_export.h"

#include <functional>

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

// The fields of `object` named in `fields`, those it has.
json pick(const json& object, std::initializer_list<inventory::Field> fields) {
  json out = json::object();
  for (const inventory::Field& field : fields) {
    if (const auto it = object.find(field.name); object.is_object() && it != object.end())
      out[field.name] = *it;
  }
  return out;
}

const json& section(const json& sections, std::string_view name) {
  static const json empty = json::object();
  const auto it = sections.find(name);
  return it == sections.end() ? empty : *it;
}

const json& member(const json& object, const inventory::Field& field) {
  static const json absent;
  const auto it = object.find(field.name);
  return it == object.end() ? absent : *it;
}

json disks_of(const json& hardware) {
  namespace device_f = inventory::block_device;
  namespace fs_f = inventory::filesystem;
  json disks = json::array();
  const json& filesystems = member(hardware, inventory::hardware::kFilesystems);
  for (const auto& device : member(hardware, inventory::hardware::kBlockDevices)) {
    if (!device.is_object()) continue;
    const std::string name = device.value(device_f::kName.name, "");
    json disk = pick(device, {device_f::kName, device_f::kSizeBytes});
    double used = 0;
    bool any = false;
    for (const auto& fs : filesystems) {
      if (!fs.is_object() || !fs.value(fs_f::kDevice.name, "").starts_with("/dev/" + name))
        continue;
      if (const json& bytes = member(fs, fs_f::kUsedBytes); bytes.is_number()) {
        used += bytes.get<double>();
        any = true;
      }
    }
    if (any) disk["used_bytes"] = static_cast<std::int64_t>(used);
    disks.push_back(std::move(disk));
  }
  return disks;
}

// The state of the services named after recognised software (postgresql@15-main.service): the
// planner replatforms only software that runs. Other units are left out (hundreds).
json services_of(const json& software, const json& recognised) {
  json services = json::array();
  for (const auto& s : member(software, inventory::software::kServices)) {
    const json& name = member(s, inventory::service::kName);
    if (!name.is_string()) continue;
    for (const auto& r : recognised) {
      const std::string product = r.value(inventory::recognised::kName.name, "");
      if (!product.empty() &&
          name.get_ref<const std::string&>().find(product) != std::string::npos) {
        services.push_back(pick(s, {inventory::service::kName, inventory::service::kState}));
        break;
      }
    }
  }
  return services;
}

}  // namespace

json host_from_inventory(const json& sections) {
  json host = json::object();
  const json& system = section(sections, inventory::system::kSection);
  const json& hardware = section(sections, inventory::hardware::kSection);
  if (!system.empty()) {
    namespace os = inventory::os;
    host["os"] =
        pick(member(system, inventory::system::kOs), {os::kFamily, os::kName, os::kVersion});
    if (const json& arch = member(system, inventory::system::kArch); !arch.is_null())
      host["os"]["arch"] = arch;
  }
  if (!hardware.empty()) {
    namespace cpu = inventory::cpu;
    host["cpu"] =
        pick(member(hardware, inventory::hardware::kCpu), {cpu::kCores, cpu::kModel, cpu::kMhz});
    if (const json& memory = member(hardware, inventory::hardware::kMemoryBytes); !memory.is_null())
      host["memory_bytes"] = memory;
    host["disks"] = disks_of(hardware);
  }
  const json& software = section(sections, inventory::software::kSection);
  if (const json& recognised = member(software, inventory::software::kRecognised);
      recognised.is_array()) {
    namespace r = inventory::recognised;
    host["software"] = json::array();
    for (const auto& s : recognised)
      host["software"].push_back(pick(s, {r::kName, r::kVersion, r::kEvidence}));
    if (json services = services_of(software, recognised); !services.empty())
      host["services"] = std::move(services);
  }
  const json& network = section(sections, inventory::network::kSection);
  if (const json& listening = member(network, inventory::network::kListening);
      listening.is_array()) {
    namespace l = inventory::listening;
    host["listening"] = json::array();
    for (const auto& entry : listening)
      host["listening"].push_back(pick(entry, {l::kPort, l::kProtocol, l::kProcess}));
  }
  return host;
}

FleetWindow fleet_window(const CollectorConfig& config, std::int64_t now, std::int64_t seconds) {
  return {now, seconds, raw_from(config.retention, now), expected_summaries(config, seconds)};
}

namespace {

// The utilisation percentiles of an agent host over the window, as the fleet format gives them.
json utilisation_of(Database& db, const std::string& id, const FleetWindow& w) {
  json utilisation = {{"window_days", static_cast<double>(w.seconds) / 86'400.0},
                      {"source", "agent"}};
  namespace report = protocol::report;
  for (const report::UtilisationMetric& metric : report::kUtilisationMetrics) {
    if (!metric.in_fleet) continue;
    const std::string name(metric.name);
    const auto stats = query_window(db, {id, name, w.now - w.seconds, w.now, w.raw_from});
    if (metric.name == report::metric::kCpuRatio.name) {
      utilisation["coverage"] =
          std::min(1.0, static_cast<double>(stats.summaries) / w.expected_summaries);
    }
    if (stats.empty()) continue;
    json p = stats_json(stats, w.expected_summaries);
    json& percentiles = utilisation[name] = json::object();
    for (const std::string_view percentile : protocol::kPercentileNames)
      percentiles[percentile] = p[percentile];
  }
  return utilisation;
}

// The fleet host object of an agent host: inventory, uplink label and utilisation.
json agent_host(Database& db, const std::string& id, const FleetWindow& w) {
  json sections = json::object();
  for (const auto& [section, data] : inventory_data(db, id)) {
    sections[section] = bounded_json::parse_stored_or(data, "inventory section", json::object());
  }
  json host = host_from_inventory(sections);
  host["utilisation"] = utilisation_of(db, id, w);
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

// Where the rows of a fleet go: the sahab-fleet/1 document, or the planner's structs.
struct FleetSink {
  // A host: the fleet host object `fields` (what the collector knows of it) over the JSON object
  // text `imported` (an imported host's data, empty for agent hosts), its members replacing
  // those of `imported`.
  std::function<void(json& fields, std::string_view imported)> host;
  std::function<void(const json& connection)> connection;
};

// The one reading of the fleet from the database behind both sinks: connections first, as a
// written document lists them (keys in order), then hosts by id.
void read_fleet(Database& db, const FleetWindow& w, const FleetSink& sink) {
  for (const auto& edge : load_edges(db)) {
    if (edge.source.empty() || edge.target.empty() || edge.source == edge.target) continue;
    json c = {{"source", edge.source},
              {"target", edge.target},
              {"port", edge.port},
              {"connections_per_day", edge.connections}};
    if (edge.bytes_per_day) c["bytes_per_day"] = *edge.bytes_per_day;
    sink.connection(c);
  }
  for (const auto& [id, hostname, labels_text, source, imported] : fleet_host_rows(db)) {
    const bool agent = source != "import";
    json fields = agent ? agent_host(db, id, w) : json::object();
    fields["id"] = id;
    fields["hostname"] = hostname;
    fields["labels"] = bounded_json::parse_stored_or(labels_text, "host labels", json::object());
    const json& labels = fields["labels"];
    if (agent && labels.contains("site.uplink_mbps")) {
      const auto mbps = labels["site.uplink_mbps"].get<std::string>();
      try {
        fields["site"] = {{"uplink_mbps", std::stod(mbps)}};
      } catch (const std::exception&) {
      }
    }
    sink.host(fields, agent ? std::string_view() : std::string_view(imported));
  }
}

}  // namespace

json export_fleet(Database& db, const FleetWindow& w) {
  json hosts = json::array();
  json connections = json::array();
  read_fleet(db, w,
             {[&hosts](json& fields, std::string_view imported) {
                json host = imported.empty() ? fields
                                             : bounded_json::parse_stored_or(
                                                   imported, "imported host", json::object());
                if (!imported.empty()) host.update(fields);
                if (const auto problem = problem_of(host))
                  host = described_in_part(fields, *problem);
                hosts.push_back(std::move(host));
              },
              [&connections](const json& c) { connections.push_back(c); }});
  return {{"format", "sahab-fleet/1"},
          {"generated_at", format_rfc3339(w.now)},
          {"hosts", hosts},
          {"connections", connections}};
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
