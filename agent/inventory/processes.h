#pragma once
// What the inventory learns from /proc/<pid>: process names, and which process owns a socket.
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "agent/metrics/collector.h"

namespace sahab::agent::inventory {

struct ProcessScan {
  std::set<std::string> names;                        // comm of every process
  std::set<std::string> java_main_hints;              // "catalina" etc. seen in java command lines
  std::map<std::uint64_t, std::string> socket_owner;  // socket inode -> comm of its process
  std::size_t unreadable_fd_dirs = 0;  // /proc/<pid>/fd we may not list (another user's process)
};

// Reads comm (world-readable) of every process; with `sockets`, also maps socket inodes to
// process names through /proc/<pid>/fd, which needs the same user, CAP_DAC_READ_SEARCH or
// CAP_SYS_PTRACE for other users' processes. Unreadable processes are skipped silently.
ProcessScan scan_processes(const Paths& paths, bool sockets);

}  // namespace sahab::agent::inventory
