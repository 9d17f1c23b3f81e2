#include "common/text.h"

#include <doctest/doctest.h>

#include "common/duration.h"

using namespace sahab;

TEST_CASE("text::fields splits on runs of blanks") {
  const auto f = text::fields("  cpu0\t 1  2 ");
  REQUIRE(f.size() == 3);
  CHECK(f[0] == "cpu0");
  CHECK(f[2] == "2");
  CHECK(text::fields("   ").empty());
}

TEST_CASE("text::fields into a kept vector empties it first, line after line") {
  std::vector<std::string_view> f = {"left", "over", "from", "before"};
  text::fields("\tpgfault 12", f);
  CHECK(f == std::vector<std::string_view>{"pgfault", "12"});
  text::fields("  a  b\t\tc ", f);
  CHECK(f == std::vector<std::string_view>{"a", "b", "c"});
  text::fields(" \t ", f);
  CHECK(f.empty());
  text::fields("", f);
  CHECK(f.empty());
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

TEST_CASE("text: first_invalid_utf8 follows RFC 3629") {
  using sahab::text::first_invalid_utf8;
  CHECK_FALSE(first_invalid_utf8(""));
  CHECK_FALSE(first_invalid_utf8("plain ASCII"));
  CHECK_FALSE(
      first_invalid_utf8("Berrechid \xd8\xa8\xd8\xb1\xd8\xb4\xd9\x8a\xd8\xaf, \xc3\xa9t\xc3\xa9"));
  CHECK_FALSE(first_invalid_utf8("\xf0\x9f\x8c\xa7"));  // U+1F327, four bytes
  CHECK(first_invalid_utf8("ab\xff") == 2u);
  CHECK(first_invalid_utf8("a\xc3") == 1u);             // truncated
  CHECK(first_invalid_utf8("\xc0\xaf") == 0u);          // overlong '/'
  CHECK(first_invalid_utf8("\xe0\x80\xaf") == 0u);      // overlong, three bytes
  CHECK(first_invalid_utf8("x\xed\xa0\x80") == 1u);     // a surrogate
  CHECK(first_invalid_utf8("\xf4\x90\x80\x80") == 0u);  // past U+10FFFF
  CHECK(first_invalid_utf8("\xe2\x82") == 0u);          // truncated euro sign
}

TEST_CASE("text: code points appended as UTF-8, one to four bytes") {
  std::string out;
  for (const char32_t c : {U'A', U'é', U'€', U'𝄞'}) sahab::text::append_utf8(out, c);
  CHECK(out == "Aé€𝄞");
  CHECK(out.size() == 1 + 2 + 3 + 4);
}
