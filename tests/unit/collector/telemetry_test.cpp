#include "collector/api/telemetry.h"

#include <doctest/doctest.h>
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include "collector/store/agents.h"
#include "unit/collector/scrape.h"
#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

void set_labels(Store& store, const std::string& host, const std::string& labels) {
  store.write([&](Database& db) {
    db.cached("UPDATE hosts SET labels = ? WHERE id = ?").with(labels, host).run();
  });
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("telemetry: every reject reason is exported at 0 before the first rejection") {
  testing::TempDir tmp;
  Store store(tmp.path() / "sahab.db", 1);
  Telemetry telemetry(store);
  const std::string text = testing::scrape(telemetry);
  for (const char* reason : {"unauthorized", "revoked", "rate_limited", "too_large", "bad_encoding",
                             "bad_document", "wrong_host", "store_error"}) {
    CHECK(has_line(
        text, std::string("sahab_collector_rejected_batches_total{reason=\"") + reason + "\"} 0"));
  }
  telemetry.count_rejected("store_error");
  CHECK(has_line(testing::scrape(telemetry),
                 "sahab_collector_rejected_batches_total{reason=\"store_error\"} 1"));
}

TEST_CASE("telemetry: last push per live agent host, hosts by location, WAL and free space") {
  testing::TempDir tmp;
  Store store(tmp.path() / "sahab.db", 1);
  Telemetry telemetry(store);
  std::int64_t retired = 0;
  store.write([&](Database& db) {
    enrol_agent(db, "h1", "srv-1", "aa", "test", 1'700'000'000);
    enrol_agent(db, "h2", "srv-2", "bb", "test", 1'700'000'100);
    retired = enrol_agent(db, "h3", "srv-3", "cc", "test", 1'700'000'200);
  });
  store.write([&](Database& db) { revoke_agent(db, retired, "decommissioned", "test", 1); });
  set_labels(store, "h1", R"({"region": "Souss-Massa", "province": "Agadir-Ida-Ou-Tanane",
                              "commune": "Agadir"})");
  set_labels(store, "h2", R"({"region": "Souss-Massa", "province": "Agadir-Ida-Ou-Tanane"})");

  const std::string text = testing::scrape(telemetry);
  CHECK(has_line(text,
                 "sahab_collector_agent_last_push_timestamp_seconds{commune=\"Agadir\",host_id="
                 "\"h1\",hostname=\"srv-1\",province=\"Agadir-Ida-Ou-Tanane\",region=\"Souss-"
                 "Massa\"} 1700000000"));
  CHECK(text.find("host_id=\"h2\",hostname=\"srv-2\"") != std::string::npos);
  CHECK(text.find("host_id=\"h3\"") == std::string::npos);  // every credential revoked
  CHECK(has_line(text,
                 "sahab_collector_hosts_by_location{province=\"Agadir-Ida-Ou-Tanane\",region="
                 "\"Souss-Massa\",state=\"active\"} 2"));
  CHECK(has_line(text,
                 "sahab_collector_hosts_by_location{province=\"\",region=\"\",state="
                 "\"active\"} 1"));
  CHECK(text.find("\nsahab_collector_db_wal_size_bytes ") != std::string::npos);
  CHECK(text.find("\nsahab_collector_db_filesystem_avail_bytes ") != std::string::npos);
}

namespace {

// A push of host `id` with one summary of `metrics` metrics, each of mean `id`'s number.
Batch push_of(const std::string& id, int metrics, double mean) {
  Batch batch;
  batch.host_id = id;
  Summary summary;
  for (int m = 0; m < metrics; ++m) {
    summary.metrics.push_back({"metric_" + std::to_string(m), 1, mean, mean, {}});
  }
  batch.summaries.push_back(std::move(summary));
  return batch;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("telemetry: a scrape of 2,000 hosts is streamed, its memory independent of the fleet") {
  testing::TempDir tmp;
  Store store(tmp.path() / "sahab.db", 1);
  Telemetry telemetry(store);
  constexpr int kHosts = 2000, kMetrics = 10;
  for (int h = 0; h < kHosts; ++h) {
    char id[40];
    std::snprintf(id, sizeof id, "soak%028d", h);
    telemetry.record_host(push_of(id, kMetrics, h));
  }
  // What malloc holds (heap and mapped blocks) while the scrape is written, besides the text
  // gathered here, over what it held before. Built whole (MetricFamily objects, then one string)
  // it was ~10 MiB at this size, and the 3 MB answer stayed until sent.
  const auto held = [] {
    const struct mallinfo2 info = mallinfo2();
    return static_cast<long long>(info.uordblks + info.hblkhd);
  };
  std::string text;
  const long long before = held();
  long long peak = 0;
  const auto sample = [&] {
    peak = std::max(peak, held() - before - static_cast<long long>(text.capacity()));
  };
  const http::Response response = telemetry.serve();
  sample();
  CHECK(peak < 1'000'000);  // before anything is sent
  REQUIRE(response.stream);
  std::size_t pieces = 0, largest = 0;
  response.stream([&](std::string_view piece) {
    sample();
    ++pieces;
    largest = std::max(largest, piece.size());
    text += piece;
  });
  CHECK(text.size() > 2'000'000);
  CHECK(pieces > 50);
  CHECK(largest < 64 << 10);  // the HTTP server's chunk
  CHECK(peak < 1'000'000);
  // Each family once, every host in it once, whatever the pieces it was cut into.
  for (int m = 0; m < kMetrics; ++m) {
    const std::string name = "sahab_host_metric_" + std::to_string(m);
    CHECK(count_of(text, "\n# TYPE " + name + " gauge\n") == 1);
    CHECK(count_of(text, "\n" + name + "{") == kHosts);
  }
  CHECK(has_line(text,
                 "sahab_host_metric_3{commune=\"\",host_id=\"soak0000000000000000000000001999\","
                 "hostname=\"\",province=\"\",region=\"\"} 1999"));
}
