#include "collector/ingest/document.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include "collector/ingest/decompress.h"
#include "collector/ingest/rate_limiter.h"

using namespace sahab::collector;

namespace {
const char* kGood = R"({"format": "sahab-ingest/1", "host_id": "h1", "sequence": 3,
  "inventory": {"format": "sahab-inventory/1", "full": true, "sections": {
    "identity": {"hash": "x", "data": {"labels": {"region": "R", "site.uplink_mbps": 20}}},
    "hardware": {"hash": "y", "data": {"cpu": {"cores": 4, "mhz": 2400.5}, "memory_bytes": 8589934592,
      "filesystems": [{"device": "/dev/sda1", "used_bytes": 1}, {"device": "/dev/sdb1", "used_bytes": 2}]}},
    "network": {"hash": "z", "data": {"listening": [{"protocol": "tcp", "port": 5432}]}},
    "future_section": {"hash": "w", "data": {"cores": "any shape"}}}},
  "summaries": [{"start": "2026-11-22T09:59:00Z", "end": "2026-11-22T10:00:00Z", "samples": 4,
    "metrics": {"cpu_ratio": {"count": 4, "mean": 0.21, "max": 0.34, "sketch": {"-54": 2, "-58": 1, "-61": 1}},
                "memory_ratio": {}, "future_metric": {"count": 1, "mean": 1, "max": 1, "sketch": {"0": 1}}}}],
  "unknown_field": true})";

std::string gzip(const std::string& data) {
  z_stream s{};
  deflateInit2(&s, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&s, data.size()) + 32, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

std::string with(std::string doc, const std::string& from, const std::string& to) {
  const auto at = doc.find(from);
  REQUIRE(at != std::string::npos);
  return doc.replace(at, from.size(), to);
}
}  // namespace

TEST_CASE("document: a valid batch parses, empty metrics are skipped, unknown fields ignored") {
  const Batch b = parse_batch(kGood);
  CHECK(b.host_id == "h1");
  CHECK(b.sequence == 3);
  CHECK(b.full_inventory);
  REQUIRE(b.sections.size() == 4);
  REQUIRE(b.summaries.size() == 1);
  CHECK(b.summaries[0].start == 1'795'341'540);
  CHECK(b.summaries[0].metrics.size() == 2);
  CHECK_FALSE(b.spool.has_value());  // agents that predate the spool field
}

TEST_CASE("document: the agent's spool state is read, bad values named") {
  const std::string spooled = with(
      kGood, "\"unknown_field\": true",
      R"("spool": {"batches": 12, "bytes": 40960, "oldest": "2026-11-22T09:00:00Z", "dropped": 1})");
  const Batch b = parse_batch(spooled);
  REQUIRE(b.spool.has_value());
  CHECK(b.spool->batches == 12);
  CHECK(b.spool->bytes == 40960);
  CHECK(b.spool->oldest == 1'795'338'000);
  CHECK(b.spool->dropped == 1);
  const Batch empty =
      parse_batch(with(kGood, "\"unknown_field\": true", R"("spool": {"batches": 0, "bytes": 0})"));
  CHECK(empty.spool->batches == 0);
  CHECK_FALSE(empty.spool->oldest.has_value());
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"\"batches\": 12", "\"batches\": -1"},
                                                        {"\"bytes\": 40960", "\"bytes\": \"4k\""},
                                                        {"2026-11-22T09:00:00Z", "yesterday"},
                                                        {"\"batches\": 12, ", ""}}) {
    CAPTURE(to);
    CHECK_THROWS_WITH_AS(parse_batch(with(spooled, from, to)), doctest::Contains("spool."),
                         BadDocument);
  }
  CHECK_THROWS_WITH_AS(parse_batch(with(kGood, "\"unknown_field\": true", R"("spool": [1])")),
                       doctest::Contains("spool"), BadDocument);
}

TEST_CASE("document: each problem is named") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with(kGood, "\"sequence\": 3", "\"sequence\": \"3\""), "sequence"},
      {with(kGood, "\"sequence\": 3", "\"sequence\": 0"), "sequence"},
      {with(kGood, "sahab-ingest/1", "sahab-ingest/2"), "format"},
      {with(kGood, "\"h1\"", "\"../h1\""), "host_id"},
      {with(kGood, "\"max\": 0.34", "\"max\": \"x\""), "summaries[0].metrics.cpu_ratio.max"},
      {with(kGood, "\"count\": 4", "\"count\": 5"), "holds 4 values but count is 5"},
      {with(kGood, "\"mean\": 0.21", "\"mean\": 0.5"), "larger than max"},
      {with(kGood, "\"-54\": 2", "\"x\": 2"), "bucket 'x'"},
      {with(kGood, "2026-11-22T09:59:00Z", "2026-13-22T09:59:00Z"), "summaries[0].start"},
      {with(kGood, "\"region\": \"R\"", "\"region\": [1]"), "labels.region"},
      {with(kGood, "\"region\"", "\"bad name\""), "label name"},
      {with(kGood, "\"hash\": \"x\"", "\"hash\": 5"), "hash"},
      // The sections' own tables (common/protocol/inventory.h), down to the list elements.
      {with(kGood, "\"cores\": 4", "\"cores\": \"four\""),
       "inventory.sections.hardware.data.cpu.cores: expected a whole number"},
      {with(kGood, "\"used_bytes\": 2", "\"used_bytes\": -2"),
       "inventory.sections.hardware.data.filesystems[1].used_bytes"},
      {with(kGood, "\"port\": 5432", "\"port\": 70000"),
       "inventory.sections.network.data.listening[0].port"},
      {with(kGood, "\"labels\": {", "\"hostname\": \"a\\u0007b\", \"labels\": {"),
       "inventory.sections.identity.data.hostname: expected a host name"},
      {"[1, 2]", "expected a JSON object"},
      {"{\"format\": ", "not valid JSON"},
  };
  for (const auto& [doc, expected] : cases) {
    CAPTURE(expected);
    CHECK_THROWS_WITH_AS(parse_batch(doc), doctest::Contains(expected.c_str()), BadDocument);
  }
}

