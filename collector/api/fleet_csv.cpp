#include "collector/api/fleet_csv.h"

#include "collector/api/fleet_import.h"
#include "collector/ingest/document.h"
#include "common/protocol/fleet.h"
#include "planner/report.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr const char* kBom = "\xEF\xBB\xBF";  // lets spreadsheets read UTF-8 (accented communes)

// An exported host as the fleet's reader reads it; labels as the store keeps them (numbers as
// text). A host the reader refuses keeps its id, hostname and labels only.
protocol::Host host_of(const json& object) {
  protocol::Host host;
  if (!object.is_object()) return host;
  json fields = object;
  fields.erase("labels");
  try {
    host = protocol::host_from_json(fields);
  } catch (const protocol::FleetError&) {
    host.id = object.value("id", json()).is_string() ? object["id"].get<std::string>() : "";
    host.hostname =
        object.value("hostname", json()).is_string() ? object["hostname"].get<std::string>() : "";
  }
  try {
    host.labels = parse_labels(object.value("labels", json::object()), "labels");
  } catch (const std::invalid_argument&) {
    host.labels.clear();
  }
  return host;
}

}  // namespace

std::string fleet_csv(const json& fleet) {
  std::string out = kBom;
  const auto& columns = csv_column_table();
  const auto row = [&](auto&& value_of) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += ',';
      out += value_of(columns[i]);
    }
    out += "\r\n";
  };
  row([](const CsvColumn& column) { return column.name; });
  const json* hosts = fleet.is_object() && fleet.contains("hosts") ? &fleet["hosts"] : nullptr;
  if (hosts == nullptr || !hosts->is_array()) return out;
  for (const auto& object : *hosts) {
    const protocol::Host host = host_of(object);
    row([&](const CsvColumn& column) { return planner::csv_field(csv_cell(host, column)); });
  }
  return out;
}

}  // namespace sahab::collector
