#pragma once
// A recorded vCenter (vcsim) answer from tests/fixtures/vcenter/, whole; fails the test when the
// file is missing or empty.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace sahab::testing {

inline std::string vcenter_fixture(const std::string& name) {
  std::ifstream in(std::string(SAHAB_FIXTURES_DIR) + "/vcenter/" + name);
  std::stringstream text;
  text << in.rdbuf();
  REQUIRE(!text.str().empty());
  return text.str();
}

}  // namespace sahab::testing
