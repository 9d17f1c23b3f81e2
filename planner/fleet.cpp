#include "planner/fleet.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "common/file.h"

namespace sahab::planner {
namespace {
using nlohmann::json;

// Where a problem is, for error messages: "host 12 (id 'srv-1')" or "connection 3".
struct Where {
  std::string what;
  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    throw FleetError(what + ": field '" + field + "': " + why);
  }
};

const json* member(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const json* object_member(const json& object, const char* key, const Where& where,
                          const std::string& path) {
  const json* value = member(object, key);
  if (value && !value->is_object()) where.fail(path, "expected an object");
  return value;
}

std::optional<double> number(const json& object, const char* key, const Where& where,
                             const std::string& path, double min = 0,
                             double max = std::numeric_limits<double>::max()) {
  const json* value = member(object, key);
  if (!value) return std::nullopt;
  if (!value->is_number()) where.fail(path, "expected a number");
  const double n = value->get<double>();
  if (!std::isfinite(n) || n < min || n > max) {
    char range[96];
    std::snprintf(range, sizeof range, "expected a number between %g and %g, got ", min, max);
    where.fail(path, range + value->dump());
  }
  return n;
}

std::string string(const json& object, const char* key, const Where& where,
                   const std::string& path) {
  const json* value = member(object, key);
  if (!value) return {};
  if (!value->is_string()) where.fail(path, "expected a string");
  return value->get<std::string>();
}

Percentiles percentiles(const json& util, const char* key, const Where& where, double max) {
  Percentiles p;
  const json* value = object_member(util, key, where, std::string("utilisation.") + key);
  if (!value) return p;
  const std::string base = std::string("utilisation.") + key + ".";
  p.p50 = number(*value, "p50", where, base + "p50", 0, max);
  p.p90 = number(*value, "p90", where, base + "p90", 0, max);
  p.p95 = number(*value, "p95", where, base + "p95", 0, max);
  p.p99 = number(*value, "p99", where, base + "p99", 0, max);
  p.max = number(*value, "max", where, base + "max", 0, max);
  return p;
}

Utilisation utilisation(const json& util, const Where& where) {
  constexpr double kAny = std::numeric_limits<double>::max();
  Utilisation u;
  u.window_days = number(util, "window_days", where, "utilisation.window_days", 0, 3660);
  u.coverage = number(util, "coverage", where, "utilisation.coverage", 0, 1);
  u.cpu_ratio = percentiles(util, "cpu_ratio", where, 1);
  u.memory_ratio = percentiles(util, "memory_ratio", where, 1);
  u.disk_read_iops = percentiles(util, "disk_read_iops", where, kAny);
  u.disk_write_iops = percentiles(util, "disk_write_iops", where, kAny);
  u.disk_read_bytes_per_second = percentiles(util, "disk_read_bytes_per_second", where, kAny);
  u.disk_write_bytes_per_second = percentiles(util, "disk_write_bytes_per_second", where, kAny);
  u.network_receive_bytes_per_second =
      percentiles(util, "network_receive_bytes_per_second", where, kAny);
  u.network_transmit_bytes_per_second =
      percentiles(util, "network_transmit_bytes_per_second", where, kAny);
  return u;
}

const json* array_member(const json& object, const char* key, const Where& where) {
  const json* value = member(object, key);
  if (value && !value->is_array()) where.fail(key, "expected an array");
  return value;
}

Host host_from_json(const json& h, std::size_t index) {
  Where where{"host " + std::to_string(index)};
  if (!h.is_object()) where.fail("", "expected an object");
  Host host;
  host.id = string(h, "id", where, "id");
  if (host.id.empty()) where.fail("id", "missing: every host needs a stable id");
  where.what += " (id '" + host.id + "')";
  host.hostname = string(h, "hostname", where, "hostname");
  if (const json* labels = object_member(h, "labels", where, "labels")) {
    for (const auto& [key, value] : labels->items()) {
      if (!value.is_string()) where.fail("labels." + key, "expected a string");
      host.labels.emplace(key, value.get<std::string>());
    }
  }
  if (const json* os = object_member(h, "os", where, "os")) {
    host.os_family = string(*os, "family", where, "os.family");
    host.os_name = string(*os, "name", where, "os.name");
    host.os_version = string(*os, "version", where, "os.version");
    host.arch = string(*os, "arch", where, "os.arch");
  }
  if (const json* cpu = object_member(h, "cpu", where, "cpu")) {
    if (const auto cores = number(*cpu, "cores", where, "cpu.cores", 1, 65536)) {
      if (*cores != std::floor(*cores)) where.fail("cpu.cores", "expected a whole number");
      host.cpu_cores = static_cast<int>(*cores);
    }
    host.cpu_model = string(*cpu, "model", where, "cpu.model");
    host.cpu_mhz = number(*cpu, "mhz", where, "cpu.mhz");
  }
  host.memory_bytes = number(h, "memory_bytes", where, "memory_bytes");
  if (const json* disks = array_member(h, "disks", where)) {
    for (std::size_t i = 0; i < disks->size(); ++i) {
      const json& d = (*disks)[i];
      const std::string path = "disks[" + std::to_string(i) + "]";
      if (!d.is_object()) where.fail(path, "expected an object");
      Disk disk{string(d, "name", where, path + ".name"),
                number(d, "size_bytes", where, path + ".size_bytes"),
                number(d, "used_bytes", where, path + ".used_bytes")};
      if (disk.size_bytes && disk.used_bytes && *disk.used_bytes > *disk.size_bytes) {
        where.fail(path + ".used_bytes", "larger than size_bytes");
      }
      host.disks.push_back(std::move(disk));
    }
  }
  if (const json* site = object_member(h, "site", where, "site")) {
    host.uplink_mbps = number(*site, "uplink_mbps", where, "site.uplink_mbps", 0.001, 1e6);
  }
  if (const json* util = object_member(h, "utilisation", where, "utilisation")) {
    host.utilisation = utilisation(*util, where);
  }
  if (const json* software = array_member(h, "software", where)) {
    for (std::size_t i = 0; i < software->size(); ++i) {
      const json& s = (*software)[i];
      const std::string path = "software[" + std::to_string(i) + "]";
      if (!s.is_object()) where.fail(path, "expected an object");
      host.software.push_back({string(s, "name", where, path + ".name"),
                               string(s, "version", where, path + ".version")});
    }
  }
  if (const json* listening = array_member(h, "listening", where)) {
    for (std::size_t i = 0; i < listening->size(); ++i) {
      const json& l = (*listening)[i];
      const std::string path = "listening[" + std::to_string(i) + "]";
      if (!l.is_object()) where.fail(path, "expected an object");
      const auto port = number(l, "port", where, path + ".port", 0, 65535);
      host.listening.push_back({static_cast<int>(port.value_or(0)),
                                string(l, "protocol", where, path + ".protocol"),
                                string(l, "process", where, path + ".process")});
    }
  }
  return host;
}

Connection connection_from_json(const json& c, std::size_t index) {
  const Where where{"connection " + std::to_string(index)};
  if (!c.is_object()) where.fail("", "expected an object");
  Connection connection;
  connection.source = string(c, "source", where, "source");
  connection.target = string(c, "target", where, "target");
  if (connection.source.empty()) where.fail("source", "missing");
  if (connection.target.empty()) where.fail("target", "missing");
  connection.port = static_cast<int>(number(c, "port", where, "port", 0, 65535).value_or(0));
  connection.connections_per_day =
      number(c, "connections_per_day", where, "connections_per_day").value_or(0);
  connection.bytes_per_day = number(c, "bytes_per_day", where, "bytes_per_day").value_or(0);
  return connection;
}

void check_header(const json& document) {
  if (!document.is_object()) throw FleetError("fleet: expected a JSON object");
  const auto format = document.find("format");
  if (format == document.end() || !format->is_string() || *format != kFleetFormat) {
    throw FleetError(std::string("fleet: field 'format': expected \"") + kFleetFormat + "\"");
  }
}

void check_unique_ids(const Fleet& fleet) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(fleet.hosts.size());
  for (std::size_t i = 0; i < fleet.hosts.size(); ++i) {
    if (!seen.insert(fleet.hosts[i].id).second) {
      throw FleetError("host " + std::to_string(i) + " (id '" + fleet.hosts[i].id +
                       "'): field 'id': duplicate of an earlier host");
    }
  }
}

}  // namespace

