#pragma once
// GET /api/v1/fleet?format=csv: the fleet as one CSV row per host, in the columns that
// POST /api/v1/import reads (so an export can be edited in a spreadsheet and imported again).
#include <nlohmann/json.hpp>
#include <string>

namespace sahab::collector {

// UTF-8 with a byte order mark, one header line, CRLF rows, RFC 4180 quoting; text starting with
// = + - @ is prefixed with ' so a spreadsheet never runs it. Disks are summed into disk_bytes and
// disk_used_bytes; utilisation keeps the p95 of CPU and memory (the JSON export has everything).
// Written a row at a time (the API streams it): the byte order mark and the header line, then one
// row per host object of the fleet document.
std::string fleet_csv_header();
std::string fleet_csv_row(const nlohmann::json& host);

}  // namespace sahab::collector
