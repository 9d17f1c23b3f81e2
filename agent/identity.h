#pragma once
// The agent's stable host identity.
#include <string>

#include "agent/collector/collector.h"

namespace sahab::agent {

// /etc/machine-id, else the DMI product UUID, else "unknown".
std::string read_host_id(const Paths& paths);

}  // namespace sahab::agent
