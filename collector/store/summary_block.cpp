#include "collector/store/summary_block.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "common/byte_codec.h"
#include "common/gzip.h"
#include "common/protocol/report.h"

namespace sahab::collector {
namespace {
// The first byte of a block; a later encoding takes another value and old blocks stay readable.
constexpr char kFormatDeflatedColumns = 1;
constexpr std::size_t kMaxMetricName = 128;
// Level 6: a day of blocks compresses within 1 % of level 9's size at half its CPU.
constexpr int kDeflateLevel = 6;

// Bounds the decoder checks before it allocates: a sketch has at most one bucket per index.
constexpr std::uint64_t kMaxSketchBuckets = 8001;

using Entries = std::vector<const SummaryEntry*>;
namespace report = protocol::report;

// A metric of the report's table is written as its position + 1 there (the block format depends
// on that order: the table only grows at its end, summary_block_test pins it); any other name as
// 0 and the name itself.
void encode_name(std::string& out, const std::string& metric) {
  const auto& known = report::kUtilisationMetrics;
  const auto it = std::find_if(known.begin(), known.end(), [&](const report::UtilisationMetric& m) {
    return m.name == metric;
  });
  if (it != known.end()) {
    bytes::append_varint(out, static_cast<std::uint64_t>(it - known.begin()) + 1);
    return;
  }
  bytes::append_varint(out, 0);
  bytes::append_varint(out, metric.size());
  out += metric;
}

std::string decode_name(bytes::Reader& in) {
  const auto& known = report::kUtilisationMetrics;
  const auto number = in.bounded("metric number", known.size());
  if (number > 0) return std::string(known[number - 1].name);
  return std::string(in.take(in.bounded("metric name", kMaxMetricName), "metric name"));
}

// The sketches column by column: zero counts, bucket counts, first indexes as deltas from the
// previous sketch's (a series moves little from one minute to the next), gaps, counts.
void encode_sketches(std::string& out, const Entries& entries) {
  for (const auto* e : entries) bytes::append_varint(out, e->sketch.zeros());
  for (const auto* e : entries) bytes::append_varint(out, e->sketch.buckets().size());
  int previous = 0;
  for (const auto* e : entries) {
    if (e->sketch.buckets().empty()) continue;
    bytes::append_zigzag(out, e->sketch.buckets().begin()->first - previous);
    previous = e->sketch.buckets().begin()->first;
  }
  for (const auto* e : entries) {
    int last = 0;
    for (const auto& [bucket, n] : e->sketch.buckets()) {
      if (bucket != e->sketch.buckets().begin()->first)
        bytes::append_varint(out, static_cast<std::uint64_t>(bucket - last));
      last = bucket;
    }
  }
  for (const auto* e : entries)
    for (const auto& [bucket, n] : e->sketch.buckets()) bytes::append_varint(out, n);
}

// `a + b` for offsets read from a block: a sum past 64 bits is damage, not a time.
std::int64_t offset_by(std::int64_t a, std::int64_t b, const std::string& what) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) throw bytes::Error(what + " out of range");
  return sum;
}

// Reads the columns back and hands each sketch, in its own binary form, to Sketch::from_bytes,
// whose checks (index range, order, counts) are then the only ones.
void decode_sketches(bytes::Reader& in, std::vector<SummaryEntry>& out, std::size_t first) {
  const std::size_t n = out.size() - first;
  std::vector<std::uint64_t> zeros(n), sizes(n);
  for (auto& z : zeros) z = in.varint("sketch zeros");
  std::uint64_t total = 0;
  for (auto& size : sizes) {
    size = in.bounded("sketch buckets", kMaxSketchBuckets);
    total += size;
  }
  // Every bucket takes at least one byte (its count) still to be read.
  if (total > in.remaining()) throw bytes::Error("sketch buckets: more than the bytes left");
  std::vector<std::string> forms(n);
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bytes::append_varint(forms[i], zeros[i]);
    bytes::append_varint(forms[i], sizes[i]);
    if (sizes[i] == 0) continue;
    previous = offset_by(previous, in.zigzag("sketch first bucket"), "a sketch's first bucket");
    bytes::append_zigzag(forms[i], previous);
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::uint64_t b = 1; b < sizes[i]; ++b)
      bytes::append_varint(forms[i], in.varint("sketch bucket gap"));
  for (std::size_t i = 0; i < n; ++i)
    for (std::uint64_t b = 0; b < sizes[i]; ++b)
      bytes::append_varint(forms[i], in.varint("sketch count"));
  for (std::size_t i = 0; i < n; ++i) {
    bytes::Reader form(forms[i]);
    out[first + i].sketch = Sketch::from_bytes(form);
  }
}

