// collector/store/summary_block: the storage encoding of utilisation round-trips what it was
// given (means within float24, maxima never below the exact ones), is far smaller than the JSON
// rows it replaces, and refuses damaged bytes with an error instead of reading past them.
#include "collector/store/summary_block.h"

#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "common/gzip.h"
#include "common/protocol/report.h"

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

}  // namespace

TEST_CASE("summary block: round trip, sorted by metric and start, within float24") {
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
    CHECK(std::abs(it->mean - original.mean) <= std::abs(original.mean) * 1.6e-5);
    CHECK(it->max >= original.max);  // rounded up: a maximum is never under-reported
    CHECK(it->max <= original.max * (1 + 3.1e-5));
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
  const std::int64_t day = 20'000 * 86'400;
  std::vector<SummaryEntry> entries;
  for (const auto& metric : protocol::report::kUtilisationMetrics) {
    for (std::int64_t start = day; start < day + 86'400; start += 60) {
      SummaryEntry e{std::string(metric.name), start, start + 60, 1, 4, 0, 0, {}};
      for (int i = 0; i < 4; ++i) {
        const double v = std::pow(10.0, decade(rng));
        e.sketch.add(v);
        e.mean += v / 4;
        e.max = std::max(e.max, v);
      }
      entries.push_back(e);
    }
  }
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
    CHECK(std::abs(back[i].mean - entries[i].mean) <= entries[i].mean * 1.6e-5);
    CHECK(back[i].max >= entries[i].max);
    CHECK(back[i].max <= entries[i].max * (1 + 3.1e-5));
  }
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
}
