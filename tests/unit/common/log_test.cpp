#include "common/log.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

using sahab::log::quoted;

TEST_CASE("log: values are logfmt-quoted, so outside text cannot forge keys or lines") {
  CHECK(quoted("plain") == "\"plain\"");
  CHECK(quoted("user 'x\" level=error msg=\"forged'") ==
        "\"user 'x\\\" level=error msg=\\\"forged'\"");
  CHECK(quoted("a\nts=0 level=error") == "\"a\\nts=0 level=error\"");
  CHECK(quoted("back\\slash\ttab\rcr") == "\"back\\\\slash\\ttab\\rcr\"");
  CHECK(quoted(std::string("nul\0bell\x07", 9)) == "\"nul\\x00bell\\x07\"");
  CHECK(quoted("Berrechid \xd8\xa8") == "\"Berrechid \xd8\xa8\"");  // UTF-8 kept as is
}

namespace {
std::vector<std::string> g_sunk;
void sink(std::string_view message) { g_sunk.emplace_back(message); }
}  // namespace

TEST_CASE("log: the error sink gets error lines only, as written, until it is cleared") {
  std::FILE* discard = std::tmpfile();
  REQUIRE(discard);
  sahab::log::set_output(discard);  // keep the test's output clean
  g_sunk.clear();
  sahab::log::set_error_sink(sink);
  sahab::log::warn("a warning");
  sahab::log::info("news");
  sahab::log::error("enrolment refused (HTTP 401): \"token\"");
  sahab::log::set_error_sink(nullptr);
  sahab::log::error("after the sink was cleared");
  sahab::log::set_output(nullptr);
  std::fclose(discard);
  CHECK(g_sunk == std::vector<std::string>{"enrolment refused (HTTP 401): \"token\""});
}
