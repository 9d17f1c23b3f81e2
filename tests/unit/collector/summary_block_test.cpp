// collector/store/summary_block: the storage encoding of utilisation round-trips what it was
// given (means within kMeanRelativeError, maxima never below the exact ones and within
// kMaxRelativeError above), is far smaller than the JSON rows it replaces, still reads blocks of
// its first format, and refuses damaged bytes with an error instead of reading past them.
#include "collector/store/summary_block.h"

#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "common/gzip.h"
#include "common/protocol/report.h"
#include "unit/collector/format1_block.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

// An hour of one-minute summaries of three metrics, four samples each.
std::vector<SummaryEntry> hour_of_entries(std::int64_t hour) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<SummaryEntry> out;
  for (const char* metric : {"cpu_ratio", "swap_ratio", "disk_read_iops", "a_metric_of_tomorrow"}) {
    for (std::int64_t start = hour; start < hour + 3600; start += 60) {
      SummaryEntry e{metric, start, start + 60, 1, 4, 0, 0, {}};
      for (int i = 0; i < 4; ++i) {
        const double v = std::string(metric) == "swap_ratio" ? 0.0 : unit(rng) * 1e3;
        e.sketch.add(v);
        e.mean += v / 4;
        e.max = std::max(e.max, v);
      }
      out.push_back(e);
    }
  }
  return out;
}

// The documented bounds (summary_block.h) of a stored mean and maximum against the exact ones.
void check_within_bounds(const SummaryEntry& stored, const SummaryEntry& exact) {
  CHECK(std::abs(stored.mean - exact.mean) <= std::abs(exact.mean) * kMeanRelativeError);
  CHECK(stored.max >= exact.max);  // rounded up: a maximum is never under-reported
  CHECK(stored.max - exact.max <= std::abs(exact.max) * kMaxRelativeError);
}

// A day of one summary a minute of every metric of the report, four samples each drawn by
// `sample`.
template <typename Sample>
std::vector<SummaryEntry> day_of_entries(std::int64_t day, Sample sample) {
  std::vector<SummaryEntry> entries;
  for (const auto& metric : protocol::report::kUtilisationMetrics) {
    for (std::int64_t start = day; start < day + 86'400; start += 60) {
      SummaryEntry e{std::string(metric.name), start, start + 60, 1, 4, 0, 0, {}};
      for (int i = 0; i < 4; ++i) {
        const double v = sample();
        e.sketch.add(v);
        e.mean += v / 4;
        e.max = std::max(e.max, v);
      }
      entries.push_back(e);
    }
  }
  return entries;
}

}  // namespace

TEST_CASE("summary block: round trip, sorted by metric and start, within the documented bounds") {
  auto entries = hour_of_entries(20'000 * 86'400);
  std::shuffle(entries.begin(), entries.end(), std::mt19937(1));
  const std::string block = encode_block(entries);
  const auto back = decode_block(block);
  REQUIRE(back.size() == entries.size());
  for (size_t i = 1; i < back.size(); ++i) {
    CHECK(std::pair(back[i - 1].metric, back[i - 1].start) <
          std::pair(back[i].metric, back[i].start));
  }
  for (const auto& original : entries) {
    const auto it = std::find_if(back.begin(), back.end(), [&](const SummaryEntry& e) {
      return e.metric == original.metric && e.start == original.start;
    });
    REQUIRE(it != back.end());
    CHECK(it->end == original.end);
    CHECK(it->summaries == 1);
    CHECK(it->count == original.count);
    CHECK(it->sketch.to_json() == original.sketch.to_json());
    check_within_bounds(*it, original);
  }
  // The JSON sketches alone of these rows took more than the whole block.
  std::size_t json_bytes = 0;
  for (const auto& e : entries) json_bytes += e.sketch.to_json().dump().size();
  CHECK(block.size() * 2 < json_bytes);
}

