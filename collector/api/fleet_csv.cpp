#include "collector/api/fleet_csv.h"

#include <cstdint>
#include <optional>

#include "collector/api/fleet_import.h"
#include "planner/report.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr const char* kBom = "\xEF\xBB\xBF";  // lets spreadsheets read UTF-8 (accented communes)

const json* at(const json& object, std::initializer_list<const char*> path) {
  const json* node = &object;
  for (const char* key : path) {
    if (!node->is_object()) return nullptr;
    const auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

// A cell from a string or a number; empty when absent or of another type.
std::string cell(const json* value) {
  if (value == nullptr) return "";
  if (value->is_string()) return planner::csv_field(value->get<std::string>());
  if (value->is_number()) return value->dump();
  return "";
}

// The sum of one field over the host's disks; nullopt when no disk gives it.
std::optional<std::uint64_t> disk_sum(const json& host, const char* field) {
  const json* disks = at(host, {"disks"});
  if (disks == nullptr || !disks->is_array()) return std::nullopt;
  std::optional<std::uint64_t> sum;
  for (const auto& disk : *disks) {
    const json* value = at(disk, {field});
    if (value != nullptr && value->is_number() && value->get<double>() >= 0) {
      sum = sum.value_or(0) + value->get<std::uint64_t>();
    }
  }
  return sum;
}

std::string column(const json& host, const std::string& name) {
  if (name == "id" || name == "hostname" || name == "memory_bytes")
    return cell(at(host, {name.c_str()}));
  for (const char* label : {"region", "province", "commune", "environment", "criticality",
                            "sensitivity", "application"}) {
    if (name == label) return cell(at(host, {"labels", label}));
  }
  if (name == "os_family") return cell(at(host, {"os", "family"}));
  if (name == "os_name") return cell(at(host, {"os", "name"}));
  if (name == "os_version") return cell(at(host, {"os", "version"}));
  if (name == "arch") return cell(at(host, {"os", "arch"}));
  if (name == "cpu_cores") return cell(at(host, {"cpu", "cores"}));
  if (name == "cpu_model") return cell(at(host, {"cpu", "model"}));
  if (name == "uplink_mbps") return cell(at(host, {"site", "uplink_mbps"}));
  if (name == "cpu_p95") return cell(at(host, {"utilisation", "cpu_ratio", "p95"}));
  if (name == "memory_p95") return cell(at(host, {"utilisation", "memory_ratio", "p95"}));
  if (name == "disk_bytes" || name == "disk_used_bytes") {
    const auto sum = disk_sum(host, name == "disk_bytes" ? "size_bytes" : "used_bytes");
    return sum ? std::to_string(*sum) : "";
  }
  return "";
}

}  // namespace

std::string fleet_csv(const json& fleet) {
  std::string out = kBom;
  const auto& columns = csv_columns();
  const auto row = [&](auto&& value_of) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += ',';
      out += value_of(columns[i]);
    }
    out += "\r\n";
  };
  row([](const std::string& name) { return name; });
  const json* hosts = at(fleet, {"hosts"});
  if (hosts == nullptr || !hosts->is_array()) return out;
  for (const auto& host : *hosts) row([&](const std::string& name) { return column(host, name); });
  return out;
}

}  // namespace sahab::collector
