#include "collector/store/summary_block.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/byte_codec.h"
#include "common/gzip.h"
#include "common/protocol/report.h"

namespace sahab::collector {
namespace {
// The first byte of a block; a later encoding takes another value and old blocks stay readable.
// Format 1 (schemas 5-13): per metric, its columns, means and maxima as float24, its sketches.
// Format 2 (issue 17): every metric's entry columns, then every sketch, then each mean and
// maximum as one byte placing it within the range its sketch already gives ("Format 2's means
// and maxima" below). Format 3: format 2 not deflated.
constexpr char kFormatDeflatedColumns = 1;
constexpr char kFormatSketchRelative = 2;
constexpr char kFormatSketchRelativePlain = 3;
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

// The columns every format writes alike for one metric: its name and its entries' starts (as
// deltas), durations, merged summaries and sample counts.
void encode_entry_columns(std::string& out, const std::string& metric, const Entries& entries) {
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
}

// Appends one metric's entries, as encode_entry_columns wrote them, to `out`. Every entry takes
// at least `min_entry_bytes` of what is left (its columns here and its share of the sketches,
// means and maxima further on), so the count is bounded by the bytes before anything is
// allocated.
void decode_entry_columns(bytes::Reader& in, std::vector<SummaryEntry>& out,
                          std::size_t min_entry_bytes) {
  const std::string name = decode_name(in);
  const auto n =
      static_cast<std::size_t>(in.bounded("entry count", in.remaining() / min_entry_bytes));
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
  // Metrics come once each, by name, as encode_block writes them.
  if (first > 0 && n > 0 && !(out[first - 1].metric < out[first].metric))
    throw bytes::Error("metric " + name + " out of order or repeated");
}

void check_finite(const SummaryEntry& e) {
  if (!std::isfinite(e.mean) || !std::isfinite(e.max))
    throw bytes::Error("a mean or maximum of " + e.metric + " is not a finite number");
}

// Format 1: a metric's columns, its means and maxima as float24 planes, then its sketches.
void decode_float24_metric(bytes::Reader& in, std::vector<SummaryEntry>& out) {
  const std::size_t first = out.size();
  // Four varints, two float24, two varints of its sketch.
  decode_entry_columns(in, out, 12);
  const std::size_t n = out.size() - first;
  const auto means = in.planes(n, "means");
  const auto maxima = in.planes(n, "maxima");
  for (std::size_t i = 0; i < n; ++i) {
    out[first + i].mean = bytes::from_float24(means[i]);
    out[first + i].max = bytes::from_float24(maxima[i]);
    check_finite(out[first + i]);
  }
  decode_sketches(in, out, first);
}

// Format 2's means and maxima. Each sample a sketch counts in bucket b lies in
// (upper_bound_of(b) / kGamma, upper_bound_of(b)], so an entry's maximum, a sample of its highest
// bucket, and its mean, an average of its samples, both lie in (high / kGamma, high] for a
// `high` its sketch gives. A byte places the value within that range, in kValueSteps steps of
// high * (1 - 1/kGamma) / kValueSteps: within (kGamma - 1) / kValueSteps = 7.9e-5 of the value
// (half that rounded to the nearest). A value its sketch does not place (samples at or below
// zero, a sketch that does not match them, an agent's inconsistent report) is written as a
// float24 instead, which is finer still.
constexpr unsigned kValueSteps = 254;
constexpr unsigned char kEscaped = 255;

struct ValueRange {
  double low = 0;
  double high = 0;  // {0, 0} for a sketch without buckets: only a value of 0 is placed there

