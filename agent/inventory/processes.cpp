#include "agent/inventory/processes.h"

#include <unistd.h>

#include <filesystem>
#include <optional>

#include "common/file.h"
#include "common/text.h"

namespace sahab::agent::inventory {
namespace {

constexpr std::size_t kMaxProcesses = 100'000;

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// "socket:[12345]" -> 12345
std::optional<std::uint64_t> socket_inode(const std::string& link) {
  if (!link.starts_with("socket:[") || !link.ends_with("]")) return std::nullopt;
  return text::to_u64(std::string_view(link).substr(8, link.size() - 9));
}

void scan_fds(const std::filesystem::path& fd_dir, const std::string& name, ProcessScan& scan) {
  std::error_code error;
  std::filesystem::directory_iterator it(fd_dir, error);
  if (error) {
    ++scan.unreadable_fd_dirs;
    return;
  }
  char target[64];
  for (std::filesystem::directory_iterator end; it != end; it.increment(error)) {
    if (error) break;
    // readlink(2) directly: std::filesystem::read_symlink allocates and throws on races.
    const ssize_t n = ::readlink(it->path().c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    if (auto inode = socket_inode(std::string(target, static_cast<std::size_t>(n)))) {
      scan.socket_owner.try_emplace(*inode, name);
    }
  }
}

}  // namespace

ProcessScan scan_processes(const Paths& paths, bool sockets) {
  ProcessScan scan;
  std::error_code error;
  std::size_t seen = 0;
  for (std::filesystem::directory_iterator it(paths.procfs, error), end;
       !error && it != end && seen < kMaxProcesses; it.increment(error)) {
    const auto pid = it->path().filename().string();
    if (!all_digits(pid)) continue;
    ++seen;
    const auto comm = try_read_line(it->path() / "comm");
    if (!comm || comm->empty()) continue;  // the process ended meanwhile
    scan.names.insert(*comm);
    if (*comm == "java") {
      const auto cmdline = try_read_file(it->path() / "cmdline");
      if (cmdline && cmdline->find("org.apache.catalina") != std::string::npos) {
        scan.java_main_hints.insert("catalina");
      }
    }
    if (sockets) scan_fds(it->path() / "fd", *comm, scan);
  }
  return scan;
}

}  // namespace sahab::agent::inventory