const std::string& Host::label(const std::string& key) const {
  static const std::string kEmpty;
  const auto it = labels.find(key);
  return it == labels.end() ? kEmpty : it->second;
}

Fleet fleet_from_json(const json& document) {
  check_header(document);
  Fleet fleet;
  const Where where{"fleet"};
  fleet.generated_at = string(document, "generated_at", where, "generated_at");
  if (const json* hosts = array_member(document, "hosts", where)) {
    fleet.hosts.reserve(hosts->size());
    for (std::size_t i = 0; i < hosts->size(); ++i)
      fleet.hosts.push_back(host_from_json((*hosts)[i], i));
  }
  if (const json* connections = array_member(document, "connections", where)) {
    fleet.connections.reserve(connections->size());
    for (std::size_t i = 0; i < connections->size(); ++i) {
      fleet.connections.push_back(connection_from_json((*connections)[i], i));
    }
  }
  check_unique_ids(fleet);
  return fleet;
}

// Streams the document: each host and connection is converted as soon as it is parsed and its
// JSON tree dropped, so a 100,000-host file never exists twice in memory.
Fleet fleet_from_text(const std::string& text) {
  Fleet fleet;
  std::string section;  // the top-level key being parsed
  auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth == 1 && event == json::parse_event_t::key) section = parsed.get<std::string>();
    if (depth == 2 && event == json::parse_event_t::object_end) {
      if (section == "hosts") {
        fleet.hosts.push_back(host_from_json(parsed, fleet.hosts.size()));
        return false;
      }
      if (section == "connections") {
        fleet.connections.push_back(connection_from_json(parsed, fleet.connections.size()));
        return false;
      }
    }
    return true;
  };
  json rest;
  try {
    rest = json::parse(text, on_event);
  } catch (const json::parse_error& e) {
    throw FleetError(std::string("fleet: not valid JSON: ") + e.what());
  } catch (const json::type_error& e) {
    throw FleetError(std::string("fleet: unexpected structure: ") + e.what());
  }
  check_header(rest);
  const Where where{"fleet"};
  fleet.generated_at = string(rest, "generated_at", where, "generated_at");
  // Hosts or connections that were not objects stay in the tree: report them.
  for (const char* key : {"hosts", "connections"}) {
    if (const json* list = array_member(rest, key, where); list && !list->empty()) {
      throw FleetError(std::string("fleet: field '") + key + "': every element must be an object");
    }
  }
  check_unique_ids(fleet);
  return fleet;
}

