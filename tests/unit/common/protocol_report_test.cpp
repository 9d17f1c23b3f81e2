// The sahab-ingest/1 field tables: check_fields makes every error from the table, so walking
// each table row by row shows a row the checks would not follow.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>

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
  const char* name;
  std::span<const Field> fields;
};
const Table kTables[] = {
    {"batch", batch::kFields},         {"spool", spool::kFields},
    {"summary", summary::kFields},     {"metric summary", metric_summary::kFields},
    {"inventory", inventory::kFields}, {"section", section::kFields}};

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
        CHECK(error_of(object, t.fields).starts_with(at + "expected a finite non-negative"));
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
