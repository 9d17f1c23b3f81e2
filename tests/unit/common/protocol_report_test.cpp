// The sahab-ingest/1 field tables: check_fields makes every error from the table, so walking
// each table row by row shows a row the checks would not follow.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "common/protocol/inventory.h"
#include "common/protocol/report.h"

using namespace sahab::protocol::report;
using nlohmann::json;

namespace {

json valid_value(const Field& f) {
  switch (f.kind) {
    case Kind::kText:
      return "x";
    case Kind::kWholeNumber:
      return static_cast<std::int64_t>(f.min) + 1;
    case Kind::kNumber:
      return f.min + 0.5;
    case Kind::kTimestamp:
      return "2026-11-22T10:00:00Z";
    case Kind::kBoolean:
      return true;
    case Kind::kObject:
      return json::object();
    case Kind::kArray:
      return json::array();
  }
  return nullptr;
}

// A value of another kind than the row's.
json wrong_value(const Field& f) {
  return f.kind == Kind::kText || f.kind == Kind::kTimestamp ? json(42) : json("forty-two");
}

json valid_object(std::span<const Field> fields) {
  json out = json::object();
  for (const Field& f : fields) out[f.name] = valid_value(f);
  return out;
}

std::string error_of(const json& object, std::span<const Field> fields) {
  try {
    check_fields(object, fields, "at");
  } catch (const ReportError& e) {
    return e.what();
  }
  return "";
}

struct Table {
  std::string name;
  std::span<const Field> fields;
};

// The report's tables and those of the inventory's sections (common/protocol/inventory.h).
std::vector<Table> all_tables() {
  std::vector<Table> tables = {
      {"batch", batch::kFields},         {"spool", spool::kFields},
      {"summary", summary::kFields},     {"metric summary", metric_summary::kFields},
      {"inventory", inventory::kFields}, {"section", section::kFields}};
  for (const auto& s : sahab::protocol::inventory::sections()) {
    tables.push_back({std::string(s.name), s.fields});
    for (const auto& nested : s.nested)
      tables.push_back(
          {std::string(s.name) + "." + std::string(nested.holder.name), nested.fields});
  }
  return tables;
}
const std::vector<Table> kTables = all_tables();

}  // namespace

TEST_CASE("protocol report: every table accepts a value of each row's kind") {
  for (const Table& t : kTables) {
    CAPTURE(t.name);
    CHECK(error_of(valid_object(t.fields), t.fields) == "");
    CHECK(error_of(json::array(), t.fields) == "at: expected a JSON object");
  }
}

TEST_CASE("protocol report: a missing required row is named and optional rows may be absent") {
  for (const Table& t : kTables) {
    for (const Field& f : t.fields) {
      CAPTURE(f.name);
      json object = valid_object(t.fields);
      object.erase(std::string(f.name));
      const std::string error = error_of(object, t.fields);
      CHECK(error == (f.required ? "at." + std::string(f.name) + ": is missing" : ""));
      object[f.name] = nullptr;  // null is absent
      CHECK(error_of(object, t.fields) == error);
    }
  }
}

TEST_CASE("protocol report: a row of the wrong kind or beyond its limits is named") {
  for (const Table& t : kTables) {
    for (const Field& f : t.fields) {
      CAPTURE(f.name);
      const std::string at = "at." + std::string(f.name) + ": ";
      json object = valid_object(t.fields);
      object[f.name] = wrong_value(f);
      CHECK(error_of(object, t.fields).starts_with(at));
      if (f.kind == Kind::kText) {
        object[f.name] = std::string(static_cast<std::size_t>(f.max) + 1, 'x');
        CHECK(error_of(object, t.fields).starts_with(at + "longer than"));
      } else if (f.kind == Kind::kWholeNumber) {
        object[f.name] = f.min - 1;
        CHECK(error_of(object, t.fields).starts_with(at + "expected a whole number between"));
        object[f.name] = f.min + 0.5;
        CHECK(error_of(object, t.fields).starts_with(at + "expected a whole number between"));
      } else if (f.kind == Kind::kNumber) {
        object[f.name] = f.min - 1;
        CHECK(error_of(object, t.fields)
                  .starts_with(at + (f.max == std::numeric_limits<double>::max()
                                         ? "expected a finite non-negative"
                                         : "expected a number between")));
      } else if (f.kind == Kind::kTimestamp) {
        object[f.name] = "2026-02-30T10:00:00Z";
        CHECK(error_of(object, t.fields).starts_with(at + "expected an RFC 3339 timestamp"));
      }
    }
  }
  json many = valid_object(batch::kFields);
  many[batch::kSummaries.name] = json::array();
  for (std::size_t i = 0; i <= kMaxSummariesPerBatch; ++i) many["summaries"].push_back(0);
  CHECK(error_of(many, batch::kFields) == "at.summaries: more than 20000 elements");
}

