#include "collector/api/fleet_import.h"

#include <cmath>
#include <map>
#include <stdexcept>

#include "collector/ingest/document.h"
#include "common/bounded_json.h"
#include "common/protocol/fleet.h"
#include "common/text.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

// A fleet of 100,000 hosts is about 10 million values; more is refused before it is built.
constexpr bounded_json::Limits kImportLimits{
    .max_depth = 32, .max_values = 20'000'000, .max_string_bytes = 1 << 20};

[[noreturn]] void bad(const std::string& field, const std::string& why) {
  throw std::invalid_argument(field + ": " + why);
}

// Splits one CSV record (RFC 4180 quoting) starting at `pos`; advances `pos` past it.
std::vector<std::string> csv_record(std::string_view body, size_t& pos) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  while (pos < body.size()) {
    const char c = body[pos++];
    if (quoted) {
      if (c == '"' && pos < body.size() && body[pos] == '"') {
        fields.back() += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  if (quoted) throw std::invalid_argument("unterminated quoted field");
  return fields;
}

std::optional<double> csv_number(const std::string& column, const std::string& value) {
  if (value.empty()) return std::nullopt;
  const auto d = text::to_double(value);
  if (!d || !std::isfinite(*d) || *d < 0)
    bad(column, "expected a non-negative number, got '" + value.substr(0, 40) + "'");
  return *d;
}

// A count or a size as the CSV gave it: a JSON integer when it is one (as spreadsheets write
// sizes), else the number itself for the fleet's checks to judge ("2.5" cores is refused there).
// Casting 5e63 to an integer would be undefined: only exact integers below 2^53 become one.
json count_value(double value) {
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  return value == std::floor(value) && value < kExactIntegers
             ? json(static_cast<std::int64_t>(value))
             : json(value);
}

json csv_host(const std::map<std::string, std::string>& row) {
  auto get = [&](const char* c) {
    const auto it = row.find(c);
    return it == row.end() ? std::string() : it->second;
  };
  json host = {{"id", get("id")}, {"hostname", get("hostname")}, {"labels", json::object()}};
  for (const char* label : {"region", "province", "commune", "environment", "criticality",
                            "sensitivity", "application"}) {
    if (!get(label).empty()) host["labels"][label] = get(label);
  }
  json os = json::object();
  for (const auto& [column, key] : {std::pair{"os_family", "family"},
                                    {"os_name", "name"},
                                    {"os_version", "version"},
                                    {"arch", "arch"}}) {
    if (!get(column).empty()) os[key] = get(column);
  }
  if (!os.empty()) host["os"] = os;
  if (const auto cores = csv_number("cpu_cores", get("cpu_cores"))) {
    host["cpu"]["cores"] = count_value(*cores);
  }
  if (!get("cpu_model").empty()) host["cpu"]["model"] = get("cpu_model");
  if (const auto m = csv_number("memory_bytes", get("memory_bytes"))) {
    host["memory_bytes"] = count_value(*m);
  }
  const auto disk = csv_number("disk_bytes", get("disk_bytes"));
  const auto used = csv_number("disk_used_bytes", get("disk_used_bytes"));
  if (disk) {
    json d = {{"name", "disk0"}, {"size_bytes", count_value(*disk)}};
    if (used) d["used_bytes"] = count_value(*used);
    host["disks"] = json::array({d});
  }
  if (const auto mbps = csv_number("uplink_mbps", get("uplink_mbps")))
    host["site"]["uplink_mbps"] = *mbps;
  if (const auto cpu = csv_number("cpu_p95", get("cpu_p95")))
    host["utilisation"]["cpu_ratio"]["p95"] = *cpu;
  if (const auto mem = csv_number("memory_p95", get("memory_p95"))) {
    host["utilisation"]["memory_ratio"]["p95"] = *mem;
  }
  return host;
}

}  // namespace

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> columns = {
      "id",          "hostname",    "region",      "province",     "commune",    "environment",
      "criticality", "sensitivity", "application", "os_family",    "os_name",    "os_version",
      "arch",        "cpu_cores",   "cpu_model",   "memory_bytes", "disk_bytes", "disk_used_bytes",
      "uplink_mbps", "cpu_p95",     "memory_p95"};
  return columns;
}

