#pragma once
// The Windows agent's inventory document (sahab-inventory/1), as the Linux agent's
// inventory::Inventory::collect() gives it: for now the identity section and the system
// section's operating system, enough for the collector to store the host (Windows only).
#include <nlohmann/json.hpp>
#include <string>

#include "agent/config.h"

namespace sahab::agent::windows {

nlohmann::json collect_inventory(const AgentConfig& config, const std::string& host_id);

// The computer's DNS host name (GetComputerNameEx), as the identity section gives it.
std::string dns_hostname();

}  // namespace sahab::agent::windows
