// collector/store/scenarios: named planning scenarios, their names and their life cycle.
#include "collector/store/scenarios.h"

#include <doctest/doctest.h>

#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

bool save(testing::TempStore& s, const Scenario& scenario) {
  return s.write([&](Database& db) { return save_scenario(db, scenario); });
}

std::vector<std::string> names(testing::TempStore& s) {
  std::vector<std::string> out;
  for (const auto& x : s.read([](Database& db) { return list_scenarios(db); })) {
    out.push_back(x.name);
  }
  return out;
}

}  // namespace

TEST_CASE("scenario names: 1 to 64 letters, digits, spaces, dots, underscores and dashes") {
  CHECK(valid_scenario_name("a"));
  CHECK(valid_scenario_name(std::string(64, 'z')));
  CHECK(valid_scenario_name("Plan B - 2027.v2_final"));
  CHECK_FALSE(valid_scenario_name(std::string(65, 'z')));
  for (const std::string& bad :
       std::vector<std::string>{"a/b", "a\\b", "a\tb", "a\nb", "'x'", "a;b", "a%20b", "<b>", "a:b",
                                "50%", "caf\xC3\xA9", std::string("a\0b", 3)}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_scenario_name(bad));
  }
}

TEST_CASE("scenario store: listed by name, found by exact name, each field kept") {
  testing::TempStore s;
  CHECK(names(s).empty());
  CHECK_FALSE(s.read([](Database& db) { return find_scenario(db, "none"); }));
  CHECK(save(s, {"beta", "second", R"({"sizing":{"percentile":"p99"}})", "", "ada", 0, 100}));
  CHECK(save(s, {"Alpha", "first", "{}", "", "bob", 0, 200}));
  CHECK(save(s, {"alpha", "third", "{}", "", "bob", 0, 300}));
  // Byte order: capitals first, and names differing in case are different scenarios.
  CHECK(names(s) == std::vector<std::string>{"Alpha", "alpha", "beta"});
  const auto beta = s.read([](Database& db) { return find_scenario(db, "beta"); });
  REQUIRE(beta);
  CHECK(beta->description == "second");
  CHECK(beta->parameters == R"({"sizing":{"percentile":"p99"}})");
  CHECK(beta->created_by == "ada");
  CHECK(beta->updated_by == "ada");
  CHECK(beta->created_at == 100);
  CHECK(beta->updated_at == 100);
  CHECK_FALSE(s.read([](Database& db) { return find_scenario(db, "BETA"); }));
  CHECK_FALSE(s.read([](Database& db) { return find_scenario(db, "bet"); }));
}

TEST_CASE("scenario store: saving again replaces the content, not the creation") {
  testing::TempStore s;
  CHECK(save(s, {"q3", "draft", R"({"a":1})", "", "ada", 0, 100}));
  // created_by/created_at given on an update are ignored: the first save made them.
  CHECK_FALSE(save(s, {"q3", "final", R"({"a":2})", "mallory", "bob", 999, 200}));
  const auto q3 = s.read([](Database& db) { return find_scenario(db, "q3"); });
  REQUIRE(q3);
  CHECK(q3->description == "final");
  CHECK(q3->parameters == R"({"a":2})");
  CHECK(q3->created_by == "ada");
  CHECK(q3->created_at == 100);
  CHECK(q3->updated_by == "bob");
  CHECK(q3->updated_at == 200);
  CHECK(s.scalar("SELECT count(*) FROM scenarios") == 1);
}

TEST_CASE("scenario store: deleting one leaves the others") {
  testing::TempStore s;
  save(s, {"one", "", "{}", "", "ada", 0, 1});
  save(s, {"two", "", "{}", "", "ada", 0, 2});
  CHECK(s.write([](Database& db) { return delete_scenario(db, "one"); }));
  CHECK_FALSE(s.write([](Database& db) { return delete_scenario(db, "one"); }));
  CHECK_FALSE(s.write([](Database& db) { return delete_scenario(db, "TWO"); }));
  CHECK(names(s) == std::vector<std::string>{"two"});
}
