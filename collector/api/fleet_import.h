#pragma once
// POST /api/v1/import: a sahab-fleet/1 document or a CSV file (one server per row, for servers
// that cannot run an agent). Each host is checked on its own: good rows are imported, bad rows
// are reported with their number and the problem; a host managed by an agent is never replaced.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/protocol/fleet.h"

namespace sahab::collector {

struct ImportRow {
  std::size_t row = 0;  // CSV line number (header is line 1) or index in "hosts"
  nlohmann::json host;  // a validated sahab-fleet/1 host object
};

struct ImportError {
  std::size_t row = 0;
  std::string id;
  std::string message;
};

struct ImportPlan {
  std::vector<ImportRow> hosts;
  nlohmann::json connections = nlohmann::json::array();  // validated {source, target, port, ...}
  std::vector<ImportError> errors;
  std::string format;                 // what was read: "rvtools 4.7.1.4", "azure-migrate", ...
  std::vector<std::string> warnings;  // what the reader assumed or left out, for the whole file
};

// One column of Sahab's CSV: a field of the fleet's field table, a label, or the total of a disk
// field over the host's disks (the CSV has one disk_bytes, a host many disks). A field is named
// by where it lives in protocol::Host (its slot); the table's row with the same slot gives its
// type and its path for messages, so no fleet path is typed twice.
struct CsvColumn {
  enum class Kind { kField, kLabel, kDiskTotal };
  std::string name;  // the CSV header
  Kind kind;
  std::string label;  // kLabel: the label's name
  // kField: the host's member; kDiskTotal: the member of the host's disk `element`.
  protocol::FieldSlot (*slot)(protocol::Host&, std::size_t element) = nullptr;
};

// The CSV columns, in the order documented in docs/api.md.
const std::vector<CsvColumn>& csv_column_table();
const std::vector<std::string>& csv_columns();
// A host's cell in `column`, as the export writes it: whole numbers without a decimal point,
// "" when the host has no value.
std::string csv_cell(const protocol::Host& host, const CsvColumn& column);
// Sets the value `text` of `column` on `host`. Throws std::invalid_argument naming the column
// when the text is not a value of the field's type.
void set_csv_cell(protocol::Host& host, const CsvColumn& column, const std::string& text);

// Throw std::invalid_argument when the document as a whole is unusable (not JSON, wrong format,
// missing header); per-host problems go to ImportPlan::errors.
ImportPlan plan_fleet_import(std::string_view body);
// A document already parsed (by the bounded JSON parser).
ImportPlan plan_fleet_document(const nlohmann::json& document);
ImportPlan plan_csv_import(std::string_view body);

// Checks one fleet host object; throws std::invalid_argument naming the field.
void validate_fleet_host(const nlohmann::json& host);

}  // namespace sahab::collector
