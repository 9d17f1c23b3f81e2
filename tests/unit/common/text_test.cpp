#include <doctest/doctest.h>

#include "common/duration.h"
#include "common/text.h"

using namespace sahab;

TEST_CASE("text::fields splits on runs of blanks") {
  const auto f = text::fields("  cpu0\t 1  2 ");
  REQUIRE(f.size() == 3);
  CHECK(f[0] == "cpu0");
  CHECK(f[2] == "2");
  CHECK(text::fields("   ").empty());
}

TEST_CASE("text::split keeps empty fields") {
  const auto f = text::split("a,,b", ',');
  REQUIRE(f.size() == 3);
  CHECK(f[1].empty());
}

TEST_CASE("text numbers reject trailing garbage") {
  CHECK(text::to_u64("42") == 42u);
  CHECK_FALSE(text::to_u64("42x"));
  CHECK_FALSE(text::to_u64("-1"));
  CHECK(text::to_i64("-1") == -1);
  CHECK(text::to_double("0.5") == doctest::Approx(0.5));
  CHECK_FALSE(text::to_double(""));
}

TEST_CASE("text::unescape_octal decodes /proc/mounts escapes") {
  CHECK(text::unescape_octal("/mnt/my\\040disk") == "/mnt/my disk");
  CHECK(text::unescape_octal("/trailing\\04") == "/trailing\\04");
}

TEST_CASE("durations in Prometheus syntax") {
  CHECK(parse_duration("15s")->count() == 15'000);
  CHECK(parse_duration("1m30s")->count() == 90'000);
  CHECK(parse_duration("250ms")->count() == 250);
  CHECK(parse_duration("14d")->count() == 14LL * 86'400'000);
  CHECK_FALSE(parse_duration("15"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("15x"));
  CHECK_FALSE(parse_duration(""));
  CHECK(format_duration(std::chrono::milliseconds(90'500)) == "1m30s500ms");
}
