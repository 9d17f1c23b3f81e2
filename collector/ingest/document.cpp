#include "collector/ingest/document.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "collector/ingest/rfc3339.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& why) {
  throw BadDocument(where + ": " + why);
}

const json& require(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) bad(where.empty() ? key : where + "." + key, "is missing");
  return *it;
}

std::string string_at(const json& value, const std::string& where, size_t max_bytes = 256) {
  if (!value.is_string()) bad(where, "expected a string");
  const auto& s = value.get_ref<const std::string&>();
  if (s.size() > max_bytes) bad(where, "longer than " + std::to_string(max_bytes) + " bytes");
  return s;
}

double number_at(const json& value, const std::string& where) {
  if (!value.is_number()) bad(where, "expected a number");
  const double d = value.get<double>();
  if (!std::isfinite(d) || d < 0) bad(where, "expected a finite non-negative number");
  return d;
}

std::int64_t count_at(const json& value, const std::string& where) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
    bad(where, "expected a non-negative integer");
  }
  return value.get<std::int64_t>();
}

std::int64_t time_at(const json& value, const std::string& where) {
  const auto t = parse_rfc3339(string_at(value, where, 64));
  if (!t) bad(where, "expected an RFC 3339 timestamp such as 2026-11-22T10:00:00Z");
  return *t;
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

MetricSummary parse_metric(const std::string& name, const json& m, const std::string& where) {
  if (!valid_metric_name(name)) bad(where, "metric names are lower-case letters, digits and '_'");
  if (!m.is_object()) bad(where, "expected an object");
  MetricSummary out;
  out.metric = name;
  out.count = count_at(require(m, "count", where), where + ".count");
  out.mean = number_at(require(m, "mean", where), where + ".mean");
  out.max = number_at(require(m, "max", where), where + ".max");
  try {
    out.sketch = Sketch::from_json(require(m, "sketch", where));
  } catch (const std::invalid_argument& e) {
    bad(where + ".sketch", e.what());
  }
  if (out.sketch.count() != static_cast<std::uint64_t>(out.count)) {
    bad(where + ".sketch", "holds " + std::to_string(out.sketch.count()) + " values but count is " +
                               std::to_string(out.count));
  }
  if (out.mean > out.max * (1 + 1e-9) + 1e-12) bad(where + ".mean", "is larger than max");
  return out;
}

Summary parse_summary(const json& s, const std::string& where) {
  if (!s.is_object()) bad(where, "expected an object");
  Summary out;
  out.start = time_at(require(s, "start", where), where + ".start");
  out.end = time_at(require(s, "end", where), where + ".end");
  if (out.end < out.start) bad(where + ".end", "is before start");
  const json& metrics = require(s, "metrics", where);
  if (!metrics.is_object()) bad(where + ".metrics", "expected an object");
  for (const auto& [name, m] : metrics.items()) {
    if (m.is_object() && m.empty()) continue;  // a metric the agent could not measure
    out.metrics.push_back(parse_metric(name, m, where + ".metrics." + name));
  }
  return out;
}

// Lists of records (packages, services, connections, processes) are capped one by one.
void check_record_counts(const json& data, const std::string& where) {
  for (const auto& [key, value] : data.items()) {
    if (value.is_array() && value.size() > kMaxRecordsPerList) {
      bad(where + "." + key, "more than " + std::to_string(kMaxRecordsPerList) + " records");
    }
  }
}

void check_identity(const json& identity, const std::string& where) {
  for (const char* key : {"hostname", "fqdn"}) {
    const auto it = identity.find(key);
    if (it == identity.end() || it->is_null()) continue;
    if (!it->is_string() || !valid_hostname(it->get_ref<const std::string&>())) {
      bad(where + "." + key, "expected a host name of at most " +
                                 std::to_string(kMaxHostnameBytes) +
                                 " bytes, no control characters");
    }
  }
  if (const auto labels = identity.find("labels"); labels != identity.end()) {
    parse_labels(*labels, where + ".labels");
  }
}

void parse_inventory(const json& inventory, Batch& batch) {
  if (!inventory.is_object()) bad("inventory", "expected an object");
  const auto format = string_at(require(inventory, "format", "inventory"), "inventory.format");
  if (format != "sahab-inventory/1") bad("inventory.format", "expected 'sahab-inventory/1'");
  if (const auto full = inventory.find("full"); full != inventory.end()) {
    if (!full->is_boolean()) bad("inventory.full", "expected true or false");
    batch.full_inventory = full->get<bool>();
  }
  const json& sections = require(inventory, "sections", "inventory");
  if (!sections.is_object()) bad("inventory.sections", "expected an object");
  for (const auto& [name, section] : sections.items()) {
    const std::string where = "inventory.sections." + name;
    if (!valid_metric_name(name)) bad(where, "section names are lower-case letters and '_'");
    if (!section.is_object()) bad(where, "expected an object");
    InventorySection out{name, string_at(require(section, "hash", where), where + ".hash", 128),
                         require(section, "data", where)};
    if (!out.data.is_object()) bad(where + ".data", "expected an object");
    check_record_counts(out.data, where + ".data");
    if (name == "identity") check_identity(out.data, where + ".data");
    batch.sections.push_back(std::move(out));
  }
}

}  // namespace

