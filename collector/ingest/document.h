#pragma once
// The ingest document (sahab-ingest/1, docs/agent-report-format.md), validated as a whole before
// anything is stored: a document that fails validation is rejected with a message naming the
// first problem found ("summaries[3].metrics.cpu_ratio.max: expected a number").
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/protocol/report.h"
#include "common/sketch.h"

namespace sahab::collector {

// A report that breaks its field tables (common/protocol/report.h), or the checks of its
// identity section below; the message names the field.
using BadDocument = protocol::report::ReportError;

struct MetricSummary {
  std::string metric;
  std::int64_t count = 0;
  double mean = 0;
  double max = 0;
  Sketch sketch;
};

struct Summary {
  std::int64_t start = 0;  // unix seconds
  std::int64_t end = 0;
  std::vector<MetricSummary> metrics;
};

struct InventorySection {
  std::string name;
  std::string hash;
  nlohmann::json data;  // an object
};

// The agent's spool when it wrote the batch (protocol::report::spool).
struct SpoolState {
  std::int64_t batches = 0;  // waiting besides this batch
  std::int64_t bytes = 0;
  std::optional<std::int64_t> oldest;  // unix seconds; none when nothing waits
  std::int64_t dropped = 0;            // dropped past the spool's bounds since the agent started
};

struct Batch {
  std::string host_id;
  std::int64_t sequence = 0;
  std::string agent_version;
  std::optional<SpoolState> spool;  // absent from agents that predate the field
  bool full_inventory = false;
  std::vector<InventorySection> sections;
  std::vector<Summary> summaries;
};

using protocol::report::kMaxHostnameBytes;
using protocol::report::kMaxLabels;
using protocol::report::kMaxLabelValueBytes;
using protocol::report::kMaxRecordsPerList;
using protocol::report::kMaxSummariesPerBatch;

// Parses and checks a whole report; throws BadDocument naming the first problem.
Batch parse_batch(std::string_view body);

// Host ids are opaque but safe everywhere (paths, labels, logs): [A-Za-z0-9._:-]{1,128}, not
// starting with '.'.
bool valid_host_id(std::string_view id);
// A hostname: at most 253 bytes (a DNS name), no control characters. Quotes, spaces and the
// like are kept as data: names come from many systems and are escaped wherever they are used.
bool valid_hostname(std::string_view hostname);
// Label names: letters, digits, '_' and '.', not starting with a digit; at most 64 bytes.
bool valid_label_name(std::string_view name);
// Reads a labels object (strings or numbers) into a map; throws BadDocument naming `where`.
std::map<std::string, std::string> parse_labels(const nlohmann::json& labels,
                                                const std::string& where);

}  // namespace sahab::collector
