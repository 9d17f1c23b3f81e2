#include "planner/report.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/text.h"
#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

TEST_CASE("report: CSV fields are quoted and never run as formulas") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(csv_field("+1") == "'+1");
  CHECK(csv_field("@SUM") == "'@SUM");
}

TEST_CASE("report: HTML escapes every value from the fleet") {
  CHECK(sahab::text::markup_escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
  Host evil = server("<script>alert(1)</script>");
  evil.labels["commune"] = "Fès & <b>Meknès</b>";
  const Plan p = plan(Fleet{"", {evil}, {}}, PlannerConfig{}, test_catalogs());
  const std::string html = html_report(p, ReportLanguage::kEnglish);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("Fès &amp; &lt;b&gt;Meknès&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("<h2>Waves</h2>") != std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);  // self-contained: no external asset
}

namespace {

// The texts of every `tag` element of an HTML document, in order.
std::vector<std::string> texts_of(const std::string& html, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag, close = "</" + tag + ">";
  for (std::size_t at = html.find(open); at != std::string::npos; at = html.find(open, at + 1)) {
    const std::size_t start = html.find('>', at) + 1;
    out.push_back(html.substr(start, html.find(close, start) - start));
  }
  return out;
}

}  // namespace

TEST_CASE("report: in French every heading and every planner sentence is French") {
  Host idle = server("b");
  idle.utilisation->cpu_ratio = {0.01, 0.01, 0.01, 0.01, 0.02};
  Fleet fleet{"", {server("a"), idle}, {}};
  const Plan p = plan(fleet, PlannerConfig{}, test_catalogs());
  const std::string french = html_report(p, ReportLanguage::kFrench);
  const std::string english = html_report(p, ReportLanguage::kEnglish);
  CHECK(french.find("<html lang=\"fr\">") != std::string::npos);
  CHECK(english.find("<html lang=\"en\">") != std::string::npos);
  CHECK(french.find("<h2>Vagues</h2>") != std::string::npos);
  // Words the same in both languages; any other heading left English is a missing translation.
  const std::set<std::string> same = {"cloud", "total",    "commune", "dates",
                                      "★",     "licences", "support"};
  for (const char* tag : {"h1", "h2", "th", "title"}) {
    const auto fr = texts_of(french, tag), en = texts_of(english, tag);
    REQUIRE(fr.size() == en.size());
    for (std::size_t i = 0; i < fr.size(); ++i) {
      CAPTURE(en[i]);
      CHECK((fr[i] != en[i] || same.contains(en[i])));
    }
  }
  // Rules and host reasons in French, none of their English wording left, nothing marked English.
  CHECK(french.find("<span lang=") == std::string::npos);
  CHECK(english.find("<span lang=") == std::string::npos);
  for (const auto& rule : p.rules) {
    CAPTURE(rule.key);
    CHECK(english.find(sahab::text::markup_escape(rule.english)) != std::string::npos);
    CHECK(french.find(sahab::text::markup_escape(rule.english)) == std::string::npos);
    CHECK(french.find(sahab::text::markup_escape(words(rule, Language::kFrench))) !=
          std::string::npos);
  }
  for (const auto& host : p.hosts) {
    for (const auto& reason : host.reasons) {
      CAPTURE(reason.english);
      CHECK(french.find(sahab::text::markup_escape(words(reason, Language::kFrench))) !=
            std::string::npos);
    }
  }
  CHECK(french.find("cœurs") != std::string::npos);
}

TEST_CASE("report: in Arabic, right to left, every heading and every planner sentence is Arabic") {
  Host idle = server("b");
  idle.utilisation->cpu_ratio = {0.01, 0.01, 0.01, 0.01, 0.02};
  const Plan p = plan(Fleet{"", {server("a"), idle}, {}}, PlannerConfig{}, test_catalogs());
  const std::string arabic = html_report(p, ReportLanguage::kArabic);
  const std::string english = html_report(p, ReportLanguage::kEnglish);
  CHECK(arabic.find("<html lang=\"ar\" dir=\"rtl\">") != std::string::npos);
  CHECK(english.find("dir=\"rtl\"") == std::string::npos);
  CHECK(arabic.find("<h2>الموجات</h2>") != std::string::npos);
  CHECK(arabic.find("text-align:left") == std::string::npos);  // logical: start/end
  // Every heading differs from English: no phrase of the report's table lacks its Arabic.
  for (const char* tag : {"h1", "h2", "th", "title"}) {
    const auto ar = texts_of(arabic, tag), en = texts_of(english, tag);
    REQUIRE(ar.size() == en.size());
    for (std::size_t i = 0; i < ar.size(); ++i) {
      CAPTURE(en[i]);
      CHECK((ar[i] != en[i] || en[i] == "★"));
    }
  }
  for (const auto& rule : p.rules) {
    CAPTURE(rule.key);
    CHECK(arabic.find(sahab::text::markup_escape(rule.english)) == std::string::npos);
    CHECK(arabic.find(sahab::text::markup_escape(words(rule, Language::kArabic))) !=
          std::string::npos);
  }
  for (const auto& host : p.hosts) {
    for (const auto& reason : host.reasons) {
      CAPTURE(reason.english);
      CHECK(arabic.find(sahab::text::markup_escape(words(reason, Language::kArabic))) !=
            std::string::npos);
    }
  }
}

TEST_CASE("report: CSV files have one row per host - wave and roll-up") {
  Fleet fleet{"", {server("a"), server("b,with comma")}, {}};
  const Plan p = plan(fleet, PlannerConfig{}, test_catalogs());
  const std::string hosts = hosts_csv(p);
  CHECK(hosts.rfind("\xEF\xBB\xBFid,hostname,region", 0) == 0);
  CHECK(hosts.find("\"b,with comma\"") != std::string::npos);
  std::size_t rows = 0;
  for (std::size_t at = 0; (at = hosts.find("\r\n", at)) != std::string::npos; at += 2) ++rows;
  CHECK(rows == 3);
  CHECK(waves_csv(p).find("\r\n1,") != std::string::npos);
  CHECK(costs_csv(p).find("total,MAD,2,") != std::string::npos);
}

TEST_CASE("report: plan JSON stays valid with control characters and broken UTF-8 in names") {
  Host odd = server("tab\there \"quoted\" \\ back");
  odd.hostname = std::string("bad\xff utf8 \x01 ok é");
  const Plan p = plan(Fleet{"", {odd}, {}}, PlannerConfig{}, test_catalogs());
  const auto document = nlohmann::json::parse(plan_json_text(p));
  CHECK(document["format"] == "sahab-plan/1");
  CHECK(document["hosts"][0]["id"] == "tab\there \"quoted\" \\ back");
  CHECK(document["hosts"][0]["hostname"] == "bad\xEF\xBF\xBD utf8 \x01 ok é");
}

TEST_CASE("report: the summary names every catalogue provider, even those not allowed") {
  PlannerConfig config;
  const Catalogs catalogs = test_catalogs();
  config.providers.allowed = {catalogs.providers.front().name};
  const auto summary = nlohmann::json::parse(
      plan_summary_json_text(plan(Fleet{"", {server("a")}, {}}, config, catalogs)));
  REQUIRE(summary["providers"].size() == catalogs.providers.size());
  for (std::size_t i = 0; i < catalogs.providers.size(); ++i) {
    CHECK(summary["providers"][i] == catalogs.providers[i].name);
  }
}
