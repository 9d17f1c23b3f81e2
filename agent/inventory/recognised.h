#pragma once
// Recognised software: the products a migration planner cares about (databases, web and
// application servers, directory, DNS, mail, containers), found from installed packages,
// process names and listening ports, with the version when a package gives it.
#include <nlohmann/json.hpp>
#include <vector>

#include "agent/inventory/parsers.h"
#include "agent/inventory/processes.h"

namespace sahab::agent::inventory {

// [{"name", "version", "evidence"}] sorted by name. `listening` is the network section's list.
nlohmann::json recognise_software(const std::vector<Package>& packages,
                                  const ProcessScan& processes, const nlohmann::json& listening);

}  // namespace sahab::agent::inventory
