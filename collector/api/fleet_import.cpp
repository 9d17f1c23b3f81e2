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

const void* address(const protocol::FieldSlot& slot) {
  return std::visit([](auto* value) { return static_cast<const void*>(value); }, slot);
}

// The fleet table's field whose slot is the column's: the one giving the same address on a
// probe host that has every list element and object the slots reach.
const protocol::Field<protocol::Host>& table_field(const CsvColumn& column) {
  using Found = std::vector<std::pair<const CsvColumn*, const protocol::Field<protocol::Host>*>>;
  static const Found found = [] {
    protocol::Host probe;
    probe.utilisation.emplace();
    for (const auto& list : protocol::host_lists()) list.append(probe);
    Found out;
    for (const auto& c : csv_column_table()) {
      if (!c.slot) continue;
      for (const auto& f : protocol::host_fields())
        if (address(f.slot(probe, 0)) == address(c.slot(probe, 0))) out.emplace_back(&c, &f);
    }
    return out;
  }();
  for (const auto& [c, f] : found)
    if (c == &column) return *f;
  throw std::logic_error("CSV column '" + column.name + "' is no field of the fleet's table");
}

bool in_utilisation(const CsvColumn& column) {
  return std::string_view(table_field(column).path).starts_with(protocol::kUtilisationObject);
}

// The cell of a number: a whole number without a decimal point (as spreadsheets write sizes).
std::string number_cell(std::optional<double> value) {
  return value ? protocol::number_json(*value).dump() : "";
}

}  // namespace

const std::vector<CsvColumn>& csv_column_table() {
  using K = CsvColumn::Kind;
  using protocol::FieldSlot;
  using protocol::Host;
  using S = std::size_t;
  static const std::vector<CsvColumn> columns = {
      {"id", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.id; }},
      {"hostname", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.hostname; }},
      {"region", K::kLabel, "region"},
      {"province", K::kLabel, "province"},
      {"commune", K::kLabel, "commune"},
      {"environment", K::kLabel, "environment"},
      {"criticality", K::kLabel, "criticality"},
      {"sensitivity", K::kLabel, "sensitivity"},
      {"application", K::kLabel, "application"},
      {"os_family", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.os_family; }},
      {"os_name", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.os_name; }},
      {"os_version", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.os_version; }},
      {"arch", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.arch; }},
      {"cpu_cores", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.cpu_cores; }},
      {"cpu_model", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.cpu_model; }},
      {"memory_bytes", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.memory_bytes; }},
      {"disk_bytes", K::kDiskTotal, "",
       [](Host& h, S i) -> FieldSlot { return &h.disks[i].size_bytes; }},
      {"disk_used_bytes", K::kDiskTotal, "",
       [](Host& h, S i) -> FieldSlot { return &h.disks[i].used_bytes; }},
      {"uplink_mbps", K::kField, "", [](Host& h, S) -> FieldSlot { return &h.uplink_mbps; }},
      {"cpu_p95", K::kField, "",
       [](Host& h, S) -> FieldSlot { return &h.utilisation->cpu_ratio.p95; }},
      {"memory_p95", K::kField, "",
       [](Host& h, S) -> FieldSlot { return &h.utilisation->memory_ratio.p95; }}};
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
      return host.label(column.label);
    case CsvColumn::Kind::kDiskTotal: {
      std::optional<double> total;
      for (std::size_t i = 0; i < host.disks.size(); ++i) {
        const auto slot = column.slot(record, i);
        if (const std::optional<double>& value = *std::get<std::optional<double>*>(slot))
          total = total.value_or(0) + *value;
      }
      return number_cell(total);
    }
    case CsvColumn::Kind::kField:
      break;
  }
  if (in_utilisation(column) && !host.utilisation) return "";
  const auto slot = column.slot(record, 0);
  if (const auto* text = std::get_if<std::string*>(&slot)) return **text;
  if (const auto* number = std::get_if<std::optional<double>*>(&slot)) return number_cell(**number);
  if (const auto* whole = std::get_if<std::optional<int>*>(&slot))
    return **whole ? std::to_string(***whole) : "";
  return "";
}

void set_csv_cell(protocol::Host& host, const CsvColumn& column, const std::string& text) {
  if (text.empty()) return;
  if (column.kind == CsvColumn::Kind::kLabel) {
    host.labels[column.label] = text;
    return;
  }
  if (column.kind == CsvColumn::Kind::kDiskTotal) {
    // One disk holding the totals, as the CSV gives them.
    if (host.disks.empty()) host.disks.push_back({"disk0", std::nullopt, std::nullopt});
    *std::get<std::optional<double>*>(column.slot(host, 0)) = csv_number(column.name, text);
    return;
  }
  if (in_utilisation(column) && !host.utilisation) host.utilisation.emplace();
  const auto slot = column.slot(host, 0);
  if (auto* value = std::get_if<std::string*>(&slot)) {
    **value = text;
  } else if (auto* number = std::get_if<std::optional<double>*>(&slot)) {
    **number = csv_number(column.name, text);
  } else if (auto* whole = std::get_if<std::optional<int>*>(&slot)) {
    const double d = csv_number(column.name, text).value_or(0);
    if (d != std::floor(d) || d > std::numeric_limits<int>::max())
      bad("field '" + table_field(column).path + "'", "expected a whole number");
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
      for (const auto& cell : row.cells) {
        const std::string& name = cell.second;
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
