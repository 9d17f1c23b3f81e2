#pragma once
// Helpers for inventory tests: fixture trees under tests/fixtures/agent/inventory/<tree>.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "agent/inventory/inventory.h"
#include "common/file.h"
#include "unit/temp_dir.h"

namespace sahab::agent::inventory::testing {

inline std::filesystem::path fixture_dir(const std::string& tree) {
  return std::filesystem::path(SAHAB_FIXTURES_DIR) / "agent" / "inventory" / tree;
}

inline Paths fixture_paths(const std::string& tree = "default") {
  const auto base = fixture_dir(tree);
  return Paths{base / "proc", base / "sys", base / "root"};
}

inline std::string fixture_file(const std::string& tree, const std::string& relative) {
  return read_file(fixture_dir(tree) / relative);
}

inline Context fixture_context(const std::string& tree = "default") {
  return Context{fixture_paths(tree),
                 std::filesystem::temp_directory_path() / "sahab-no-state",
                 {{"region", "Casablanca-Settat"}, {"site.uplink_mbps", "20"}},
                 "127.0.0.1:9100"};
}

using sahab::testing::TempDir;

inline bool any_contains(const std::vector<std::string>& messages, const std::string& needle) {
  for (const auto& m : messages) {
    if (m.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace sahab::agent::inventory::testing
