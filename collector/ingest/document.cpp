#include "collector/ingest/document.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/protocol/inventory.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;
namespace report = protocol::report;

[[noreturn]] void bad(const std::string& where, const std::string& why) {
  throw BadDocument(where + ": " + why);
}

// The value of a field check_fields has passed; null when an optional field is absent.
const json& value_of(const json& object, const report::Field& field) {
  static const json absent;
  const auto it = object.find(field.name);
  return it == object.end() ? absent : *it;
}

std::int64_t time_of(const json& object, const report::Field& field) {
  return *parse_rfc3339(value_of(object, field).get_ref<const std::string&>());
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
  namespace f = report::metric_summary;
  if (!valid_metric_name(name)) bad(where, "metric names are lower-case letters, digits and '_'");
  report::check_fields(m, f::kFields, where);
  MetricSummary out;
  out.metric = name;
  out.count = value_of(m, f::kCount).get<std::int64_t>();
  out.mean = value_of(m, f::kMean).get<double>();
  out.max = value_of(m, f::kMax).get<double>();
  const std::string sketch_at = report::field_path(where, f::kSketch.name);
  try {
    out.sketch = Sketch::from_json(value_of(m, f::kSketch));
  } catch (const std::invalid_argument& e) {
    bad(sketch_at, e.what());
  }
  if (out.sketch.count() != static_cast<std::uint64_t>(out.count)) {
    bad(sketch_at, "holds " + std::to_string(out.sketch.count()) + " values but count is " +
                       std::to_string(out.count));
  }
  if (out.mean > out.max * (1 + 1e-9) + 1e-12)
    bad(report::field_path(where, f::kMean.name), "is larger than max");
  return out;
}

Summary parse_summary(const json& s, const std::string& where) {
  namespace f = report::summary;
  report::check_fields(s, f::kFields, where);
  Summary out;
  out.start = time_of(s, f::kStart);
  out.end = time_of(s, f::kEnd);
  if (out.end < out.start) bad(report::field_path(where, f::kEnd.name), "is before start");
  const std::string metrics_at = report::field_path(where, f::kMetrics.name);
  for (const auto& [name, m] : value_of(s, f::kMetrics).items()) {
    if (m.is_object() && m.empty()) continue;  // a metric the agent could not measure
    out.metrics.push_back(parse_metric(name, m, metrics_at + "." + name));
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

// Beyond its table, the identity section names the host: no control characters in its names,
// and labels as the report's labels.
void check_identity(const json& identity, const std::string& where) {
  namespace f = protocol::inventory::identity;
  for (const auto& field : {f::kHostname, f::kFqdn}) {
    const auto it = identity.find(field.name);
    if (it == identity.end() || it->is_null()) continue;
    if (!valid_hostname(it->get_ref<const std::string&>())) {
      bad(report::field_path(where, field.name), "expected a host name of at most " +
                                                     std::to_string(kMaxHostnameBytes) +
                                                     " bytes, no control characters");
    }
  }
  if (const auto labels = identity.find(f::kLabels.name); labels != identity.end())
    parse_labels(*labels, report::field_path(where, f::kLabels.name));
}

void parse_inventory(const json& inventory, Batch& batch) {
  namespace f = report::inventory;
  const std::string where = std::string(report::batch::kInventory.name);
  report::check_fields(inventory, f::kFields, where);
  if (value_of(inventory, f::kFormat) != report::kInventoryFormat)
    bad(report::field_path(where, f::kFormat.name),
        "expected '" + std::string(report::kInventoryFormat) + "'");
  if (const json& full = value_of(inventory, f::kFull); full.is_boolean())
    batch.full_inventory = full.get<bool>();
  const std::string sections_at = report::field_path(where, f::kSections.name);
  for (const auto& [name, section] : value_of(inventory, f::kSections).items()) {
    const std::string at = sections_at + "." + name;
    if (!valid_metric_name(name)) bad(at, "section names are lower-case letters and '_'");
    report::check_fields(section, report::section::kFields, at);
    InventorySection out{name, value_of(section, report::section::kHash).get<std::string>(),
                         value_of(section, report::section::kData)};
    const std::string data_at = report::field_path(at, report::section::kData.name);
    check_record_counts(out.data, data_at);
    protocol::inventory::check_section(name, out.data, data_at);
    if (name == protocol::inventory::identity::kSection) check_identity(out.data, data_at);
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
      continue;
    }
    if (!value.is_string()) bad(where + "." + name, "expected a string");
    if (value.get_ref<const std::string&>().size() > kMaxLabelValueBytes)
      bad(where + "." + name, "longer than " + std::to_string(kMaxLabelValueBytes) + " bytes");
    out[name] = value.get<std::string>();
  }
  return out;
}

namespace {

SpoolState parse_spool(const json& spool) {
  namespace f = report::spool;
  report::check_fields(spool, f::kFields, std::string(report::batch::kSpool.name));
  SpoolState state{value_of(spool, f::kBatches).get<std::int64_t>(),
                   value_of(spool, f::kBytes).get<std::int64_t>(), std::nullopt, 0};
  if (!value_of(spool, f::kOldest).is_null()) state.oldest = time_of(spool, f::kOldest);
  if (const json& dropped = value_of(spool, f::kDropped); !dropped.is_null())
    state.dropped = dropped.get<std::int64_t>();
  return state;
}

}  // namespace

Batch parse_batch(std::string_view body) {
  namespace f = report::batch;
  json document;
  try {
    document = bounded_json::parse(body, report::kLimits);
  } catch (const bounded_json::Error& e) {
    throw BadDocument(std::string("document: ") + e.what());
  }
  report::check_fields(document, f::kFields, "");
  Batch batch;
  const auto& format = value_of(document, f::kFormat).get_ref<const std::string&>();
  if (format != report::kFormat) {
    bad(std::string(f::kFormat.name),
        "expected '" + std::string(report::kFormat) + "', got '" + format + "'");
  }
  batch.host_id = value_of(document, f::kHostId).get<std::string>();
  if (!valid_host_id(batch.host_id))
    bad(std::string(f::kHostId.name), "expected letters, digits, '.', '_', '-' or ':'");
  batch.sequence = value_of(document, f::kSequence).get<std::int64_t>();
  if (const json& version = value_of(document, f::kAgentVersion); version.is_string())
    batch.agent_version = version.get<std::string>();
  if (const json& inventory = value_of(document, f::kInventory); !inventory.is_null())
    parse_inventory(inventory, batch);
  if (const json& spool = value_of(document, f::kSpool); !spool.is_null())
    batch.spool = parse_spool(spool);
  const json& summaries = value_of(document, f::kSummaries);
  for (std::size_t i = 0; summaries.is_array() && i < summaries.size(); ++i) {
    batch.summaries.push_back(parse_summary(
        summaries[i], std::string(f::kSummaries.name) + "[" + std::to_string(i) + "]"));
  }
  return batch;
}

}  // namespace sahab::collector