// A packed day (schema 12: collector/store/summary_blocks.h) is the largest block the store
// writes: every metric of the report, a summary a minute, values over twelve decades.
TEST_CASE("summary block: a whole day of every metric round-trips as exactly as an hour") {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> decade(-3.0, 9.0);
  auto entries = day_of_entries(20'000 * 86'400, [&] { return std::pow(10.0, decade(rng)); });
  const std::string block = encode_block(entries);
  // Well inside the decoder's bound once inflated, or a packed day could not be read back.
  const auto plain =
      gzip::decompress(std::string_view(block).substr(1), kMaxBlockBytes, gzip::Framing::kRaw);
  REQUIRE(plain);
  CHECK(plain->size() * 4 < kMaxBlockBytes);
  const auto back = decode_block(block);
  REQUIRE(back.size() == entries.size());
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::pair(a.metric, a.start) < std::pair(b.metric, b.start);
  });
  for (size_t i = 0; i < back.size(); ++i) {
    CAPTURE(i);
    REQUIRE(back[i].start == entries[i].start);
    CHECK(back[i].sketch.buckets() == entries[i].sketch.buckets());  // percentiles: exact
    check_within_bounds(back[i], entries[i]);
  }
  // Read back and written again (a day packed from its hour blocks, a block a push rewrites), a
  // block is the same bytes: values do not drift further at each rewrite.
  CHECK(encode_block(back) == block);
}

// Issue 17: at most 100 kB per host per day, also when every sample is uniformly random (the
// load generator's data, bench/store_size.cpp's `uniform` profile). Format 1 took 125 kB here.
TEST_CASE("summary block: a day of uniformly random samples fits in 90 kB") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto entries = day_of_entries(20'000 * 86'400, [&] { return unit(rng); });
  const std::string block = encode_block(entries);
  CHECK(block.size() < 90'000);
  const auto back = decode_block(block);
  REQUIRE(back.size() == entries.size());
}

// What a sketch cannot place (summary_block.cpp, "Format 2's means and maxima") is kept as a
// float24 instead, within the same bounds: samples at or below zero, a maximum or mean that does
// not match its sketch, a value float24 alone would clamp.
TEST_CASE("summary block: means and maxima their sketch does not bracket stay within the bounds") {
  std::vector<SummaryEntry> odd;
  const auto entry = [&](double mean, double max, std::initializer_list<double> samples) {
    SummaryEntry e{"cpu_ratio", 60 * static_cast<std::int64_t>(odd.size()), 0, 1, 0, mean, max, {}};
    e.end = e.start + 60;
    for (const double v : samples) e.sketch.add(v);
    e.count = static_cast<std::int64_t>(e.sketch.count());
    odd.push_back(e);
  };
  entry(-0.25, -0.125, {-0.5, -0.125});  // negative samples: counted as zeros by the sketch
  entry(1e-12, 2e-12, {0.0, 2e-12});     // below the sketch's zero threshold
  entry(0.5, 0.75, {});                  // no sketch at all
  entry(0.3, 0.9, {0.1, 0.2});           // the agent's maximum above its sketch's samples
  entry(0.01, 0.2, {0.1, 0.2});          // a mean below every sample
  entry(0.0, 0.0, {0.0, 0.0});           // only zeros: placed exactly
  entry(1.0, 1.0, {1.0, 1.0});           // at a bucket's upper edge
  entry(0.75, 0.9999999, {0.5, 0.9999999});
  const auto back = decode_block(encode_block(odd));
  REQUIRE(back.size() == odd.size());
  for (std::size_t i = 0; i < odd.size(); ++i) {
    CAPTURE(i);
    check_within_bounds(back[i], odd[i]);
  }
  CHECK(back[5].mean == 0.0);
  CHECK(back[5].max == 0.0);
}

