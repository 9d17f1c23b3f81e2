#pragma once
// node_exporter's own /proc and /sys fixture tree: the prometheus/procfs library's
// testdata/fixtures.ttar, installed by Debian's golang-github-prometheus-procfs-dev (a test
// dependency, scripts/packages/test.txt). Unpacked once per test run into a temporary directory,
// never copied into this repository.
//
// ttar is a plain-text archive: entries separated by "# ttar - - -" lines, each "Directory: P"
// or "Path: P" followed by "Lines: N" and N lines of content (NULLBYTE stands for a zero byte, a
// final "EOF" for a missing last newline), or by "SymlinkTo: T".
#include <fstream>
#include <string>

#include "agent/metrics/collector.h"
#include "common/file.h"
#include "unit/temp_dir.h"

namespace sahab::agent::testing {

inline constexpr const char* kProcfsFixtures =
    "/usr/share/gocode/src/github.com/prometheus/procfs/testdata/fixtures.ttar";

inline std::string ttar_line(std::string line) {
  for (size_t at; (at = line.find("NULLBYTE")) != std::string::npos;) line.replace(at, 8, 1, '\0');
  if (line.ends_with("EOF")) return line.substr(0, line.size() - 3);
  return line + "\n";
}

inline void unpack_ttar(const std::filesystem::path& archive, const std::filesystem::path& into) {
  std::ifstream in(archive);
  if (!in) throw std::runtime_error("cannot read " + archive.string());
  std::string line;
  std::filesystem::path current;
  auto value = [&](const std::string& key) { return line.substr(key.size()); };
  while (std::getline(in, line)) {
    if (line.starts_with("Directory: ")) {
      std::filesystem::create_directories(into / value("Directory: "));
    } else if (line.starts_with("Path: ")) {
      current = into / value("Path: ");
      std::filesystem::create_directories(current.parent_path());
    } else if (line.starts_with("SymlinkTo: ")) {
      std::filesystem::create_symlink(value("SymlinkTo: "), current);
    } else if (line.starts_with("Lines: ")) {
      std::ofstream out(current, std::ios::binary);
      for (int n = std::stoi(value("Lines: ")); n > 0 && std::getline(in, line); --n) {
        out << ttar_line(line);
      }
    }
  }
}

// Paths into the unpacked tree (proc/, sys/); the tree lives until the test program exits.
inline Paths procfs_fixture_paths() {
  static const sahab::testing::TempDir dir;
  static const bool unpacked = (unpack_ttar(kProcfsFixtures, dir.path()), true);
  (void)unpacked;
  const auto base = dir.path() / "fixtures";
  return Paths{base / "proc", base / "sys", base};
}

}  // namespace sahab::agent::testing
