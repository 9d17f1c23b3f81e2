#pragma once
// The agent's report (sahab-ingest/1, docs/agent-report-format.md): what `sahab-agent` sends and
// `sahab-collector` stores. This file owns it: one table of fields per object of the document
// (name, kind, unit, limits, required), the utilisation metrics, and the limits that keep one
// report's cost bounded. The agent writes the names from here; the collector checks each object
// against its table (check_fields), so the errors are made from the table too.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/bounded_json.h"

namespace sahab::protocol::report {

inline constexpr std::string_view kFormat = "sahab-ingest/1";
inline constexpr std::string_view kInventoryFormat = "sahab-inventory/1";

// A report that breaks its tables: the message names the field ("summaries[3].metrics.cpu_ratio.
// max: expected a number") so the agent's log says what to fix.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Kind { kText, kWholeNumber, kNumber, kTimestamp, kBoolean, kObject, kArray };

struct Field {
  std::string_view name;
  Kind kind;
  std::string_view unit;  // for numbers: "bytes", "0..1", ...; "" otherwise
  double min = 0;         // numbers: the smallest value
  double max = 0;         // numbers: the largest value; text: most bytes; arrays: most elements
  bool required = false;
};

inline constexpr double kLargestCount = 9007199254740992.0;  // 2^53: exact in a double

// ---- The document ------------------------------------------------------------------------------
// Limits that keep one document's cost bounded (docs/security.md lists them). A full inventory
// of a busy server is about 10,000 values and 100 KB.
inline constexpr std::size_t kMaxSummariesPerBatch = 20'000;
inline constexpr std::size_t kMaxRecordsPerList = 50'000;  // packages, services, connections
// The identity section's labels and names (docs/inventory.md).
inline constexpr std::size_t kMaxLabels = 64;
inline constexpr std::size_t kMaxLabelValueBytes = 1024;
inline constexpr std::size_t kMaxHostnameBytes = 253;  // a DNS name
inline constexpr bounded_json::Limits kLimits{
    .max_depth = 32, .max_values = 1'000'000, .max_string_bytes = 64 << 10};

namespace batch {
inline constexpr Field kFormat{"format", Kind::kText, "", 0, 32, true};
inline constexpr Field kHostId{"host_id", Kind::kText, "", 0, 128, true};
inline constexpr Field kSequence{"sequence", Kind::kWholeNumber, "", 1, kLargestCount, true};
inline constexpr Field kSentAt{"sent_at", Kind::kTimestamp, "", 0, 64, false};
inline constexpr Field kAgentVersion{"agent_version", Kind::kText, "", 0, 64, false};
inline constexpr Field kInventory{"inventory", Kind::kObject, "", 0, 0, false};
inline constexpr Field kSummaries{"summaries", Kind::kArray, "", 0, kMaxSummariesPerBatch, false};
inline constexpr Field kSpool{"spool", Kind::kObject, "", 0, 0, false};  // namespace spool below
inline constexpr std::array kFields{kFormat,       kHostId,    kSequence,  kSentAt,
                                    kAgentVersion, kInventory, kSummaries, kSpool};
}  // namespace batch

// The agent's spool when it wrote the batch: what still waited for the collector besides it.
namespace spool {
inline constexpr Field kBatches{"batches", Kind::kWholeNumber, "batches", 0, kLargestCount, true};
inline constexpr Field kBytes{"bytes", Kind::kWholeNumber, "bytes", 0, kLargestCount, true};
inline constexpr Field kOldest{"oldest", Kind::kTimestamp, "", 0, 64, false};  // none when empty
inline constexpr Field kDropped{"dropped", Kind::kWholeNumber, "batches", 0, kLargestCount, false};
inline constexpr std::array kFields{kBatches, kBytes, kOldest, kDropped};
}  // namespace spool

// One summary per report interval: the samples of the interval, per metric.
namespace summary {
inline constexpr Field kSequence{"sequence", Kind::kWholeNumber, "", 1, kLargestCount, false};
inline constexpr Field kStart{"start", Kind::kTimestamp, "", 0, 64, true};
inline constexpr Field kEnd{"end", Kind::kTimestamp, "", 0, 64, true};
inline constexpr Field kSamples{"samples", Kind::kWholeNumber, "samples", 0, kLargestCount, false};
inline constexpr Field kMetrics{"metrics", Kind::kObject, "", 0, 0, true};
inline constexpr std::array kFields{kSequence, kStart, kEnd, kSamples, kMetrics};
}  // namespace summary

// One metric of a summary: {} when the agent could not measure it.
namespace metric_summary {
inline constexpr Field kCount{"count", Kind::kWholeNumber, "samples", 0, kLargestCount, true};
inline constexpr Field kMean{"mean", Kind::kNumber, "", 0, std::numeric_limits<double>::max(),
                             true};
inline constexpr Field kMax{"max", Kind::kNumber, "", 0, std::numeric_limits<double>::max(), true};
inline constexpr Field kSketch{"sketch", Kind::kObject, "", 0, 0, true};  // common/sketch.h
inline constexpr std::array kFields{kCount, kMean, kMax, kSketch};
}  // namespace metric_summary

namespace inventory {
inline constexpr Field kFormat{"format", Kind::kText, "", 0, 32, true};
inline constexpr Field kCollectedAt{"collected_at", Kind::kTimestamp, "", 0, 64, false};
inline constexpr Field kFull{"full", Kind::kBoolean, "", 0, 0, false};
inline constexpr Field kSections{"sections", Kind::kObject, "", 0, 0, true};
inline constexpr std::array kFields{kFormat, kCollectedAt, kFull, kSections};
}  // namespace inventory

// Each inventory section: {"hash": sha256 hex of its data's canonical JSON, "data": {...}}.
namespace section {
inline constexpr Field kHash{"hash", Kind::kText, "", 0, 128, true};
inline constexpr Field kData{"data", Kind::kObject, "", 0, 0, true};
inline constexpr std::array kFields{kHash, kData};
}  // namespace section

// ---- Utilisation metrics ---------------------------------------------------------------------
// What the agent samples and summarises. The fleet document (common/protocol/fleet.h) carries
// percentiles of those marked in_fleet: the planner sizes on them.
struct UtilisationMetric {
  std::string_view name;
  std::string_view unit;
  double max;  // the largest meaningful value
  bool in_fleet;
};
namespace metric {
inline constexpr double kAny = std::numeric_limits<double>::max();
inline constexpr UtilisationMetric kCpuRatio{"cpu_ratio", "0..1", 1, true};
inline constexpr UtilisationMetric kMemoryRatio{"memory_ratio", "0..1", 1, true};
inline constexpr UtilisationMetric kSwapRatio{"swap_ratio", "0..1", 1, false};
inline constexpr UtilisationMetric kDiskReadIops{"disk_read_iops", "operations/s", kAny, true};
inline constexpr UtilisationMetric kDiskWriteIops{"disk_write_iops", "operations/s", kAny, true};
inline constexpr UtilisationMetric kDiskReadBytes{"disk_read_bytes_per_second", "bytes/s", kAny,
                                                  true};
inline constexpr UtilisationMetric kDiskWriteBytes{"disk_write_bytes_per_second", "bytes/s", kAny,
                                                   true};
inline constexpr UtilisationMetric kNetworkReceiveBytes{"network_receive_bytes_per_second",
                                                        "bytes/s", kAny, true};
inline constexpr UtilisationMetric kNetworkTransmitBytes{"network_transmit_bytes_per_second",
                                                         "bytes/s", kAny, true};
inline constexpr UtilisationMetric kFilesystemUsedRatio{"filesystem_used_ratio", "0..1", 1, false};
}  // namespace metric
inline constexpr std::array kUtilisationMetrics{
    metric::kCpuRatio,           metric::kMemoryRatio,         metric::kSwapRatio,
    metric::kDiskReadIops,       metric::kDiskWriteIops,       metric::kDiskReadBytes,
    metric::kDiskWriteBytes,     metric::kNetworkReceiveBytes, metric::kNetworkTransmitBytes,
    metric::kFilesystemUsedRatio};

// ---- Checking ----------------------------------------------------------------------------------

// Checks `object` against `fields`: required fields present, each present field of its kind and
// within its limits. Unknown fields are left alone (newer agents may add some). Throws
// ReportError naming `where`.field. Callers then read the values they need by the same names.
void check_fields(const nlohmann::json& object, std::span<const Field> fields,
                  const std::string& where);

// The dotted name of `field` under `where` ("summaries[0].start", or "start" at the root).
std::string field_path(const std::string& where, std::string_view field);

}  // namespace sahab::protocol::report