// Blocks stored before format 2 (tests/unit/collector/format1_block.h) read as they were written.
TEST_CASE("summary block: blocks of format 1 are still read") {
  const auto back = decode_block(testing::format1_block());
  REQUIRE(back.size() == 4);
  const std::int64_t hour = testing::kFormat1Hour;
  CHECK(back[0].metric == "a_metric_of_tomorrow");
  CHECK(back[0].start == hour);
  CHECK(back[0].end == hour + 60);
  CHECK(back[0].summaries == 2);
  CHECK(back[0].count == 3);
  CHECK(back[0].mean == 42.5);
  CHECK(back[0].max == 1e6);
  CHECK(back[0].sketch.zeros() == 2);
  CHECK(back[0].sketch.buckets() == std::map<int, std::uint64_t>{{Sketch::bucket_of(1e6), 1}});
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    const SummaryEntry& e = back[static_cast<std::size_t>(i) + 1];
    CHECK(e.metric == "cpu_ratio");
    CHECK(e.start == hour + 60 * i);
    CHECK(e.count == 4);
    CHECK(e.mean == 0.40625 + i);
    CHECK(e.max == 0.75 + i);
    Sketch samples;
    for (const double v : {0.125, 0.25, 0.5, 0.75}) samples.add(v + i);
    CHECK(e.sketch.buckets() == samples.buckets());
  }
  // Written again, it takes the current format and keeps its values within the bounds.
  const auto again = decode_block(encode_block(back));
  REQUIRE(again.size() == back.size());
  CHECK(encode_block(back).front() == 2);
  for (std::size_t i = 0; i < back.size(); ++i) check_within_bounds(again[i], back[i]);
}

TEST_CASE(
    "summary block: metrics are numbered by the report's table, which only grows at its end") {
  // Stored blocks name these metrics by their position: reordering the table would rename them.
  const std::vector<std::string_view> stored_order = {"cpu_ratio",
                                                      "memory_ratio",
                                                      "swap_ratio",
                                                      "disk_read_iops",
                                                      "disk_write_iops",
                                                      "disk_read_bytes_per_second",
                                                      "disk_write_bytes_per_second",
                                                      "network_receive_bytes_per_second",
                                                      "network_transmit_bytes_per_second",
                                                      "filesystem_used_ratio"};
  const auto& table = protocol::report::kUtilisationMetrics;
  REQUIRE(table.size() >= stored_order.size());
  for (size_t i = 0; i < stored_order.size(); ++i) CHECK(table[i].name == stored_order[i]);
}

TEST_CASE("summary block: rollup entries keep their summary counts and large values") {
  SummaryEntry day{
      "network_receive_bytes_per_second", 86'400, 2 * 86'400, 1440, 5760, 2.5e8, 9.9e14, {}};
  day.sketch.add(2.5e8, 5000);
  day.sketch.add(0.0, 760);
  const auto back = decode_block(encode_block({day}));
  REQUIRE(back.size() == 1);
  CHECK(back[0].summaries == 1440);
  CHECK(back[0].count == 5760);
  CHECK(back[0].sketch.count() == 5760);
  CHECK(back[0].max >= 9.9e14);
}

