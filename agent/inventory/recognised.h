#pragma once
// Recognised software: the products a migration planner cares about (databases, web and
// application servers, directory, DNS, mail, containers), found from installed packages,
// process names and listening ports, with the version when a package gives it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/inventory/parsers.h"
#include "agent/inventory/processes.h"

namespace sahab::agent::inventory {

// What a platform learns of a product beyond packages, processes and ports (on Windows: services,
// SQL Server instances and IIS sites from the registry), merged with the rules' findings.
struct Evidence {
  std::string name;     // a rule's name ("sqlserver") or a product no rule covers ("iis")
  std::string version;  // "" when unknown
  std::string evidence;
};

// [{"name", "version", "evidence"}] sorted by name. `listening` is the network section's list.
// Packages are Debian or RPM package names, or Windows' display names ("Microsoft SQL Server 2019
// (64-bit)"), which the rules' Windows patterns match.
nlohmann::json recognise_software(const std::vector<Package>& packages,
                                  const ProcessScan& processes, const nlohmann::json& listening,
                                  const std::vector<Evidence>& extra = {});

}  // namespace sahab::agent::inventory
