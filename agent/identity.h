#pragma once
// The agent's stable host identity.
#include <filesystem>
#include <string>

#include "agent/metrics/collector.h"

namespace sahab::agent {

// /etc/machine-id, else the DMI product UUID, else an id generated once and persisted as
// <state_dir>/host_id (so it survives restarts). If the state dir cannot be written the generated
// id is still returned (and a warning logged): it is then stable only for this process.
std::string read_host_id(const Paths& paths, const std::filesystem::path& state_dir);

}  // namespace sahab::agent