TEST_CASE("summary block: damaged bytes are refused by name, never read past") {
  const std::string block = encode_block(hour_of_entries(0));
  CHECK_THROWS_WITH_AS(decode_block(""), doctest::Contains("unknown format"), BlockError);
  CHECK_THROWS_WITH_AS(decode_block("\x07xyz"), doctest::Contains("unknown format 7"), BlockError);
  for (std::size_t cut = 0; cut < block.size(); cut += 7) {
    CHECK_THROWS_AS(decode_block(std::string_view(block).substr(0, cut)), BlockError);
  }
  // Flipped bits: an error or (rarely) other entries, never a crash or an unbounded allocation.
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    std::string damaged = block;
    damaged[1 + rng() % (damaged.size() - 1)] ^= static_cast<char>(1 << (rng() % 8));
    try {
      (void)decode_block(damaged);
    } catch (const BlockError&) {
    }
  }
  // Well-formed deflate of a payload that is not a block, and one that inflates past the cap.
  CHECK_THROWS_WITH_AS(decode_block("\x01" + gzip::compress("\x05\x01", 6, gzip::Framing::kRaw)),
                       doctest::Contains("truncated"), BlockError);
  CHECK_THROWS_WITH_AS(decode_block("\x01" + gzip::compress(std::string(kMaxBlockBytes + 1, '\0'),
                                                            9, gzip::Framing::kRaw)),
                       doctest::Contains("once inflated"), BlockError);
  CHECK_THROWS_WITH_AS(
      decode_block("\x01" + gzip::compress(std::string("\x00\x00", 2), 6, gzip::Framing::kRaw)),
      doctest::Contains("after the last metric"), BlockError);
  // Blocks hold one group per metric, by name, one entry per start: repeats are damage.
  const auto deflated = [](const std::string& plain) {
    return "\x01" + gzip::compress(plain, 6, gzip::Framing::kRaw);
  };
  // cpu_ratio (metric number 1), one entry at 60 s, zero mean and max, an empty sketch.
  const std::string one_entry = "\x01\x01\x78\x78\x02\x08" + std::string(8, '\0');
  CHECK_THROWS_WITH_AS(decode_block(deflated("\x02" + one_entry + one_entry)),
                       doctest::Contains("out of order or repeated"), BlockError);
  // One group of two entries, the second 60 s before the first.
  const std::string backwards =
      "\x01\x01\x02\xf0\x01\x77\x78\x78\x02\x02\x08\x08" + std::string(16, '\0');
  CHECK_THROWS_WITH_AS(decode_block(deflated(backwards)), doctest::Contains("not increasing"),
                       BlockError);
  CHECK(decode_block(deflated("\x01" + one_entry)).size() == 1);  // the well-formed one reads
  // Format 2 checks the same: the entry's columns, then its sketch (no zeros, no buckets), then
  // its mean's and maximum's codes.
  const auto format2 = [](const std::string& plain) {
    return "\x02" + gzip::compress(plain, 6, gzip::Framing::kRaw);
  };
  const std::string columns = "\x01\x01\x78\x78\x02\x08";
  CHECK_THROWS_WITH_AS(decode_block(format2("\x02" + columns + columns + std::string(8, '\0'))),
                       doctest::Contains("out of order or repeated"), BlockError);
  CHECK_THROWS_WITH_AS(decode_block(format2("\x01" + columns + std::string(3, '\0'))),
                       doctest::Contains("maxima"), BlockError);
  const auto one = decode_block(format2("\x01" + columns + std::string(4, '\0')));
  REQUIRE(one.size() == 1);
  CHECK(one[0].mean == 0.0);
}

// Format 3, a push's piece (collector/store/summary_blocks.h): format 2's bytes without deflate.
TEST_CASE("summary block: a plain block reads as its deflated twin, bounded the same way") {
  const auto entries = hour_of_entries(20'000 * 86'400);
  const std::string plain = encode_block(entries, BlockPacking::kPlain);
  const std::string deflated = encode_block(entries);
  CHECK(plain.front() == 3);
  CHECK(plain.size() > deflated.size());
  const auto from_plain = decode_block(plain);
  const auto from_deflated = decode_block(deflated);
  REQUIRE(from_plain.size() == from_deflated.size());
  for (std::size_t i = 0; i < from_plain.size(); ++i) {
    CHECK(from_plain[i].metric == from_deflated[i].metric);
    CHECK(from_plain[i].start == from_deflated[i].start);
    CHECK(from_plain[i].mean == from_deflated[i].mean);
    CHECK(from_plain[i].max == from_deflated[i].max);
    CHECK(from_plain[i].sketch.to_json() == from_deflated[i].sketch.to_json());
  }
  for (std::size_t cut = 1; cut < plain.size(); cut += 11) {
    CHECK_THROWS_AS(decode_block(std::string_view(plain).substr(0, cut)), BlockError);
  }
  CHECK_THROWS_WITH_AS(decode_block("\x03" + std::string(kMaxBlockBytes + 1, '\0')),
                       doctest::Contains("more than"), BlockError);
  CHECK_THROWS_WITH_AS(decode_block(std::string("\x03\x00\x00", 3)),
                       doctest::Contains("after the last metric"), BlockError);
}