  double at(unsigned code) const { return low + (high - low) * code / kValueSteps; }
  // Where `value` falls, in steps from `low`; NaN or out of [0, kValueSteps] when outside.
  double steps_to(double value) const {
    return high > low ? (value - low) / (high - low) * kValueSteps
                      : (value == low ? 0 : std::numeric_limits<double>::quiet_NaN());
  }
};

ValueRange range_below(double high) { return {high / Sketch::kGamma, high}; }

ValueRange max_range(const Sketch& sketch) {
  if (sketch.buckets().empty()) return {};
  return range_below(Sketch::upper_bound_of(sketch.buckets().rbegin()->first));
}

ValueRange mean_range(const Sketch& sketch) {
  if (sketch.buckets().empty()) return {};
  double sum = 0;
  for (const auto& [bucket, n] : sketch.buckets())
    sum += Sketch::upper_bound_of(bucket) * static_cast<double>(n);
  return range_below(sum / static_cast<double>(sketch.count()));
}

// A code of kValueSteps or less for a number of steps `steps` (NaN, far outside: kEscaped).
unsigned code_of(double steps) {
  if (!(steps > -1 && steps < kValueSteps + 1)) return kEscaped;
  return static_cast<unsigned>(std::clamp(steps, 0.0, static_cast<double>(kValueSteps)));
}

// The code nearest to `mean`, if it is within kMeanRelativeError of it.
unsigned char mean_code(double mean, const Sketch& sketch) {
  const ValueRange range = mean_range(sketch);
  const unsigned code = code_of(std::round(range.steps_to(mean)));
  if (code == kEscaped) return kEscaped;
  const double stored = range.at(code);
  return std::abs(stored - mean) <= kMeanRelativeError * std::abs(mean) ? code : kEscaped;
}

// The lowest code not below `max`, if it is within kMaxRelativeError above it. steps_to rounds,
// so the code above and below are checked: a value read back and written again keeps its code.
unsigned char max_code(double max, const Sketch& sketch) {
  const ValueRange range = max_range(sketch);
  unsigned code = code_of(std::ceil(range.steps_to(max)));
  if (code == kEscaped) return kEscaped;
  if (code > 0 && range.at(code - 1) >= max) --code;
  if (code < kValueSteps && range.at(code) < max) ++code;
  const double stored = range.at(code);
  return stored >= max && stored - max <= kMaxRelativeError * std::abs(max) ? code : kEscaped;
}

// Format 2's values: the means' codes, the maxima's, then the escaped means and maxima as float24
// planes (maxima rounded up).
void encode_values(std::string& out, const Entries& entries) {
  std::vector<std::uint32_t> escaped_means, escaped_maxima;
  for (const auto* e : entries) {
    out.push_back(static_cast<char>(mean_code(e->mean, e->sketch)));
    if (static_cast<unsigned char>(out.back()) == kEscaped)
      escaped_means.push_back(bytes::float24(e->mean));
  }
  for (const auto* e : entries) {
    out.push_back(static_cast<char>(max_code(e->max, e->sketch)));
    if (static_cast<unsigned char>(out.back()) == kEscaped)
      escaped_maxima.push_back(bytes::float24(e->max, true));
  }
  bytes::append_planes(out, escaped_means);
  bytes::append_planes(out, escaped_maxima);
}

// Reads encode_values's bytes into `out`, whose sketches are read already.
void decode_values(bytes::Reader& in, std::vector<SummaryEntry>& out) {
  const auto means = in.take(out.size(), "means");
  const auto maxima = in.take(out.size(), "maxima");
  const auto escaped = [](std::string_view codes) {
    return static_cast<std::size_t>(
        std::count(codes.begin(), codes.end(), static_cast<char>(kEscaped)));
  };
  const auto escaped_means = in.planes(escaped(means), "escaped means");
  const auto escaped_maxima = in.planes(escaped(maxima), "escaped maxima");
  auto next_mean = escaped_means.begin();
  auto next_max = escaped_maxima.begin();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto mean = static_cast<unsigned char>(means[i]);
    const auto max = static_cast<unsigned char>(maxima[i]);
    out[i].mean =
        mean == kEscaped ? bytes::from_float24(*next_mean++) : mean_range(out[i].sketch).at(mean);
    out[i].max =
        max == kEscaped ? bytes::from_float24(*next_max++) : max_range(out[i].sketch).at(max);
    check_finite(out[i]);
  }
}

// Format 2: every metric's entry columns, then all sketches as one run of columns, then the
// values: columns alike sit side by side across metrics, where deflate codes them best.
void decode_sketch_relative(bytes::Reader& in, std::vector<SummaryEntry>& out) {
  const auto metrics = in.bounded("metric count", kMaxBlockMetrics);
  // Four varints, two of its sketch, two value codes.
  for (std::uint64_t i = 0; i < metrics; ++i) decode_entry_columns(in, out, 8);
  decode_sketches(in, out, 0);
  decode_values(in, out);
}

void decode_float24(bytes::Reader& in, std::vector<SummaryEntry>& out) {
  const auto metrics = in.bounded("metric count", kMaxBlockMetrics);
  for (std::uint64_t i = 0; i < metrics; ++i) decode_float24_metric(in, out);
}

}  // namespace

std::string encode_block(const std::vector<SummaryEntry>& entries, BlockPacking packing) {
  std::map<std::string, Entries> by_metric;
  for (const auto& e : entries) by_metric[e.metric].push_back(&e);
  std::string plain;
  bytes::append_varint(plain, by_metric.size());
  Entries in_order;
  in_order.reserve(entries.size());
  for (auto& [metric, list] : by_metric) {
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->start < b->start; });
    encode_entry_columns(plain, metric, list);
    in_order.insert(in_order.end(), list.begin(), list.end());
  }
  encode_sketches(plain, in_order);
  encode_values(plain, in_order);
  if (packing == BlockPacking::kPlain) return kFormatSketchRelativePlain + plain;
  return kFormatSketchRelative + gzip::compress(plain, kDeflateLevel, gzip::Framing::kRaw);
}

namespace {

// A block's columns: its bytes after the format byte, inflated unless format 3.
std::string columns_of(std::string_view block) {
  if (block.front() == kFormatSketchRelativePlain) {
    if (block.size() - 1 > kMaxBlockBytes)
      throw BlockError("summary block: more than " + std::to_string(kMaxBlockBytes) + " bytes");
    return std::string(block.substr(1));
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
  return std::move(*plain);
}

}  // namespace

std::vector<SummaryEntry> decode_block(std::string_view block) {
  if (block.empty() ||
      (block.front() != kFormatDeflatedColumns && block.front() != kFormatSketchRelative &&
       block.front() != kFormatSketchRelativePlain)) {
    throw BlockError("summary block: unknown format" +
                     (block.empty() ? std::string(" (empty)")
                                    : " " + std::to_string(static_cast<int>(block.front()))));
  }
  const std::string plain = columns_of(block);
  std::vector<SummaryEntry> out;
  try {
    bytes::Reader in(plain);
    if (block.front() == kFormatDeflatedColumns) {
      decode_float24(in, out);
    } else {
      decode_sketch_relative(in, out);
    }
    if (!in.at_end()) throw bytes::Error("unexpected bytes after the last metric");
  } catch (const bytes::Error& e) {
    throw BlockError(std::string("summary block: ") + e.what());
  }
  return out;
}

}  // namespace sahab::collector
