// Checks the objects of sahab-ingest/1 against their field tables (common/protocol/report.h).
#include "common/protocol/report.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/timestamp.h"

namespace sahab::protocol::report {
namespace {
using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& why) {
  throw ReportError(where + ": " + why);
}

std::string number_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

void check_text(const json& value, const Field& f, const std::string& where) {
  if (!value.is_string()) bad(where, "expected a string");
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() > f.max) bad(where, "longer than " + number_text(f.max) + " bytes");
}

void check_whole_number(const json& value, const Field& f, const std::string& where) {
  const bool whole =
      value.is_number_integer() || (value.is_number_float() && std::isfinite(value.get<double>()) &&
                                    value.get<double>() == std::floor(value.get<double>()));
  if (!whole || value.get<double>() < f.min || value.get<double>() > f.max) {
    bad(where,
        "expected a whole number between " + number_text(f.min) + " and " + number_text(f.max));
  }
}

void check_number(const json& value, const Field& f, const std::string& where) {
  if (!value.is_number()) bad(where, "expected a number");
  const double d = value.get<double>();
  if (!std::isfinite(d) || d < f.min || d > f.max) {
    bad(where,
        f.min == 0 && f.max == std::numeric_limits<double>::max()
            ? "expected a finite non-negative number"
            : "expected a number between " + number_text(f.min) + " and " + number_text(f.max));
  }
}

void check_value(const json& value, const Field& f, const std::string& where) {
  switch (f.kind) {
    case Kind::kText:
      return check_text(value, f, where);
    case Kind::kWholeNumber:
      return check_whole_number(value, f, where);
    case Kind::kNumber:
      return check_number(value, f, where);
    case Kind::kTimestamp:
      if (!value.is_string() || value.get_ref<const std::string&>().size() > f.max ||
          !parse_rfc3339(value.get_ref<const std::string&>())) {
        bad(where, "expected an RFC 3339 timestamp such as 2026-11-22T10:00:00Z");
      }
      return;
    case Kind::kBoolean:
      if (!value.is_boolean()) bad(where, "expected true or false");
      return;
    case Kind::kObject:
      if (!value.is_object()) bad(where, "expected an object");
      return;
    case Kind::kArray:
      if (!value.is_array()) bad(where, "expected an array");
      if (value.size() > f.max) bad(where, "more than " + number_text(f.max) + " elements");
      return;
  }
}

}  // namespace

std::string field_path(const std::string& where, std::string_view field) {
  return where.empty() ? std::string(field) : where + "." + std::string(field);
}

void check_fields(const json& object, std::span<const Field> fields, const std::string& where) {
  if (!object.is_object()) bad(where.empty() ? "document" : where, "expected a JSON object");
  for (const Field& f : fields) {
    const auto it = object.find(f.name);
    if (it == object.end() || it->is_null()) {
      if (f.required) bad(field_path(where, f.name), "is missing");
      continue;
    }
    check_value(*it, f, field_path(where, f.name));
  }
}

}  // namespace sahab::protocol::report
