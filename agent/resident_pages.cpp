#include "agent/resident_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sahab::agent {
namespace {

struct Mapping {
  std::uintptr_t start = 0;
  std::uintptr_t end = 0;
  bool read_only_file = false;  // r--p or r-xp, backed by a file
  long rss_kib = 0;
  long anonymous_kib = 0;
};

// "7f..-7f.. r-xp 00001000 08:01 1234   /usr/lib/x86_64-linux-gnu/libc.so.6"
Mapping parse_header(const std::string& line) {
  Mapping m;
  std::istringstream in(line);
  std::string range, perms, offset, device, inode, path;
  in >> range >> perms >> offset >> device >> inode >> path;
  const auto dash = range.find('-');
  m.start = std::stoull(range.substr(0, dash), nullptr, 16);
  m.end = std::stoull(range.substr(dash + 1), nullptr, 16);
  m.read_only_file = (perms == "r--p" || perms == "r-xp") && inode != "0" && path.front() == '/';
  return m;
}

std::vector<Mapping> read_mappings() {
  std::vector<Mapping> mappings;
  std::ifstream smaps("/proc/self/smaps");
  for (std::string line; std::getline(smaps, line);) {
    const auto colon = line.find(':');
    const bool field = colon != std::string::npos && line.find(' ') > colon;
    if (!field) {
      mappings.push_back(parse_header(line));
    } else if (!mappings.empty() && line.rfind("Rss:", 0) == 0) {
      mappings.back().rss_kib = std::stol(line.substr(colon + 1));
    } else if (!mappings.empty() && line.rfind("Anonymous:", 0) == 0) {
      mappings.back().anonymous_kib = std::stol(line.substr(colon + 1));
    }
  }
  return mappings;
}

}  // namespace

long release_startup_pages() {
  long released = 0;
  for (const auto& m : read_mappings()) {
    if (!m.read_only_file || m.anonymous_kib != 0 || m.rss_kib == 0) continue;
    if (::madvise(reinterpret_cast<void*>(m.start), m.end - m.start, MADV_DONTNEED) == 0) {
      released += m.rss_kib;
    }
  }
  return released;
}

}  // namespace sahab::agent
