#pragma once
// POST /api/v1/import: a sahab-fleet/1 document or a CSV file (one server per row, for servers
// that cannot run an agent). Each host is checked on its own: good rows are imported, bad rows
// are reported with their number and the problem; a host managed by an agent is never replaced.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

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
};

// The CSV columns, in the order documented in docs/api.md.
const std::vector<std::string>& csv_columns();

// Throw std::invalid_argument when the document as a whole is unusable (not JSON, wrong format,
// missing header); per-host problems go to ImportPlan::errors.
ImportPlan plan_fleet_import(std::string_view body);
ImportPlan plan_csv_import(std::string_view body);

// Checks one fleet host object; throws std::invalid_argument naming the field.
void validate_fleet_host(const nlohmann::json& host);

}  // namespace sahab::collector