Fleet load_fleet_file(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw FleetError(file.string() + ": cannot read the file: " + ec.message());
  if (size > kMaxFleetFileBytes) {
    throw FleetError(file.string() + ": larger than the " +
                     std::to_string(kMaxFleetFileBytes >> 20) + " MiB limit");
  }
  try {
    return fleet_from_text(read_file(file));
  } catch (const FleetError& e) {
    throw FleetError(file.string() + ": " + e.what());
  } catch (const FileError& e) {
    throw FleetError(e.what());
  }
}

namespace {

json percentiles_to_json(const Percentiles& p) {
  json out = json::object();
  if (p.p50) out["p50"] = *p.p50;
  if (p.p90) out["p90"] = *p.p90;
  if (p.p95) out["p95"] = *p.p95;
  if (p.p99) out["p99"] = *p.p99;
  if (p.max) out["max"] = *p.max;
  return out;
}

void put_percentiles(json& out, const char* key, const Percentiles& p) {
  json value = percentiles_to_json(p);
  if (!value.empty()) out[key] = std::move(value);
}

}  // namespace

json host_to_json(const Host& host) {
  json h = {{"id", host.id}};
  if (!host.hostname.empty()) h["hostname"] = host.hostname;
  if (!host.labels.empty()) h["labels"] = host.labels;
  json os = json::object();
  if (!host.os_family.empty()) os["family"] = host.os_family;
  if (!host.os_name.empty()) os["name"] = host.os_name;
  if (!host.os_version.empty()) os["version"] = host.os_version;
  if (!host.arch.empty()) os["arch"] = host.arch;
  if (!os.empty()) h["os"] = std::move(os);
  json cpu = json::object();
  if (host.cpu_cores) cpu["cores"] = *host.cpu_cores;
  if (!host.cpu_model.empty()) cpu["model"] = host.cpu_model;
  if (host.cpu_mhz) cpu["mhz"] = *host.cpu_mhz;
  if (!cpu.empty()) h["cpu"] = std::move(cpu);
  if (host.memory_bytes) h["memory_bytes"] = *host.memory_bytes;
  if (!host.disks.empty()) {
    json disks = json::array();
    for (const auto& d : host.disks) {
      json disk = {{"name", d.name}};
      if (d.size_bytes) disk["size_bytes"] = *d.size_bytes;
      if (d.used_bytes) disk["used_bytes"] = *d.used_bytes;
      disks.push_back(std::move(disk));
    }
    h["disks"] = std::move(disks);
  }
  if (host.uplink_mbps) h["site"] = {{"uplink_mbps", *host.uplink_mbps}};
  if (host.utilisation) {
    const Utilisation& u = *host.utilisation;
    json util = json::object();
    if (u.window_days) util["window_days"] = *u.window_days;
    if (u.coverage) util["coverage"] = *u.coverage;
    put_percentiles(util, "cpu_ratio", u.cpu_ratio);
    put_percentiles(util, "memory_ratio", u.memory_ratio);
    put_percentiles(util, "disk_read_iops", u.disk_read_iops);
    put_percentiles(util, "disk_write_iops", u.disk_write_iops);
    put_percentiles(util, "disk_read_bytes_per_second", u.disk_read_bytes_per_second);
    put_percentiles(util, "disk_write_bytes_per_second", u.disk_write_bytes_per_second);
    put_percentiles(util, "network_receive_bytes_per_second", u.network_receive_bytes_per_second);
    put_percentiles(util, "network_transmit_bytes_per_second", u.network_transmit_bytes_per_second);
    h["utilisation"] = std::move(util);
  }
  if (!host.software.empty()) {
    json software = json::array();
    for (const auto& s : host.software)
      software.push_back({{"name", s.name}, {"version", s.version}});
    h["software"] = std::move(software);
  }
  if (!host.listening.empty()) {
    json listening = json::array();
    for (const auto& l : host.listening) {
      listening.push_back({{"port", l.port}, {"protocol", l.protocol}, {"process", l.process}});
    }
    h["listening"] = std::move(listening);
  }
  return h;
}

json fleet_to_json(const Fleet& fleet) {
  json document = {{"format", kFleetFormat}};
  if (!fleet.generated_at.empty()) document["generated_at"] = fleet.generated_at;
  json hosts = json::array();
  for (const auto& host : fleet.hosts) hosts.push_back(host_to_json(host));
  document["hosts"] = std::move(hosts);
  json connections = json::array();
  for (const auto& c : fleet.connections) {
    connections.push_back({{"source", c.source},
                           {"target", c.target},
                           {"port", c.port},
                           {"connections_per_day", c.connections_per_day},
                           {"bytes_per_day", c.bytes_per_day}});
  }
  document["connections"] = std::move(connections);
  return document;
}

}  // namespace sahab::planner
