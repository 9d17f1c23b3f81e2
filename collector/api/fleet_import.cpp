#include "collector/api/fleet_import.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "collector/api/import_csv.h"
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

std::optional<double> csv_number(const std::string& column, const std::string& value) {
  if (value.empty()) return std::nullopt;
  const auto d = import::parse_number(value);
  if (!d || *d < 0)
    bad(column, "expected a non-negative number, got '" + value.substr(0, 40) + "'");
  return *d;
}

// The field of the fleet's table at `path`; every path of the CSV's table is one.
const protocol::Field<protocol::Host>& fleet_field(const std::string& path) {
  for (const auto& f : protocol::host_fields())
    if (f.path == path) return f;
  throw std::logic_error("no fleet field '" + path + "'");
}

// The cell of a number: a whole number without a decimal point (as spreadsheets write sizes).
std::string number_cell(std::optional<double> value) {
  return value ? protocol::number_json(*value).dump() : "";
}

}  // namespace

const std::vector<CsvColumn>& csv_column_table() {
  using K = CsvColumn::Kind;
  static const std::vector<CsvColumn> columns = {
      {"id", K::kField, "id"},
      {"hostname", K::kField, "hostname"},
      {"region", K::kLabel, "region"},
      {"province", K::kLabel, "province"},
      {"commune", K::kLabel, "commune"},
      {"environment", K::kLabel, "environment"},
      {"criticality", K::kLabel, "criticality"},
      {"sensitivity", K::kLabel, "sensitivity"},
      {"application", K::kLabel, "application"},
      {"os_family", K::kField, "os.family"},
      {"os_name", K::kField, "os.name"},
      {"os_version", K::kField, "os.version"},
      {"arch", K::kField, "os.arch"},
      {"cpu_cores", K::kField, "cpu.cores"},
      {"cpu_model", K::kField, "cpu.model"},
      {"memory_bytes", K::kField, "memory_bytes"},
      {"disk_bytes", K::kDiskTotal, "disks[].size_bytes"},
      {"disk_used_bytes", K::kDiskTotal, "disks[].used_bytes"},
      {"uplink_mbps", K::kField, "site.uplink_mbps"},
      {"cpu_p95", K::kField, "utilisation.cpu_ratio.p95"},
      {"memory_p95", K::kField, "utilisation.memory_ratio.p95"}};
  return columns;
}

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& column : csv_column_table()) out.push_back(column.name);
    return out;
  }();
  return names;
}

std::string csv_cell(const protocol::Host& host, const CsvColumn& column) {
  // The slots give write access for the reader's sake; nothing is written through them here.
  auto& record = const_cast<protocol::Host&>(host);
  switch (column.kind) {
    case CsvColumn::Kind::kLabel:
      return host.label(column.path);
    case CsvColumn::Kind::kDiskTotal: {
      std::optional<double> total;
      const auto& f = fleet_field(column.path);
      for (std::size_t i = 0; i < host.disks.size(); ++i) {
        const auto slot = f.slot(record, i);
        if (const std::optional<double>& value = *std::get<std::optional<double>*>(slot))
          total = total.value_or(0) + *value;
      }
      return number_cell(total);
    }
    case CsvColumn::Kind::kField:
      break;
  }
  if (column.path.starts_with(protocol::kUtilisationObject) && !host.utilisation) return "";
  const auto slot = fleet_field(column.path).slot(record, 0);
  if (const auto* text = std::get_if<std::string*>(&slot)) return **text;
  if (const auto* number = std::get_if<std::optional<double>*>(&slot)) return number_cell(**number);
  if (const auto* whole = std::get_if<std::optional<int>*>(&slot))
    return **whole ? std::to_string(***whole) : "";
  return "";
}

void set_csv_cell(protocol::Host& host, const CsvColumn& column, const std::string& text) {
  if (text.empty()) return;
  if (column.kind == CsvColumn::Kind::kLabel) {
    host.labels[column.path] = text;
    return;
  }
  const auto& f = fleet_field(column.path);
  if (column.kind == CsvColumn::Kind::kDiskTotal) {
    // One disk holding the totals, as the CSV gives them.
    if (host.disks.empty()) host.disks.push_back({"disk0", std::nullopt, std::nullopt});
    *std::get<std::optional<double>*>(f.slot(host, 0)) = csv_number(column.name, text);
    return;
  }
  if (column.path.starts_with(protocol::kUtilisationObject) && !host.utilisation)
    host.utilisation.emplace();
  const auto slot = f.slot(host, 0);
  if (auto* value = std::get_if<std::string*>(&slot)) {
    **value = text;
  } else if (auto* number = std::get_if<std::optional<double>*>(&slot)) {
    **number = csv_number(column.name, text);
  } else if (auto* whole = std::get_if<std::optional<int>*>(&slot)) {
    const double d = csv_number(column.name, text).value_or(0);
    if (d != std::floor(d) || d > std::numeric_limits<int>::max())
      bad("field '" + f.path + "'", "expected a whole number");
    **whole = static_cast<int>(d);
  }
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
  return plan_fleet_document(document);
}

ImportPlan plan_fleet_document(const json& document) {
  if (!document.is_object() || document.value("format", json()) != "sahab-fleet/1") {
    throw std::invalid_argument("format: expected 'sahab-fleet/1'");
  }
  if (!document.contains("hosts") || !document["hosts"].is_array()) {
    throw std::invalid_argument("hosts: expected an array");
  }
  ImportPlan plan;
  plan.format = "sahab-fleet/1";
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
  const import::CsvFile file(body);
  std::vector<const CsvColumn*> header;
  ImportPlan plan;
  plan.format = "csv";
  file.for_each_row([&](const import::Row& row) {
    if (header.empty()) {
      for (const auto& [index, name] : row.cells) {
        const auto& table = csv_column_table();
        const auto it = std::find_if(table.begin(), table.end(),
                                     [&](const auto& c) { return c.name == text::trim(name); });
        if (it == table.end())
          throw std::invalid_argument("header: unknown column '" + name.substr(0, 64) + "'");
        header.push_back(&*it);
      }
      if (std::none_of(header.begin(), header.end(), [](auto* c) { return c->name == "id"; }))
        throw std::invalid_argument("header: the 'id' column is required");
      return;
    }
    protocol::Host host;
    try {
      if (row.cells.size() != header.size()) {
        throw std::invalid_argument("has " + std::to_string(row.cells.size()) +
                                    " fields, the header " + std::to_string(header.size()));
      }
      for (std::size_t i = 0; i < header.size(); ++i)
        set_csv_cell(host, *header[i], row.cells[i].second);
      json document = protocol::host_to_json(host);
      if (!document.contains("labels")) document["labels"] = json::object();
      if (!document.contains("hostname")) document["hostname"] = "";
      validate_fleet_host(document);
      plan.hosts.push_back({row.number, std::move(document)});
    } catch (const std::invalid_argument& e) {
      plan.errors.push_back({row.number, host.id.substr(0, 128), e.what()});
    }
  });
  return plan;
}

}  // namespace sahab::collector
