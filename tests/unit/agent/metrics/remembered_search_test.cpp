#include "agent/metrics/remembered_search.h"

#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "agent/metrics/exclude_pattern.h"

using namespace sahab::agent;

TEST_CASE("remembered search: answers as regex_search, asked again from memory") {
  const RememberedSearch search(R"(^(ram|loop|fd)\d+$)");
  CHECK(search.found_in("loop0"));
  CHECK_FALSE(search.found_in("sda"));
  CHECK_FALSE(search.found_in("loop"));
  CHECK(search.remembered() == 3);
  CHECK(search.found_in("loop0"));  // the same answers the second time
  CHECK_FALSE(search.found_in("sda"));
  CHECK(search.remembered() == 3);
}

TEST_CASE("remembered search: values past the bound start the memory afresh, answers stay right") {
  const RememberedSearch search("^veth");
  for (std::size_t i = 0; i < RememberedSearch::kMaxAnswers + 10; ++i) {
    const std::string name = (i % 2 ? "veth" : "eth") + std::to_string(i);
    CHECK(search.found_in(name) == (i % 2 == 1));
  }
  CHECK(search.remembered() == 10);
  CHECK(search.found_in("veth1"));
  CHECK_FALSE(search.found_in("eth0"));
}

TEST_CASE("remembered search: a malformed pattern is refused, an empty exclude excludes nothing") {
  CHECK_THROWS_AS(RememberedSearch("^(unclosed"), std::regex_error);
  CHECK_THROWS_AS(ExcludePattern("[z-a]"), std::regex_error);
  const ExcludePattern nothing("");
  CHECK_FALSE(nothing.excludes("lo"));
  const ExcludePattern loopback("^lo$");
  CHECK(loopback.excludes("lo"));
  CHECK_FALSE(loopback.excludes("lo0"));
}