TEST_CASE("document: host ids and label names") {
  CHECK(valid_host_id("b0c6e1f4a3d54f1a9d3e0c2b7a8f6e51"));
  CHECK(valid_host_id("srv-01.example:1"));
  CHECK_FALSE(valid_host_id(""));
  CHECK_FALSE(valid_host_id(".."));
  CHECK_FALSE(valid_host_id("a/b"));
  CHECK_FALSE(valid_host_id(std::string(129, 'a')));
  CHECK(valid_label_name("site.uplink_mbps"));
  CHECK_FALSE(valid_label_name("1x"));
  CHECK_FALSE(valid_label_name("a'b"));
}

TEST_CASE("gunzip: round trip, corrupt, truncated, trailing data and bombs") {
  const std::string text(100'000, 'a');
  const std::string gz = gzip(text);
  CHECK(gunzip(gz, 200'000) == text);
  CHECK_THROWS_AS(gunzip(gz, 50'000), TooLarge);
  CHECK_THROWS_WITH_AS(gunzip(gz.substr(0, gz.size() / 2), 200'000), doctest::Contains("truncated"),
                       BadEncoding);
  CHECK_THROWS_AS(gunzip("not gzip at all", 1000), BadEncoding);
  CHECK_THROWS_AS(gunzip(gz + "junk", 200'000), BadEncoding);
}

TEST_CASE("document: hostile documents are refused while parsing, naming the problem") {
  const std::string deep = std::string(600, '[') + std::string(600, ']');
  CHECK_THROWS_WITH_AS(parse_batch(with(kGood, "\"unknown_field\": true", "\"x\": " + deep)),
                       doctest::Contains("nested deeper than"), BadDocument);
  CHECK_THROWS_WITH_AS(parse_batch(with(kGood, "\"mean\": 0.21", "\"mean\": 1e400")),
                       doctest::Contains("number overflow"), BadDocument);
  CHECK_THROWS_WITH_AS(parse_batch(with(kGood, "\"R\"", "\"\xff\"")), doctest::Contains("UTF-8"),
                       BadDocument);
  std::string labels = "{";
  for (int i = 0; i < 65; ++i) labels += "\"l" + std::to_string(i) + "\": \"v\",";
  labels.back() = '}';
  CHECK_THROWS_WITH_AS(
      parse_batch(with(kGood, R"({"region": "R", "site.uplink_mbps": 20})", labels)),
      doctest::Contains("more than 64 labels"), BadDocument);
  CHECK_THROWS_WITH_AS(
      parse_batch(with(kGood, R"("data": {"labels")",
                       "\"data\": {\"hostname\": \"" + std::string(254, 'h') + "\", \"labels\"")),
      doctest::Contains("identity.data.hostname"), BadDocument);
  CHECK_NOTHROW(
      parse_batch(with(kGood, R"("data": {"labels")",
                       "\"data\": {\"hostname\": \"" + std::string(253, 'h') + "\", \"labels\"")));
  std::string packages = "[";
  for (int i = 0; i <= 50'000; ++i) packages += "{},";
  packages.back() = ']';
  CHECK_THROWS_WITH_AS(parse_batch(with(kGood, R"("data": {"labels")",
                                        "\"data\": {\"packages\": " + packages + ", \"labels\"")),
                       doctest::Contains("more than 50000 records"), BadDocument);
}

TEST_CASE("rate limiter: burst, then the sustained rate, per agent") {
  RateLimiter limiter(1.0, 3);
  const auto t0 = RateLimiter::Clock::now();
  CHECK(limiter.allow(1, t0));
  CHECK(limiter.allow(1, t0));
  CHECK(limiter.allow(1, t0));
  CHECK_FALSE(limiter.allow(1, t0));
  CHECK(limiter.allow(2, t0));
  CHECK(limiter.allow(1, t0 + std::chrono::milliseconds(1100)));
  CHECK_FALSE(limiter.allow(1, t0 + std::chrono::milliseconds(1200)));
}
