#include "common/timestamp.h"

#include <doctest/doctest.h>

using namespace sahab;

TEST_CASE("rfc3339: parse and format") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2026-11-22T11:00:00.5+01:00") == parse_rfc3339("2026-11-22T10:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-22"));
  CHECK_FALSE(parse_rfc3339("2026-11-22T10:00:00"));
  CHECK_FALSE(parse_rfc3339("2026-11-22T25:00:00Z"));
  CHECK(sahab::format_rfc3339(1'795'341'600) == "2026-11-22T10:00:00Z");
}

TEST_CASE("rfc3339: days that do not exist are refused") {
  CHECK_FALSE(parse_rfc3339("2025-02-31T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2025-02-29T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-04-31T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-00-10T00:00:00Z"));
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z") == 1'709'164'800);  // a leap day
  CHECK(parse_rfc3339("2026-12-31T23:59:59Z") == 1'798'761'599);
}
