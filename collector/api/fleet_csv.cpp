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

// The cells of one line, comma-separated, CRLF-terminated.
template <typename ValueOf>
std::string line(ValueOf&& value_of) {
  std::string out;
  const auto& columns = csv_column_table();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    out += value_of(columns[i]);
  }
  return out + "\r\n";
}

}  // namespace

std::string fleet_csv_header() {
  return kBom + line([](const CsvColumn& column) { return column.name; });
}

std::string fleet_csv_row(const json& object) {
  const protocol::Host host = host_of(object);
  return line([&](const CsvColumn& column) { return planner::csv_field(csv_cell(host, column)); });
}

}  // namespace sahab::collector