TEST_CASE("protocol report: metric names are unique, the fleet's are the first eight") {
  std::set<std::string_view> names;
  std::size_t in_fleet = 0;
  for (const UtilisationMetric& m : kUtilisationMetrics) {
    CHECK(names.insert(m.name).second);
    in_fleet += m.in_fleet;
  }
  CHECK(in_fleet == 8);
  CHECK_FALSE(metric::kSwapRatio.in_fleet);
  CHECK_FALSE(metric::kFilesystemUsedRatio.in_fleet);
}

TEST_CASE("protocol inventory: each table names its fields once, and nests only its own") {
  namespace inv = sahab::protocol::inventory;
  for (const Table& t : kTables) {
    CAPTURE(t.name);
    std::set<std::string_view> names;
    for (const Field& f : t.fields) CHECK(names.insert(f.name).second);
  }
  for (const auto& s : inv::sections()) {
    CHECK(inv::section(s.name) == &s);
    for (const auto& nested : s.nested) {
      CAPTURE(nested.holder.name);
      CHECK(std::find_if(s.fields.begin(), s.fields.end(), [&](const Field& f) {
              return f.name == nested.holder.name && f.kind == nested.holder.kind;
            }) != s.fields.end());
    }
  }
  CHECK(inv::section("future") == nullptr);
  for (const auto& r : inv::readings()) CHECK(inv::section(r.section) != nullptr);
}

TEST_CASE("protocol inventory: a section's data, its objects and list elements are checked") {
  namespace inv = sahab::protocol::inventory;
  const auto error = [](std::string_view section, const json& data) -> std::string {
    try {
      inv::check_section(section, data, "data");
    } catch (const ReportError& e) {
      return e.what();
    }
    return "";
  };
  json hardware = {{"cpu", {{"cores", 4}, {"mhz", 2400.5}}},
                   {"filesystems", {{{"used_bytes", 1}}, {{"used_bytes", 2}}}}};
  CHECK(error("hardware", hardware) == "");
  hardware["filesystems"][1]["used_bytes"] = "2";
  CHECK(error("hardware", hardware) ==
        "data.filesystems[1].used_bytes: expected a whole number between 0 and 9.0072e+15");
  hardware["filesystems"] = {{"not", "a list of objects"}};
  CHECK(error("hardware", hardware) == "data.filesystems: expected an array");
  hardware["filesystems"] = {1};
  CHECK(error("hardware", hardware) == "data.filesystems[0]: expected a JSON object");
  CHECK(error("system", {{"os", {{"family", 7}}}}) == "data.os.family: expected a string");
  CHECK(error("network", {{"listening", {{{"port", 65536}}}}}) ==
        "data.listening[0].port: expected a whole number between 0 and 65535");
  // Every section may list its problems, up to the agent's cap; unknown sections pass.
  CHECK(error("future", {{"cores", "four"}}) == "");
  CHECK(error("future", {{"problems", json::array({"a", "b"})}}) == "");
  CHECK(error("future", {{"problems", json(std::vector<int>(21, 0))}}) ==
        "data.problems: more than 20 elements");
  CHECK(error("identity", json::array()) == "data: expected a JSON object");
}
