#pragma once
// The agent's stable host identity.
#include <filesystem>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"

namespace sahab::agent {

// The first usable id of system_host_ids, else an id generated once and persisted as
// <state_dir>/host_id (so it survives restarts). If the state dir cannot be written the generated
// id is still returned (and a warning logged): it is then stable only for this process.
std::string read_host_id(const Paths& paths, const std::filesystem::path& state_dir);

// The ids the operating system keeps for this machine, best first, as read (dashes and case are
// normalised by read_host_id; all-zero and all-f placeholders skipped). Linux
// (identity_linux.cpp): /etc/machine-id, then the DMI product UUID. Windows
// (identity_windows.cpp): the MachineGuid that Windows Setup (or sysprep) writes.
std::vector<std::string> system_host_ids(const Paths& paths);

}  // namespace sahab::agent
