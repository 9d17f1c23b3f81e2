#include "common/bounded_json.h"

#include <doctest/doctest.h>

#include <string>

using sahab::bounded_json::Error;
using sahab::bounded_json::Limits;
using sahab::bounded_json::parse;
using sahab::bounded_json::parse_stored;
using sahab::bounded_json::parse_stored_or;

namespace {
std::string nested(std::size_t depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}
}  // namespace

TEST_CASE("bounded_json: documents within the limits parse as nlohmann would") {
  const auto doc = parse(R"({"a": [1, 2.5, "x", true, null, {"b": {}}], "c": -3})");
  CHECK(doc["a"][1] == 2.5);
  CHECK(doc["a"][5]["b"].is_object());
  CHECK(doc["c"] == -3);
  CHECK(parse(nested(64))[0][0].is_array());
}

TEST_CASE("bounded_json: nesting is refused while parsing, whatever the depth") {
  CHECK_THROWS_WITH_AS(parse(nested(65)), "nested deeper than 64 levels", Error);
  // Deep enough to overflow any recursive reader: refused at level 65, in linear time.
  CHECK_THROWS_WITH_AS(parse(nested(1'000'000)), "nested deeper than 64 levels", Error);
  CHECK_THROWS_AS(parse(R"({"a":)" + nested(10) + "}", Limits{.max_depth = 8}), Error);
}

TEST_CASE("bounded_json: value counts and string sizes are capped") {
  std::string many = "[";
  for (int i = 0; i < 100; ++i) many += "{},";
  many += "{}]";
  CHECK_NOTHROW(parse(many, Limits{.max_values = 102}));
  CHECK_THROWS_WITH_AS(parse(many, Limits{.max_values = 50}), "more than 50 values", Error);
  const std::string long_string = "\"" + std::string(2000, 'x') + "\"";
  CHECK_THROWS_WITH_AS(parse(long_string, Limits{.max_string_bytes = 1000}),
                       "a string longer than 1000 bytes", Error);
  CHECK_THROWS_WITH_AS(parse("{" + long_string + ": 1}", Limits{.max_string_bytes = 1000}),
                       "a key longer than 1000 bytes", Error);
}

TEST_CASE("bounded_json: malformed input is an Error naming the problem, never another type") {
  CHECK_THROWS_WITH_AS(parse("1e400"), doctest::Contains("number overflow"), Error);
  CHECK_THROWS_WITH_AS(parse("\"\xff\""), doctest::Contains("UTF-8"), Error);
  CHECK_THROWS_WITH_AS(parse("[1, 2"), doctest::Contains("not valid JSON at byte"), Error);
  CHECK_THROWS_AS(parse("NaN"), Error);
  CHECK_THROWS_AS(parse(""), Error);
  CHECK_THROWS_AS(parse("{} {}"), Error);
}

TEST_CASE("bounded_json: stored documents that are no longer accepted read as absent") {
  CHECK(parse_stored(R"({"a": 1})", "test")->at("a") == 1);
  CHECK_FALSE(parse_stored(nested(300), "test"));
  CHECK_FALSE(parse_stored("not json", "test"));
  CHECK(parse_stored_or(nested(300), "test", nlohmann::json::object()).is_object());
  // Stored documents may be larger than request bodies: only depth is held to the request limit.
  std::string large = "[";
  for (int i = 0; i < 2'000'000; ++i) large += "0,";
  large += "0]";
  CHECK(parse_stored(large, "test")->size() == 2'000'001);
}