void validate_fleet_host(const json& host) {
  if (!host.is_object()) bad("host", "expected an object");
  if (!host.contains("id") || !host["id"].is_string() ||
      !valid_host_id(host["id"].get<std::string>())) {
    bad("id", "expected letters, digits, '.', '_', '-' or ':' (at most 128)");
  }
  if (host.contains("hostname") &&
      (!host["hostname"].is_string() || host["hostname"].get<std::string>().size() > 255)) {
    bad("hostname", "expected a string of at most 255 bytes");
  }
  if (host.contains("labels")) parse_labels(host["labels"], "labels");
  // The rest is what the planner's reader checks (the fleet's field table): a host stored here
  // is one the planner reads. Labels were checked above, numbers as text included: the planner
  // gets them from the labels column, as strings.
  json fields = host;
  fields.erase("labels");
  try {
    protocol::host_from_json(fields);
  } catch (const protocol::FleetError& e) {
    throw std::invalid_argument(e.what());
  }
}

ImportPlan plan_fleet_import(std::string_view body) {
  json document;
  try {
    document = bounded_json::parse(body, kImportLimits);
  } catch (const bounded_json::Error& e) {
    throw std::invalid_argument(e.what());
  }
  if (!document.is_object() || document.value("format", json()) != "sahab-fleet/1") {
    throw std::invalid_argument("format: expected 'sahab-fleet/1'");
  }
  if (!document.contains("hosts") || !document["hosts"].is_array()) {
    throw std::invalid_argument("hosts: expected an array");
  }
  ImportPlan plan;
  const json& hosts = document["hosts"];
  for (size_t i = 0; i < hosts.size(); ++i) {
    try {
      validate_fleet_host(hosts[i]);
      plan.hosts.push_back({i, hosts[i]});
    } catch (const std::exception& e) {
      const std::string id = hosts[i].is_object() && hosts[i].value("id", json()).is_string()
                                 ? hosts[i]["id"].get<std::string>().substr(0, 128)
                                 : "";
      plan.errors.push_back({i, id, e.what()});
    }
  }
  for (const auto& c : document.value("connections", json::array())) {
    if (c.is_object() && c.value("source", json()).is_string() &&
        c.value("target", json()).is_string() && valid_host_id(c["source"].get<std::string>()) &&
        valid_host_id(c["target"].get<std::string>()) &&
        c.value("port", json(0)).is_number_integer()) {
      plan.connections.push_back(c);
    } else {
      plan.errors.push_back(
          {0, "", "connections: each needs host ids 'source', 'target' and an integer 'port'"});
    }
  }
  return plan;
}

ImportPlan plan_csv_import(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF"))
    body.remove_prefix(3);  // spreadsheets and our export write one
  if (const auto bad_byte = text::first_invalid_utf8(body)) {
    throw std::invalid_argument("not UTF-8 text (byte " + std::to_string(*bad_byte) +
                                "); save the file as CSV UTF-8");
  }
  size_t pos = 0;
  const auto header = csv_record(body, pos);
  for (const auto& column : header) {
    if (std::find(csv_columns().begin(), csv_columns().end(), text::trim(column)) ==
        csv_columns().end()) {
      throw std::invalid_argument("header: unknown column '" + column.substr(0, 64) + "'");
    }
  }
  if (std::find(header.begin(), header.end(), "id") == header.end()) {
    throw std::invalid_argument("header: the 'id' column is required");
  }
  ImportPlan plan;
  for (size_t line = 2; pos < body.size(); ++line) {
    std::map<std::string, std::string> row;
    try {
      const auto fields = csv_record(body, pos);
      if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
      if (fields.size() != header.size()) {
        throw std::invalid_argument("has " + std::to_string(fields.size()) +
                                    " fields, the header " + std::to_string(header.size()));
      }
      for (size_t i = 0; i < header.size(); ++i)
        row[std::string(text::trim(header[i]))] = fields[i];
      json host = csv_host(row);
      validate_fleet_host(host);
      plan.hosts.push_back({line, std::move(host)});
    } catch (const std::exception& e) {
      plan.errors.push_back({line, row.count("id") ? row["id"].substr(0, 128) : "", e.what()});
    }
  }
  return plan;
}

}  // namespace sahab::collector
