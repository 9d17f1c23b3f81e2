#include "planner/end_of_support.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

using namespace sahab::planner;

namespace {
constexpr std::int64_t kNow = 1'795'000'000;  // 2026-11-19
}  // namespace

TEST_CASE("end of life: releases by name and version, words in the name, unknown ones") {
  const auto status = [](std::string_view name, std::string_view version) {
    return end_of_life_name(end_of_life(name, version, kNow).status);
  };
  CHECK(status("Ubuntu", "18.04") == std::string("ended"));
  CHECK(status("Ubuntu", "22.04") == std::string("ending_soon"));  // 2027-06-01
  CHECK(status("Ubuntu", "24.04") == std::string("supported"));
  CHECK(status("Debian GNU/Linux", "11") == std::string("ended"));  // 2026-08-31
  CHECK(status("CentOS Linux", "7") == std::string("ended"));
  CHECK(status("CentOS Stream", "9") == std::string("ending_soon"));
  CHECK(status("Red Hat Enterprise Linux", "8.6") == std::string("supported"));
  CHECK(status("Microsoft Windows Server 2012 R2 Standard", "6.3.9600") == std::string("ended"));
  CHECK(status("Windows Server", "2012 R2") == std::string("ended"));
  CHECK(status("Windows Server", "2019") == std::string("supported"));
  CHECK(status("Debian GNU/Linux", "80") == std::string("unknown"));  // not Debian 8
  CHECK(status("Plan 9", "4") == std::string("unknown"));
  CHECK(status("", "") == std::string("unknown"));
  CHECK(end_of_life("Ubuntu", "20.04", kNow).date == "2025-05-31");
  // The last supported day is still supported.
  CHECK(end_of_life("Ubuntu", "20.04", 1'748'649'600).status == EndOfLife::kEndingSoon);
  CHECK(end_of_life("Ubuntu", "20.04", 1'748'736'000).status == EndOfLife::kEnded);
}
