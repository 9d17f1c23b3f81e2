#pragma once
// POST /api/v1/import of machine inventories written by OCS Inventory NG agents and by
// FusionInventory / GLPI agents: their XML (REQUEST > CONTENT > HARDWARE, OPERATINGSYSTEM, CPUS,
// DRIVES, STORAGES, SOFTWARES, ... with QUERY INVENTORY) and GLPI's JSON inventory format (the
// same sections in lower case under "content"). One file is one machine; several arrive as one
// zip archive of .xml/.ocs/.json files. Sizes in these formats are MB (2^20 bytes).
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "collector/api/fleet_import.h"

namespace sahab::collector {

// True when `body` (after any byte order mark and blanks) starts like XML.
bool looks_like_xml(std::string_view body);
// True when a JSON document is a GLPI inventory ({"deviceid", "content": {...}}).
bool is_glpi_inventory(const nlohmann::json& document);

// One machine from an XML inventory. Throws std::invalid_argument when the file is not one (not
// XML, no REQUEST/CONTENT, not an INVENTORY query).
ImportPlan plan_inventory_xml_import(std::string_view body);
// One machine from a GLPI JSON inventory already parsed (by the bounded JSON parser).
ImportPlan plan_inventory_json_import(const nlohmann::json& document);
// Every inventory file of a zip archive, one host each; a file that is not one is that row's
// error (its row is its place in the archive).
ImportPlan plan_inventory_archive_import(std::string_view zip_body);

}  // namespace sahab::collector
