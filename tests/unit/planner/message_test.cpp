#include "planner/message.h"

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>

using namespace sahab::planner;

namespace {

// The {placeholders} of a template.
std::set<std::string> placeholders(const std::string& pattern) {
  std::set<std::string> out;
  for (std::size_t open = pattern.find('{'); open != std::string::npos;
       open = pattern.find('{', open + 1)) {
    out.insert(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
  }
  return out;
}

}  // namespace

TEST_CASE("messages: every key is worded in English, French and Arabic with the same parameters") {
  REQUIRE(catalogue().size() > 100);
  for (const auto& t : catalogue()) {
    CAPTURE(t.key);
    CHECK_FALSE(t.english.empty());
    CHECK_FALSE(t.french.empty());
    CHECK_FALSE(t.arabic.empty());
    CHECK(placeholders(t.english) == placeholders(t.french));
    CHECK(placeholders(t.english) == placeholders(t.arabic));
  }
}

TEST_CASE("messages: a web UI language code names the planner's language, others are refused") {
  CHECK(language_named("fr") == Language::kFrench);
  CHECK(language_named("en") == Language::kEnglish);
  CHECK(language_named("ar") == Language::kArabic);
  CHECK(language_named("zgh") == Language::kFrench);  // its catalogue falls back to French
  CHECK_FALSE(language_named("AR").has_value());
  CHECK_FALSE(language_named("").has_value());
  CHECK_FALSE(language_named("ar-MA").has_value());
  CHECK(std::string(code(Language::kArabic)) == "ar");
}

TEST_CASE("messages: numbers in each language's digits and lists joined by commas") {
  const Message m = say("sizing.cpu", {{"percentile", "p95"},
                                       Param::number("ratio", 20),
                                       Param::number("cores", 16),
                                       Param::number("comfort", 1.5, 2),
                                       Param::number("vcpu", 12345.678, 2)});
  CHECK(m.english == "p95 CPU 20% of 16 cores × 1.50 → 12,345.68 vCPU");
  CHECK(words(m, Language::kFrench) ==
        "CPU au p95 : 20 % de 16 cœurs × 1,50 → 12\u202f345,68 vCPU");
  // ar-MA as Intl writes it in the web UI: Latin digits, dot groups, decimal comma.
  CHECK(words(m, Language::kArabic) == "المعالج عند p95: 20 % من 16 نواة × 1,50 → 12.345,68 vCPU");
  const Message assumed =
      say("sizing.assumed",
          {Param::list("values",
                       {say("assumed.disks"), say("assumed.cores", {Param::number("cores", 2)})})});
  CHECK(assumed.english == "assumed disks, cores (2)");
  CHECK(words(assumed, Language::kFrench) == "valeurs supposées : disques, cœurs (2)");
  CHECK(words(assumed, Language::kArabic) == "قيم مفترضة: الأقراص، الأنوية (2)");
  CHECK(Param::figure("x", 2).decimals == 0);
  CHECK(Param::figure("x", 1.25).decimals == 2);
  CHECK(say("duration.days", {Param::number("days", 1.5, 1), Param::number("hours", 36)}).english ==
        "1.5 days");
}

TEST_CASE("messages: an unknown key or a missing parameter is refused") {
  CHECK_THROWS_AS(say("no.such.key"), std::logic_error);
  CHECK_THROWS_AS(say("sizing.no_disks"), std::logic_error);  // {gib} not given
}
