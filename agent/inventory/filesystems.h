#pragma once
// The filesystems worth reporting (disk-backed, not pseudo or RAM filesystems), shared by the
// inventory's hardware section and the utilisation sampler's filesystem_used_ratio.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/inventory/parsers.h"

namespace sahab::agent::inventory {

struct Mount {
  std::string device;
  std::string mountpoint;  // as the host sees it ("/", "/var")
  std::string fstype;
};

// Parses a mounts table (/proc/<pid>/mounts), dropping pseudo filesystems and, as df does, later
// mounts of a device already seen (bind mounts), keeping the shortest mountpoint. Sorted.
std::vector<Mount> parse_mounts(std::string_view content, Problems& problems);

// The host's filesystems from <procfs>/1/mounts (the host's view when the agent runs in its own
// mount namespace), else <procfs>/self/mounts, else <procfs>/mounts.
std::vector<Mount> local_filesystems(const Paths& paths, Problems& problems);

struct Usage {
  std::uint64_t size_bytes = 0;
  std::uint64_t used_bytes = 0;       // as df: blocks - free blocks
  std::uint64_t available_bytes = 0;  // to unprivileged users
};

// statvfs of <rootfs>/<mountpoint>; nullopt if it fails (stale NFS, no permission).
std::optional<Usage> filesystem_usage(const Paths& paths, const Mount& mount);

}  // namespace sahab::agent::inventory
