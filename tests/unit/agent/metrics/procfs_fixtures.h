#pragma once
// node_exporter's own /proc and /sys fixture tree: the prometheus/procfs library's
// testdata/fixtures.ttar, installed by Debian's golang-github-prometheus-procfs-dev (a test
// dependency, scripts/packages/test.txt). Unpacked once per test run into a temporary directory
// by tests/integration/ttar.py (the integration tests use it too), never copied into this
// repository.
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "agent/metrics/collector.h"
#include "unit/temp_dir.h"

namespace sahab::agent::testing {

inline constexpr const char* kProcfsFixtures =
    "/usr/share/gocode/src/github.com/prometheus/procfs/testdata/fixtures.ttar";

// Paths into the unpacked tree (proc/, sys/); the tree lives until the test program exits.
inline Paths procfs_fixture_paths() {
  static const sahab::testing::TempDir dir;
  static const bool unpacked = [] {
    const std::string command = std::string("python3 '") + SAHAB_FIXTURES_DIR +
                                "/../integration/ttar.py' '" + kProcfsFixtures + "' '" +
                                dir.path().string() + "'";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("cannot unpack " + std::string(kProcfsFixtures) +
                               " (install golang-github-prometheus-procfs-dev)");
    }
    return true;
  }();
  (void)unpacked;
  const auto base = dir.path() / "fixtures";
  return Paths{base / "proc", base / "sys", base};
}

}  // namespace sahab::agent::testing
