#include "collector/api/telemetry.h"

#include <doctest/doctest.h>

#include "collector/store/agents.h"
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
  const std::string text = telemetry.serve().body;
  for (const char* reason : {"unauthorized", "revoked", "rate_limited", "too_large", "bad_encoding",
                             "bad_document", "wrong_host", "store_error"}) {
    CHECK(has_line(
        text, std::string("sahab_collector_rejected_batches_total{reason=\"") + reason + "\"} 0"));
  }
  telemetry.count_rejected("store_error");
  CHECK(has_line(telemetry.serve().body,
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

  const std::string text = telemetry.serve().body;
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