bool valid_host_id(std::string_view id) {
  if (id.empty() || id.size() > 128 || id.front() == '.') return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' &&
        c != ':') {
      return false;
    }
  }
  return true;
}

bool valid_hostname(std::string_view hostname) {
  if (hostname.size() > kMaxHostnameBytes) return false;
  return std::all_of(hostname.begin(), hostname.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u != 0x7f;  // UTF-8 beyond ASCII is allowed: the parser checked it
  });
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || std::isdigit(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
  }
  return true;
}

std::map<std::string, std::string> parse_labels(const json& labels, const std::string& where) {
  if (!labels.is_object()) bad(where, "expected an object of strings");
  if (labels.size() > kMaxLabels) bad(where, "more than " + std::to_string(kMaxLabels) + " labels");
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : labels.items()) {
    if (!valid_label_name(name))
      bad(where, "label name '" + name.substr(0, 64) + "' is not letters, digits, '_' or '.'");
    if (value.is_number()) {
      out[name] = value.dump();
    } else {
      out[name] = string_at(value, where + "." + name, kMaxLabelValueBytes);
    }
  }
  return out;
}

Batch parse_batch(std::string_view body) {
  json document;
  try {
    document = bounded_json::parse(body, kIngestLimits);
  } catch (const bounded_json::Error& e) {
    throw BadDocument(std::string("document: ") + e.what());
  }
  if (!document.is_object()) bad("document", "expected a JSON object");
  Batch batch;
  const auto format = string_at(require(document, "format", ""), "format");
  if (format != "sahab-ingest/1") bad("format", "expected 'sahab-ingest/1', got '" + format + "'");
  batch.host_id = string_at(require(document, "host_id", ""), "host_id");
  if (!valid_host_id(batch.host_id))
    bad("host_id", "expected letters, digits, '.', '_', '-' or ':'");
  batch.sequence = count_at(require(document, "sequence", ""), "sequence");
  if (batch.sequence < 1) bad("sequence", "must start at 1");
  if (const auto v = document.find("agent_version"); v != document.end()) {
    batch.agent_version = string_at(*v, "agent_version", 64);
  }
  if (const auto inventory = document.find("inventory");
      inventory != document.end() && !inventory->is_null()) {
    parse_inventory(*inventory, batch);
  }
  if (const auto summaries = document.find("summaries");
      summaries != document.end() && !summaries->is_null()) {
    if (!summaries->is_array()) bad("summaries", "expected an array");
    if (summaries->size() > kMaxSummariesPerBatch) {
      bad("summaries", "more than " + std::to_string(kMaxSummariesPerBatch) + " in one batch");
    }
    for (size_t i = 0; i < summaries->size(); ++i) {
      batch.summaries.push_back(
          parse_summary((*summaries)[i], "summaries[" + std::to_string(i) + "]"));
    }
  }
  return batch;
}

}  // namespace sahab::collector