// One metric's entries, column by column.
void encode_metric(std::string& out, const std::string& metric, const Entries& entries) {
  encode_name(out, metric);
  bytes::append_varint(out, entries.size());
  std::int64_t previous = 0;
  for (const auto* e : entries) {
    bytes::append_zigzag(out, e->start - previous);
    previous = e->start;
  }
  for (const auto* e : entries) bytes::append_zigzag(out, e->end - e->start);
  for (const auto* e : entries) bytes::append_zigzag(out, e->summaries);
  for (const auto* e : entries) bytes::append_zigzag(out, e->count);
  std::vector<std::uint32_t> means, maxima;
  for (const auto* e : entries) {
    means.push_back(bytes::float24(e->mean));
    maxima.push_back(bytes::float24(e->max, true));
  }
  bytes::append_planes(out, means);
  bytes::append_planes(out, maxima);
  encode_sketches(out, entries);
}

void decode_metric(bytes::Reader& in, std::vector<SummaryEntry>& out) {
  const std::string name = decode_name(in);
  // Every entry takes at least 12 bytes (four varints, two float24, two varints of its sketch),
  // so the count is bounded by what is left before anything is allocated.
  const auto n = static_cast<std::size_t>(in.bounded("entry count", in.remaining() / 12));
  const std::size_t first = out.size();
  out.resize(first + n);
  std::int64_t start = 0;
  for (std::size_t i = first; i < out.size(); ++i) {
    out[i].metric = name;
    const std::int64_t delta = in.zigzag("start");
    // One entry per start, in order, as encode_block writes them: anything else is damage.
    if (i > first && delta <= 0) throw bytes::Error("starts of " + name + " not increasing");
    start = offset_by(start, delta, "a start of " + name);
    out[i].start = start;
  }
  for (std::size_t i = first; i < out.size(); ++i)
    out[i].end = offset_by(out[i].start, in.zigzag("end"), "an end of " + name);
  for (std::size_t i = first; i < out.size(); ++i) out[i].summaries = in.zigzag("summaries");
  for (std::size_t i = first; i < out.size(); ++i) out[i].count = in.zigzag("count");
  const auto means = in.planes(n, "means");
  const auto maxima = in.planes(n, "maxima");
  for (std::size_t i = 0; i < n; ++i) {
    out[first + i].mean = bytes::from_float24(means[i]);
    out[first + i].max = bytes::from_float24(maxima[i]);
    if (!std::isfinite(out[first + i].mean) || !std::isfinite(out[first + i].max))
      throw bytes::Error("a mean or maximum of " + name + " is not a finite number");
  }
  decode_sketches(in, out, first);
}

}  // namespace

std::string encode_block(const std::vector<SummaryEntry>& entries) {
  std::map<std::string, Entries> by_metric;
  for (const auto& e : entries) by_metric[e.metric].push_back(&e);
  std::string plain;
  bytes::append_varint(plain, by_metric.size());
  for (auto& [metric, list] : by_metric) {
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->start < b->start; });
    encode_metric(plain, metric, list);
  }
  return kFormatDeflatedColumns + gzip::compress(plain, kDeflateLevel, gzip::Framing::kRaw);
}

std::vector<SummaryEntry> decode_block(std::string_view block) {
  if (block.empty() || block.front() != kFormatDeflatedColumns) {
    throw BlockError("summary block: unknown format" +
                     (block.empty() ? std::string(" (empty)")
                                    : " " + std::to_string(static_cast<int>(block.front()))));
  }
  std::optional<std::string> plain;
  try {
    plain = gzip::decompress(block.substr(1), kMaxBlockBytes, gzip::Framing::kRaw);
  } catch (const gzip::Error& e) {
    throw BlockError(std::string("summary block: ") + e.what());
  }
  if (!plain) {
    throw BlockError("summary block: more than " + std::to_string(kMaxBlockBytes) +
                     " bytes once inflated");
  }
  std::vector<SummaryEntry> out;
  try {
    bytes::Reader in(*plain);
    const auto metrics = in.bounded("metric count", kMaxBlockMetrics);
    for (std::uint64_t i = 0; i < metrics; ++i) {
      const std::size_t first = out.size();
      decode_metric(in, out);
      // Metrics come once each, by name, as encode_block writes them.
      if (first > 0 && out.size() > first && !(out[first - 1].metric < out[first].metric))
        throw bytes::Error("metric " + out[first].metric + " out of order or repeated");
    }
    if (!in.at_end()) throw bytes::Error("unexpected bytes after the last metric");
  } catch (const bytes::Error& e) {
    throw BlockError(std::string("summary block: ") + e.what());
  }
  return out;
}

}  // namespace sahab::collector
