#pragma once
// Which reader takes a file given to POST /api/v1/import: the format `?format=` names, else the
// one its content shows (never its name or Content-Type): a zip is an .xlsx workbook or an archive
// of CSV or inventory files, '<' an inventory XML, '{' a fleet document or a GLPI inventory, and a
// CSV file is known by its header. docs/imports.md describes each format.
#include <optional>
#include <string>
#include <string_view>

#include "collector/api/fleet_import.h"

namespace sahab::collector {

// The names `?format=` takes, for messages and docs.
inline constexpr const char* kImportFormats =
    "json, csv, rvtools, azure-migrate, aws-discovery, migration-center, inventory (ocs, glpi)";

// Reads `body` as `format` (nullopt: detected). Throws std::invalid_argument when the file as a
// whole is unusable or of no known format, naming what is wrong (the missing columns, the
// formats expected).
ImportPlan plan_import(std::string_view body, const std::optional<std::string>& format);

}  // namespace sahab::collector
