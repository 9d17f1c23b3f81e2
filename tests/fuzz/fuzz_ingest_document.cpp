// Fuzzes the collector's ingest document (sahab-ingest/1): any bytes through parse_batch. A
// BadDocument is the expected refusal; any other exception, a crash or a sanitizer report is a
// finding. What is accepted must hold what the validation promises.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/ingest/document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    const auto batch = sahab::collector::parse_batch(body);
    if (!sahab::collector::valid_host_id(batch.host_id) || batch.sequence < 0) __builtin_trap();
    if (batch.summaries.size() > sahab::collector::kMaxSummariesPerBatch) __builtin_trap();
    for (const auto& summary : batch.summaries) {
      if (summary.end < summary.start) __builtin_trap();
    }
    for (const auto& section : batch.sections) {
      if (!section.data.is_object()) __builtin_trap();
      (void)section.data.dump();  // stored as text: must be valid UTF-8 (dump throws if not)
    }
  } catch (const sahab::collector::BadDocument&) {
  }
  return 0;
}
