#include "collector/store/store.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "collector/ingest/document.h"
#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "collector/store/maintenance.h"
#include "collector/store/schema.h"
#include "collector/store/sqlite.h"
#include "collector/store/summary_block.h"
#include "collector/store/utilisation.h"
#include "unit/collector/format1_block.h"
#include "unit/collector/summaries.h"
#include "unit/collector/test_store_url.h"
#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

// A database file in a directory of its own, removed at scope exit; `url` is that file, or a
// PostgreSQL schema when the tests run there (test_store_url.h). Tests of what only SQLite has
// (its file, WAL, PRAGMAs, databases of older schemas) use the file.
struct TempDb {
  sahab::testing::TempDir dir;
  std::filesystem::path file() const { return dir.path() / "sahab.db"; }
  sahab::testing::TestStoreUrl url{file()};
};

std::int64_t count(Store& store, const std::string& sql) {
  return store.read([&](Database& db) { return db.scalar(sql); });
}

std::uintmax_t wal_bytes(const TempDb& tmp) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(tmp.file().string() + "-wal", ec);
  return ec ? std::uintmax_t{0} : size;
}

// One summary batch per push, numbered in order across hosts, as agents would send them.
struct SummaryPusher {
  Store& store;
  std::int64_t sequence = 0;
  void operator()(int host, int minute) {
    const Batch b = sahab::testing::summary_batch("h" + std::to_string(host), ++sequence,
                                                  1'000'000 + minute * 60, {0.1, 0.2, 0.3});
    store.write([&](Database& db) { store_batch(db, b, "10.0.0.1", 0); });
  }
};

// 2,000 pushes (200 hosts x 10 minutes) while a reader inside a transaction pins its snapshot,
// as a long export does: no checkpoint can copy frames past it, so the burst piles up in the WAL.
void burst_behind_pinned_reader(Store& store, SummaryPusher& push) {
  std::promise<void> reading, burst_over;
  std::thread reader([&] {
    store.read([&](Database& db) {
      db.exec("BEGIN");
      db.scalar("SELECT count(*) FROM hosts");
      reading.set_value();
      burst_over.get_future().wait();
      db.exec("COMMIT");
      return 0;
    });
  });
  reading.get_future().wait();
  for (int host = 0; host < 200; ++host)
    for (int minute = 0; minute < 10; ++minute) push(host, minute);
  burst_over.set_value();
  reader.join();
}

}  // namespace

TEST_CASE("store: migrations run once on a real file and record user_version") {
  TempDb tmp;
  { Store store(tmp.file(), 1); }
  {
    SqliteDatabase db(tmp.file(), Database::Mode::kReadWrite);
    CHECK(db.scalar("PRAGMA user_version") == schema_version());
    CHECK(db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'summary_blocks'") == 1);
    migrate(db);  // idempotent
    CHECK(db.scalar("PRAGMA user_version") == schema_version());
    Statement& mode = db.cached("PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.text(0) == "wal");
    mode.reset();
    db.exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_WITH_AS(Store(tmp.file(), 1), doctest::Contains("newer than this collector"),
                       StoreError);
}

TEST_CASE("store: a batch is stored once, a failing job rolls back alone") {
  TempDb tmp;
  Store store(tmp.url, 2);
  store.write([](Database& db) { enrol_agent(db, "h1", "srv", "hash", "test", 100); });
  const Batch b = sahab::testing::summary_batch("h1", 1, 1'000'000, {0.1, 0.2});
  BatchOutcome first{}, second{};
  store.write([&](Database& db) { first = store_batch(db, b, "10.0.0.1", 200); });
  store.write([&](Database& db) { second = store_batch(db, b, "10.0.0.1", 201); });
  CHECK(first == BatchOutcome::kStored);
  CHECK(second == BatchOutcome::kDuplicate);
  CHECK(count(store, "SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 1);
  CHECK(count(store, "SELECT batches FROM batch_marks WHERE sequence = 1") == 1);

  CHECK_THROWS_AS(store.write([](Database& db) {
    db.exec("UPDATE batch_marks SET sequence = 7");
    throw std::runtime_error("half way");
  }),
                  std::runtime_error);
  CHECK(count(store, "SELECT sequence FROM batch_marks") == 1);
}

TEST_CASE("store: free space moving is not an inventory change, a resized filesystem is") {
  TempDb tmp;
  Store store(tmp.url, 1);
  store.write([](Database& db) { enrol_agent(db, "h1", "srv", "hash", "test", 0); });
  const auto push = [&](std::int64_t sequence, std::uint64_t size, std::uint64_t used) {
    Batch b = sahab::testing::summary_batch("h1", sequence, 1'000'000 + sequence * 60, {0.1});
    const nlohmann::json filesystem = {{"device", "/dev/sda1"}, {"mountpoint", "/"},
                                       {"fstype", "ext4"},      {"size_bytes", size},
                                       {"used_bytes", used},    {"available_bytes", size - used}};
    // The agent's hash covers every field, so it changes with the free space.
    const std::string hash = std::to_string(size) + "-" + std::to_string(used);
    b.sections.push_back({"hardware", hash, {{"filesystems", {filesystem}}, {"memory_bytes", 8}}});
    store.write([&](Database& db) { store_batch(db, b, "10.0.0.1", sequence); });
  };
  push(1, 1000, 100);
  push(2, 1000, 200);
  push(3, 1000, 300);
  CHECK(count(store, "SELECT count(*) FROM inventory_changes") == 1);  // the first sighting
  CHECK(store.read([](Database& db) {
    Statement& s = db.cached("SELECT data FROM inventory_current");
    REQUIRE(s.step());
    const auto data = nlohmann::json::parse(s.text(0));
    s.reset();
    return data["filesystems"][0]["used_bytes"].get<int>();
  }) == 300);  // the current data stays fresh
  push(4, 2000, 300);
  CHECK(count(store, "SELECT count(*) FROM inventory_changes") == 2);
  CHECK(store.read([](Database& db) {
    Statement& s = db.cached("SELECT changed FROM inventory_changes ORDER BY at DESC LIMIT 1");
    REQUIRE(s.step());
    const std::string changed = s.text(0);
    s.reset();
    return changed;
  }) == R"(["filesystems"])");
}

TEST_CASE("store: connections counted or established at the scan are no change, a new service is") {
  TempDb tmp;
  Store store(tmp.url, 1);
  store.write([](Database& db) { enrol_agent(db, "h1", "srv", "hash", "test", 0); });
  const auto push = [&](std::int64_t sequence, int count, int ephemeral_port, int listening_port) {
    Batch b = sahab::testing::summary_batch("h1", sequence, 1'000'000 + sequence * 60, {0.1});
    const nlohmann::json network = {
        {"listening", {{{"protocol", "tcp"}, {"port", listening_port}}}},
        {"connections", {{{"direction", "out"}, {"remote_port", 5432}, {"count", count}}}},
        {"established", {{{"local_port", ephemeral_port}, {"remote_port", 5432}}}}};
    b.sections.push_back({"network", std::to_string(sequence), network});
    store.write([&](Database& db) { store_batch(db, b, "10.0.0.1", sequence); });
  };
  push(1, 3, 40001, 22);
  push(2, 9, 40777, 22);
  CHECK(count(store, "SELECT count(*) FROM inventory_changes") == 1);
  push(3, 12, 40999, 443);
  CHECK(count(store, "SELECT count(*) FROM inventory_changes WHERE changed = '[\"listening\"]'") ==
        1);
}

TEST_CASE("store: credentials are found by hash, revocation is audited once") {
  TempDb tmp;
  Store store(tmp.url, 1);
  std::int64_t id = 0;
  store.write([&](Database& db) { id = enrol_agent(db, "h1", "srv", "abc", "1.2.3.4", 100); });
  auto agent = store.read([](Database& db) { return find_agent_by_credential(db, "abc"); });
  REQUIRE(agent);
  CHECK(agent->host_id == "h1");
  CHECK_FALSE(agent->revoked);
  CHECK_FALSE(store.read([](Database& db) { return find_agent_by_credential(db, "other"); }));
  bool found = false;
  store.write([&](Database& db) { found = revoke_agent(db, id, "lost", "admin", 200); });
  store.write([&](Database& db) { revoke_agent(db, id, "again", "admin", 201); });
  CHECK(found);
  CHECK(store.read([](Database& db) { return find_agent_by_credential(db, "abc"); })->revoked);
  CHECK(count(store, "SELECT count(*) FROM audit_log WHERE action = 'revoke'") == 1);
  store.write([&](Database& db) { found = revoke_agent(db, 12345, "", "admin", 200); });
  CHECK_FALSE(found);
}

// A window's maximum and mean against the exact samples, within the bounds of the stored blocks
// (summary_block.h): the maximum never below the exact one.
void check_max_and_mean(const WindowStats& stats, const std::vector<double>& samples) {
  const double max = *std::max_element(samples.begin(), samples.end());
  double sum = 0;
  for (const double v : samples) sum += v;
  CHECK(stats.max >= max);
  CHECK(stats.max - max <= max * kMaxRelativeError);
  CHECK(std::abs(stats.sum - sum) <= sum * kMeanRelativeError);
}

TEST_CASE(
    "store: percentiles from merged sketches stay within 1% of the exact ones, means and maxima "
    "within their bounds") {
  TempDb tmp;
  Store store(tmp.url, 1);
  store.write([](Database& db) { enrol_agent(db, "h1", "srv", "hash", "test", 0); });
  std::mt19937 rng(42);
  std::lognormal_distribution<double> dist(-2.0, 0.8);
  std::vector<double> all;
  const std::int64_t start = 1'700'000'040;  // a minute boundary
  for (int i = 0; i < 600; ++i) {
    std::vector<double> values;
    for (int j = 0; j < 4; ++j) values.push_back(std::min(1.0, dist(rng)));
    all.insert(all.end(), values.begin(), values.end());
    const Batch b = sahab::testing::summary_batch("h1", i + 1, start + i * 60, values);
    store.write([&](Database& db) { store_batch(db, b, "", 0); });
  }
  std::sort(all.begin(), all.end());
  const UtilisationQuery query{"h1", "cpu_ratio", start, start + 600 * 60, 0};
  const auto stats = store.read([&](Database& db) { return query_window(db, query); });
  CHECK(stats.summaries == 600);
  CHECK(stats.sketch.count() == all.size());
  check_max_and_mean(stats, all);
  for (double q : {0.5, 0.9, 0.95, 0.99}) {
    const double exact = all[static_cast<size_t>(q * static_cast<double>(all.size() - 1))];
    const double got = *stats.sketch.quantile(q);
    CHECK(std::abs(got - exact) <= Sketch::kRelativeError * exact * 1.0001);
  }
  const auto series = store.read([&](Database& db) { return query_series(db, query, 3600); });
  REQUIRE(series.size() == 10);
  CHECK(series[0].summaries == 60);
}

TEST_CASE("store: daily rollups answer like the raw summaries once raw ones expire") {
  TempDb tmp;
  Store store(tmp.url, 1);
  store.write([](Database& db) { enrol_agent(db, "h1", "srv", "hash", "test", 0); });
  const std::int64_t day = 20'000 * kSecondsPerDay;
  std::int64_t sequence = 0;
  for (int i = 0; i < 48; ++i) {  // two days, one summary per hour
    const Batch b =
        sahab::testing::summary_batch("h1", ++sequence, day + i * 3600, {0.01 * (i + 1), 0.5});
    store.write([&](Database& db) { store_batch(db, b, "", 0); });
  }
  const UtilisationQuery raw_query{"h1", "cpu_ratio", day, day + 2 * kSecondsPerDay, 0};
  const auto raw = store.read([&](Database& db) { return query_window(db, raw_query); });

  // Within raw retention, whole days with fresh rollups answer the same from the rollups.
  RetentionPolicy keep_all;
  keep_all.raw_seconds = 100 * kSecondsPerDay;
  run_maintenance(store, keep_all, day + 3 * kSecondsPerDay);
  CHECK(count(store, "SELECT coalesce(sum(entries), 0) FROM rollup_blocks") == 2);
  CHECK(count(store, "SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 48);
  const UtilisationQuery partial{"h1", "cpu_ratio", day + 3600, day + 2 * kSecondsPerDay, 0};
  const auto mixed = store.read([&](Database& db) { return query_window(db, partial); });
  const auto raw_only =
      store.read([&](Database& db) { return query_series(db, partial, 2 * kSecondsPerDay); });
  CHECK(mixed.summaries == 47);
  CHECK(mixed.sketch.count() == raw_only[0].sketch.count());
  CHECK(*mixed.sketch.quantile(0.9) == *raw_only[0].sketch.quantile(0.9));

  RetentionPolicy policy;
  policy.raw_seconds = 1 * kSecondsPerDay;
  const std::int64_t now = day + 4 * kSecondsPerDay;  // both days are past raw retention
  const auto report = run_maintenance(store, policy, now);
  CHECK(report.days_rolled_up == 0);  // already rolled up above
  CHECK(report.summaries_deleted == 48);
  CHECK(count(store, "SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 0);
  CHECK(count(store, "SELECT coalesce(sum(entries), 0) FROM rollup_blocks") == 2);

  UtilisationQuery rolled = raw_query;
  rolled.raw_from = raw_from(policy, now);
  const auto from_rollups = store.read([&](Database& db) { return query_window(db, rolled); });
  CHECK(from_rollups.summaries == 48);
  CHECK(from_rollups.sketch.count() == raw.sketch.count());
  CHECK(*from_rollups.sketch.quantile(0.95) == *raw.sketch.quantile(0.95));
  CHECK(from_rollups.max == raw.max);

  // A late summary for an expired day is merged into its rollup, not lost.
  const Batch late = sahab::testing::summary_batch("h1", ++sequence, day + 100, {0.9});
  store.write([&](Database& db) { store_batch(db, late, "", 0); });
  run_maintenance(store, policy, now);
  const auto merged = store.read([&](Database& db) { return query_window(db, rolled); });
  CHECK(merged.sketch.count() == raw.sketch.count() + 1);
  CHECK(count(store, "SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 0);

  // Rollups go after their own retention; stale marking never deletes hosts.
  policy.rollup_seconds = 1 * kSecondsPerDay;
  run_maintenance(store, policy, now);
  CHECK(count(store, "SELECT coalesce(sum(entries), 0) FROM rollup_blocks") == 0);
  CHECK(count(store, "SELECT count(*) FROM hosts WHERE state = 'stale'") == 1);
}

// Day blocks (schema 12): once its day is over, the maintenance job packs a host's hour blocks
// into one block for the day; windows inside it answer as before, late summaries join it.
TEST_CASE("store: a day packed into one block answers every window as its hour blocks did") {
  TempDb tmp;
  Store store(tmp.url, 1);
  store.write([](Database& db) { enrol_agent(db, "h1", "srv", "hash", "test", 0); });
  const std::int64_t day = 20'000 * kSecondsPerDay;
  std::mt19937 rng(7);
  std::lognormal_distribution<double> dist(-2.0, 0.8);
  std::vector<double> first_day;
  std::int64_t sequence = 0;
  for (std::int64_t minute = 0; minute < 2 * 1440; minute += 5) {  // two days, every 5 minutes
    std::vector<double> values;
    for (int j = 0; j < 4; ++j) values.push_back(std::min(1.0, dist(rng)));
    if (minute < 1440) first_day.insert(first_day.end(), values.begin(), values.end());
    const Batch b = sahab::testing::summary_batch("h1", ++sequence, day + minute * 60, values);
    store.write([&](Database& db) { store_batch(db, b, "", 0); });
  }
  const std::vector<UtilisationQuery> windows = {
      {"h1", "cpu_ratio", day, day + kSecondsPerDay, 0},                     // the whole day
      {"h1", "cpu_ratio", day + 5 * 3600 + 600, day + 7 * 3600 + 1800, 0},   // inside it
      {"h1", "cpu_ratio", day + 20 * 3600, day + kSecondsPerDay + 3600, 0},  // across midnight
  };
  std::vector<WindowStats> hourly;
  for (const auto& w : windows)
    hourly.push_back(store.read([&](Database& db) { return query_series(db, w, 1 << 30)[0]; }));

  RetentionPolicy keep_all;
  keep_all.raw_seconds = 100 * kSecondsPerDay;
  run_maintenance(store, keep_all, day + kSecondsPerDay + kRollupSettleSeconds);  // day 2 open
  const std::string first = " FROM summary_blocks WHERE start >= " + std::to_string(day) +
                            " AND start < " + std::to_string(day + kSecondsPerDay);
  CHECK(count(store, "SELECT count(*)" + first) == 1);
  CHECK(count(store, "SELECT max(span)" + first) == kSecondsPerDay);
  CHECK(count(store, "SELECT sum(entries)" + first) == 288);
  // The second day's hours, each made one block during the next, but its last still in pieces.
  CHECK(count(store, "SELECT count(*) FROM summary_blocks WHERE span = 3600") == 23);
  CHECK(count(store, "SELECT count(*) FROM summary_blocks WHERE span < 3600") == 12);
  for (std::size_t i = 0; i < windows.size(); ++i) {
    CAPTURE(i);
    const auto packed =
        store.read([&](Database& db) { return query_series(db, windows[i], 1 << 30)[0]; });
    CHECK(packed.summaries == hourly[i].summaries);
    CHECK(packed.sketch.buckets() == hourly[i].sketch.buckets());
    CHECK(packed.max == hourly[i].max);
    CHECK(packed.sum == doctest::Approx(hourly[i].sum).epsilon(1e-12));
  }
  // Percentiles of the packed day within the sketch's error of the exact ones, the maximum and
  // mean within the blocks' bounds.
  std::sort(first_day.begin(), first_day.end());
  const auto whole =
      store.read([&](Database& db) { return query_series(db, windows[0], 1 << 30); });
  REQUIRE(whole[0].sketch.count() == first_day.size());
  for (const double q : {0.5, 0.9, 0.95, 0.99}) {
    const double exact =
        first_day[static_cast<size_t>(q * static_cast<double>(first_day.size() - 1))];
    CHECK(std::abs(*whole[0].sketch.quantile(q) - exact) <=
          Sketch::kRelativeError * exact * 1.0001);
  }
  check_max_and_mean(whole[0], first_day);

  // A spooled agent's late summaries join the packed day: a new minute is added, a minute
  // already stored is replaced, and no hour block appears beside the day's.
  for (const std::int64_t start : {day + 3, day + 5 * 3600 + 60}) {
    const Batch late = sahab::testing::summary_batch("h1", ++sequence, start, {0.42});
    store.write([&](Database& db) { store_batch(db, late, "", 0); });
  }
  const Batch again = sahab::testing::summary_batch("h1", ++sequence, day + 300, {0.99});
  store.write([&](Database& db) { store_batch(db, again, "", 0); });
  CHECK(count(store, "SELECT count(*)" + first) == 1);
  CHECK(count(store, "SELECT sum(entries)" + first) == 290);
  const auto merged =
      store.read([&](Database& db) { return query_series(db, windows[0], 1 << 30); });
  CHECK(merged[0].summaries == 290);
  CHECK(merged[0].sketch.count() == first_day.size() + 2 - 4 + 1);
}

TEST_CASE("store: a database of schema 11 (hour blocks only) is packed by day after migrating") {
  TempDb tmp;
  const std::int64_t day = 20'000 * kSecondsPerDay;
  std::vector<double> values;
  {
    const auto db = open_database(tmp.url, Database::Mode::kReadWrite);
    migrate(*db, 11);  // as the previous collector left it
    REQUIRE(applied_schema_version(*db) == 11);
    db->exec("BEGIN");
    Statement& insert = db->cached(
        "INSERT INTO summary_blocks(host_id, start, entries, last_end, data) VALUES (?, ?, ?, ?, "
        "?)");
    for (std::int64_t hour = 0; hour < 30; ++hour) {  // a whole day and 6 hours of the next
      std::vector<SummaryEntry> entries;
      for (std::int64_t minute = 0; minute < 60; minute += 20) {
        Sketch sketch;
        const double v = 0.01 * static_cast<double>(hour + 1) + 0.001 * static_cast<double>(minute);
        sketch.add(v, 4);
        values.push_back(v);
        const std::int64_t start = day + hour * 3600 + minute * 60;
        entries.push_back({"cpu_ratio", start, start + 60, 1, 4, v, v, sketch});
      }
      insert.with("h1", day + hour * 3600, 3, entries.back().end, Blob{encode_block(entries)})
          .run();
    }
    db->exec("COMMIT");
  }
  Store store(tmp.url, 1);
  store.write([](Database& db) { enrol_agent(db, "h1", "srv", "hash", "test", 0); });
  CHECK(count(store, "SELECT count(*) FROM summary_blocks WHERE span = 3600") == 30);
  CHECK(count(store, "SELECT count(*) FROM rollup_pending") == 2);  // both days, to pack
  if (sahab::testing::testing_on_postgres()) {  // blocks moved out of line as they are
    CHECK(count(store,
                "SELECT count(*) FROM pg_attribute WHERE attname = 'data' AND "
                "attstorage = 'e' AND attrelid IN ('summary_blocks'::regclass, "
                "'rollup_blocks'::regclass)") == 2);
  }
  RetentionPolicy keep_all;
  keep_all.raw_seconds = 100 * kSecondsPerDay;
  const auto report = run_maintenance(store, keep_all, day + kSecondsPerDay + kRollupSettleSeconds);
  CHECK(report.days_rolled_up == 1);
  CHECK(count(store, "SELECT count(*) FROM summary_blocks") == 1 + 6);
  CHECK(count(store, "SELECT span FROM summary_blocks WHERE start = " + std::to_string(day)) ==
        kSecondsPerDay);
  CHECK(count(store, "SELECT sum(entries) FROM summary_blocks") == 90);
  const UtilisationQuery all{"h1", "cpu_ratio", day, day + 2 * kSecondsPerDay, 0};
  const auto stats = store.read([&](Database& db) { return query_series(db, all, 1 << 30); });
  CHECK(stats[0].summaries == 90);
  CHECK(stats[0].sketch.count() == 360);
  const double max = *std::max_element(values.begin(), values.end());
  CHECK(stats[0].max >= max);
  CHECK(stats[0].max - max <= max * kMaxRelativeError);
}

// Blocks an earlier collector wrote in format 1 (unit/collector/format1_block.h) answer as they
// were written; packing their day writes them again in the current format, within its bounds.
TEST_CASE("store: blocks of format 1 are read as written, and packed within the current bounds") {
  TempDb tmp;
  Store store(tmp.url, 1);
  store.write([](Database& db) { enrol_agent(db, "h1", "srv", "hash", "test", 0); });
  const std::int64_t day = sahab::testing::kFormat1Hour;  // the first hour of its day
  store.write([&](Database& db) {
    db.cached(
          "INSERT INTO summary_blocks(host_id, start, span, entries, last_end, data) "
          "VALUES (?, ?, ?, ?, ?, ?)")
        .with("h1", day, 3600, 4, day + 180, Blob{sahab::testing::format1_block()})
        .run();
  });
  std::vector<double> samples;
  for (const double minute : {0.0, 1.0, 2.0})
    for (const double v : {0.125, 0.25, 0.5, 0.75}) samples.push_back(minute + v);
  const UtilisationQuery window{"h1", "cpu_ratio", day, day + kSecondsPerDay, 0};
  const auto as_written = store.read([&](Database& db) { return query_window(db, window); });
  CHECK(as_written.summaries == 3);
  CHECK(as_written.max == 2.75);
  CHECK(as_written.sum == 16.875);  // exact: every value was exact in float24

  // A summary later in the day marks it for the maintenance job, which packs both blocks.
  const Batch later = sahab::testing::summary_batch("h1", 1, day + 7200, {0.5});
  store.write([&](Database& db) { store_batch(db, later, "", 0); });
  samples.push_back(0.5);
  RetentionPolicy keep_all;
  keep_all.raw_seconds = 100 * kSecondsPerDay;
  run_maintenance(store, keep_all, day + kSecondsPerDay + kRollupSettleSeconds);
  const std::string packed_block = store.read([](Database& db) {
    Statement& s = db.cached("SELECT data FROM summary_blocks WHERE span = 86400");
    std::string data = s.step() ? std::string(s.blob(0)) : "";
    s.reset();
    return data;
  });
  REQUIRE(!packed_block.empty());
  CHECK(packed_block.front() == 2);
  const auto packed = store.read([&](Database& db) { return query_window(db, window); });
  CHECK(packed.summaries == 4);
  CHECK(packed.sketch.count() == samples.size());
  check_max_and_mean(packed, samples);
}

TEST_CASE("store: a database of schema 4 (JSON sketches, one row per metric) keeps its data") {
  TempDb tmp;
  const std::int64_t day = 20'000 * kSecondsPerDay;
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> load(0.05, 0.95);
  std::vector<double> values;
  {
    SqliteDatabase db(tmp.file(), Database::Mode::kReadWrite);
    migrate(db, 4);  // the schema before utilisation blocks, as the previous collector made it
    REQUIRE(applied_schema_version(db) == 4);
    Statement& raw = db.cached(
        "INSERT INTO summaries(host_id, metric, start, end, count, mean, max, sketch) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (std::int64_t minute = 0; minute < 120; ++minute) {  // two hours of the next day
      Sketch sketch;
      double sum = 0, max = 0;
      for (int i = 0; i < 4; ++i) {
        values.push_back(load(rng));
        sketch.add(values.back());
        sum += values.back();
        max = std::max(max, values.back());
      }
      const std::int64_t start = day + kSecondsPerDay + minute * 60;
      for (const char* metric : {"cpu_ratio", "memory_ratio"}) {
        raw.with("h1", metric, start, start + 60, 4, sum / 4, max, sketch.to_json().dump()).run();
      }
    }
    Sketch daily;
    daily.add(0.5, 5760);
    db.cached(
          "INSERT INTO rollups(host_id, metric, day, summaries, count, mean, max, sketch) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .with("h1", "cpu_ratio", day, 1440, 5760, 0.5, 0.75, daily.to_json().dump())
        .run();
    // A row damaged on disk: kept with its counts, without its sketch, and the rest moves on.
    db.cached(
          "INSERT INTO rollups(host_id, metric, day, summaries, count, mean, max, sketch) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .with("h1", "memory_ratio", day, 1440, 5760, 0.5, 0.75, "{\"-99999\": 1}")
        .run();
  }
  Store store(tmp.file(), 1);
  CHECK(count(store, "PRAGMA user_version") == schema_version());
  CHECK(count(store, "SELECT count(*) FROM sqlite_master WHERE name IN ('summaries', 'rollups')") ==
        0);
  CHECK(count(store, "SELECT count(*) FROM summary_blocks") == 2);  // two hours
  CHECK(count(store, "SELECT sum(entries) FROM summary_blocks") == 240);
  CHECK(count(store, "SELECT sum(entries) FROM rollup_blocks") == 2);

  const UtilisationQuery raw_window{"h1", "cpu_ratio", day + kSecondsPerDay,
                                    day + 2 * kSecondsPerDay, 0};
  const auto stats = store.read([&](Database& db) { return query_window(db, raw_window); });
  CHECK(stats.summaries == 120);
  REQUIRE(stats.sketch.count() == values.size());
  std::sort(values.begin(), values.end());
  for (const double q : {0.5, 0.95, 0.99}) {
    const double exact = values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
    CHECK(std::abs(*stats.sketch.quantile(q) - exact) <= Sketch::kRelativeError * exact * 1.0001);
  }
  check_max_and_mean(stats, values);

  const UtilisationQuery rolled{"h1", "cpu_ratio", day, day + kSecondsPerDay, day + kSecondsPerDay};
  const auto from_rollup = store.read([&](Database& db) { return query_window(db, rolled); });
  CHECK(from_rollup.summaries == 1440);
  CHECK(from_rollup.sketch.count() == 5760);
  CHECK(from_rollup.max == 0.75);
  UtilisationQuery damaged = rolled;
  damaged.metric = "memory_ratio";
  const auto kept = store.read([&](Database& db) { return query_window(db, damaged); });
  CHECK(kept.summaries == 1440);
  CHECK(kept.sketch.empty());
}

TEST_CASE("store: the WAL file is truncated after a burst that a long reader made it grow") {
  TempDb tmp;
  Store store(tmp.file(), 2);
  SummaryPusher push{store};
  burst_behind_pinned_reader(store, push);
  CHECK(wal_bytes(tmp) > 8u << 20);  // well past the limit, as after agents replayed their spools
  // The checkpointer runs every second; give it a few rounds on a busy machine.
  for (int i = 0; i < 100 && wal_bytes(tmp) > 4u << 20; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(wal_bytes(tmp) <= 4u << 20);
  CHECK(count(store, "SELECT sum(batches) FROM batch_marks") == 2000);
}

// As in the soak (bench/soak.sh): agents catch up after an outage while the others keep pushing
// and API requests keep reading, so the store is never idle after the burst. The WAL must come
// back under the limit all the same, not stay at the size the burst gave it.
TEST_CASE("store: the WAL file comes back under the limit after a burst while pushes go on") {
  TempDb tmp;
  Store store(tmp.file(), 4);
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        count(store, "SELECT count(*) FROM batch_marks");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  SummaryPusher push{store};
  burst_behind_pinned_reader(store, push);
  CHECK(wal_bytes(tmp) > 8u << 20);
  // Then the steady load: a push every 10 ms for up to 15 s, until the WAL is back under.
  for (int i = 0; i < 1500 && wal_bytes(tmp) > 4u << 20; ++i) {
    push(i % 200, 10 + i / 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(wal_bytes(tmp) <= 4u << 20);
  done = true;
  for (auto& reader : readers) reader.join();
}

TEST_CASE("store: a database of schema 9 (one row per batch) keeps each host's highest sequence") {
  TempDb tmp;
  {
    SqliteDatabase db(tmp.file(), Database::Mode::kReadWrite);
    migrate(db, 9);
    db.exec(
        "INSERT INTO batches(host_id, sequence, received_at, summaries) VALUES "
        "('h1', 1, 100, 1), ('h1', 2, 160, 1), ('h1', 4, 280, 1), ('h2', 9, 50, 3)");
  }
  Store store(tmp.file(), 1);
  CHECK(count(store, "SELECT count(*) FROM sqlite_master WHERE name = 'batches'") == 0);
  CHECK(count(store, "SELECT sequence * 1000 + batches FROM batch_marks WHERE host_id = 'h1'") ==
        4003);
  CHECK(count(store, "SELECT received_at FROM batch_marks WHERE host_id = 'h1'") == 280);
  // Batch 3 never arrived; the agent sends oldest first, so it was dropped from its spool: a
  // late copy is taken for a replay.
  const Batch late = sahab::testing::summary_batch("h1", 3, 1'000'000, {0.1});
  BatchOutcome outcome{};
  store.write([&](Database& db) { outcome = store_batch(db, late, "10.0.0.1", 300); });
  CHECK(outcome == BatchOutcome::kDuplicate);
  CHECK(count(store, "SELECT sequence FROM batch_marks WHERE host_id = 'h2'") == 9);
}

TEST_CASE("store: an exclusive job runs once while another holder has its lock (PostgreSQL)") {
  TempDb tmp;
  Store store(tmp.url, 1);
  int runs = 0;
  CHECK(store.run_exclusive(42, [&] { ++runs; }));
  CHECK(runs == 1);
  if (!sahab::testing::testing_on_postgres()) return;  // SQLite: one collector per file
  // Another collector (another connection) holds the lock: the job is skipped, not waited for.
  const auto other = open_database(tmp.url, Database::Mode::kReadWrite);
  CHECK(other->scalar("SELECT pg_try_advisory_lock(42)") == 1);
  CHECK_FALSE(store.run_exclusive(42, [&] { ++runs; }));
  CHECK(store.run_exclusive(43, [&] { ++runs; }));  // another job's lock is free
  CHECK(runs == 2);
  other->scalar("SELECT pg_advisory_unlock(42)");
  // A job that throws releases the lock.
  CHECK_THROWS_AS(store.run_exclusive(42, [] { throw std::runtime_error("half way"); }),
                  std::runtime_error);
  CHECK(other->scalar("SELECT pg_try_advisory_lock(42)") == 1);
  other->scalar("SELECT pg_advisory_unlock(42)");
  CHECK(store.run_exclusive(42, [&] { ++runs; }));
  CHECK(runs == 3);
  // Jobs of different keys run at the same time (a source's run during the maintenance): the
  // locks' connection is not held for a whole job.
  CHECK(store.run_exclusive(42, [&] { CHECK(store.run_exclusive(43, [&] { ++runs; })); }));
  CHECK(runs == 4);
}

TEST_CASE(
    "store: the statement cache closes the least recently used past its limit, not one read") {
  TempDb tmp;
  const auto db = open_database(tmp.url, Database::Mode::kReadWrite);
  db->limit_cached_statements(8);
  Statement& outer = db->cached("VALUES (1), (2)");
  REQUIRE(outer.step());
  for (int i = 0; i < 100; ++i) CHECK(db->scalar("SELECT " + std::to_string(i)) == i);
  CHECK(db->cached_statements() == 8);
  // Rows still being read keep their statement: closing it would pull the loop's rows away.
  CHECK(outer.integer(0) == 1);
  REQUIRE(outer.step());
  CHECK(outer.integer(0) == 2);
  CHECK_FALSE(outer.step());
  if (sahab::testing::testing_on_postgres()) {
    // Closed statements are deallocated on the server too.
    CHECK(db->scalar("SELECT count(*) FROM pg_prepared_statements") <= 8);
  }
  CHECK(db->scalar("SELECT 7") == 7);  // one closed comes back, prepared again
}

namespace {

// Makes every commit of a transaction that inserted into held_commits wait, inside COMMIT, for
// the advisory lock `key` that the test holds on `admin` (a deferred constraint trigger runs at
// commit time): a commit held half way, as a slow WAL flush would hold it. PostgreSQL only.
void hold_commits_on(Database& admin, int key) {
  admin.exec("CREATE TABLE held_commits(x integer)");
  admin.exec(
      "CREATE FUNCTION hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "PERFORM pg_advisory_lock(" +
      std::to_string(key) + "); PERFORM pg_advisory_unlock(" + std::to_string(key) +
      "); RETURN NULL; END $$");
  admin.exec(
      "CREATE CONSTRAINT TRIGGER held AFTER INSERT ON held_commits DEFERRABLE INITIALLY DEFERRED "
      "FOR EACH ROW EXECUTE FUNCTION hold_commit()");
  admin.scalar("SELECT pg_advisory_lock(" + std::to_string(key) + ")");
}

// Waits (at most 10 s) until a session waits for the advisory lock `key`.
bool someone_waits_for(Database& admin, int key) {
  for (int i = 0; i < 1'000; ++i) {
    if (admin.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = " +
                     std::to_string(key) + " AND NOT granted") > 0)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool done_within(std::future<BatchOutcome>& f, std::chrono::seconds limit) {
  return f.wait_for(limit) == std::future_status::ready;
}

}  // namespace

TEST_CASE("store: while a host's commit waits, other hosts' pushes are stored and its own wait") {
  if (!sahab::testing::testing_on_postgres()) return;  // SQLite has one writer: nothing overlaps
  TempDb tmp;
  Store store(tmp.url, 1);
  const auto admin = open_database(tmp.url, Database::Mode::kReadWrite);
  hold_commits_on(*admin, 7);
  const auto push = [&](const std::string& host, std::int64_t sequence, bool held) {
    return std::async(std::launch::async, [&store, host, sequence, held] {
      const Batch b = sahab::testing::summary_batch(host, sequence, 1'000'000 + sequence * 60);
      BatchOutcome outcome{};
      store.write_for_host(host, [&](Database& db) {
        if (held) db.exec("INSERT INTO held_commits VALUES (1)");
        outcome = store_batch(db, b, "10.0.0.1", sequence);
      });
      return outcome;
    });
  };
  // No REQUIRE until the lock is released: a future left waiting would hang the test's end.
  auto first = push("h1", 1, true);
  CHECK(someone_waits_for(*admin, 7));  // h1's batch 1 is in its COMMIT
  std::vector<std::future<BatchOutcome>> others;
  for (int host = 2; host < 10; ++host)
    others.push_back(push("h" + std::to_string(host), 1, false));
  // Hosts of other lanes are stored meanwhile (one writer would wait for h1's commit); the few
  // that share h1's lane wait behind it.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(std::count_if(others.begin(), others.end(),
                      [](auto& f) { return done_within(f, std::chrono::seconds(0)); }) >= 4);
  auto replay = push("h1", 1, false);
  auto next = push("h1", 2, false);
  // Not acknowledged, not visible, and h1's later pushes wait for it.
  CHECK_FALSE(done_within(first, std::chrono::seconds(0)));
  CHECK(admin->scalar("SELECT count(*) FROM batch_marks WHERE host_id = 'h1'") == 0);
  CHECK_FALSE(done_within(replay, std::chrono::seconds(0)));
  CHECK_FALSE(done_within(next, std::chrono::seconds(0)));
  admin->scalar("SELECT pg_advisory_unlock(7)");
  REQUIRE(done_within(first, std::chrono::seconds(10)));
  REQUIRE(done_within(replay, std::chrono::seconds(10)));
  REQUIRE(done_within(next, std::chrono::seconds(10)));
  CHECK(first.get() == BatchOutcome::kStored);
  CHECK(replay.get() == BatchOutcome::kDuplicate);
  CHECK(next.get() == BatchOutcome::kStored);
  for (auto& other : others) CHECK(other.get() == BatchOutcome::kStored);
  CHECK(count(store, "SELECT sequence * 1000 + batches FROM batch_marks WHERE host_id = 'h1'") ==
        2002);
  CHECK(count(store, "SELECT sum(entries) FROM summary_blocks WHERE host_id = 'h1'") == 2);
}

TEST_CASE("store: agents replaying the same batches at once: each stored once, marks in order") {
  TempDb tmp;
  Store store(tmp.url, 1);
  constexpr int kHosts = 4, kBatches = 20, kCopies = 6;
  std::atomic<int> stored{0};
  std::vector<std::thread> copies;
  for (int copy = 0; copy < kCopies; ++copy) {
    copies.emplace_back([&, copy] {
      for (int sequence = 1; sequence <= kBatches; ++sequence) {
        for (int host = 0; host < kHosts; ++host) {
          const std::string id = "h" + std::to_string(host);
          const Batch b = sahab::testing::summary_batch(id, sequence, 1'000'000 + sequence * 60);
          const auto job = [&](Database& db) {
            if (store_batch(db, b, "10.0.0.1", sequence) == BatchOutcome::kStored) ++stored;
          };
          // Half the copies through a host's lane, half as jobs of no host (run alone).
          copy % 2 ? store.write(job) : store.write_for_host(id, job);
        }
      }
    });
  }
  for (auto& copy : copies) copy.join();
  CHECK(stored == kHosts * kBatches);
  CHECK(
      count(store, "SELECT count(*) FROM batch_marks WHERE sequence = " + std::to_string(kBatches) +
                       " AND batches = " + std::to_string(kBatches)) == kHosts);
  CHECK(count(store, "SELECT sum(entries) FROM summary_blocks") == kHosts * kBatches);
}

namespace {
// A statement of a push failing at the server after the push's first statements went ahead
// (PostgreSQL's pipeline) or at once (SQLite): the primary key of the batch's own mark, again.
void store_then_fail(Database& db, const Batch& batch) {
  store_batch(db, batch, "10.0.0.1", 1);
  db.cached("INSERT INTO batch_marks(host_id, sequence, received_at, batches) VALUES (?, 1, 0, 1)")
      .with(batch.host_id)
      .run();
}

std::int64_t marks_of(Store& store, const std::string& host) {
  return count(store, "SELECT count(*) FROM batch_marks WHERE host_id = '" + host + "'");
}
}  // namespace

TEST_CASE("store: a push whose statement fails is not acknowledged nor kept, its lane goes on") {
  TempDb tmp;
  Store store(tmp.url, 1);
  const auto batch = [](const std::string& host) {
    return sahab::testing::summary_batch(host, 1, 1'000'000);
  };
  // Alone in its transaction.
  CHECK_THROWS_AS(
      store.write_for_host("h1", [&](Database& db) { store_then_fail(db, batch("f1")); }),
      StoreError);
  CHECK(marks_of(store, "f1") == 0);
  // In a group of three queued behind a job that holds the lane: the failing one undone alone.
  std::promise<void> release;
  auto holder = std::async(std::launch::async, [&] {
    store.write_for_host("h1", [&](Database&) { release.get_future().wait(); });
  });
  const auto push = [&](const std::string& host, bool fail) {
    return std::async(std::launch::async, [&store, &batch, host, fail] {
      store.write_for_host("h1", [&](Database& db) {
        fail ? store_then_fail(db, batch(host)) : (void)store_batch(db, batch(host), "", 1);
      });
    });
  };
  auto first = push("g1", false);
  auto failing = push("f2", true);
  auto last = push("g2", false);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // all three queued
  release.set_value();
  holder.get();
  CHECK_NOTHROW(first.get());
  CHECK_THROWS_AS(failing.get(), StoreError);
  CHECK_NOTHROW(last.get());
  CHECK(marks_of(store, "g1") == 1);
  CHECK(marks_of(store, "f2") == 0);
  CHECK(marks_of(store, "g2") == 1);
  // The lane's connection is usable: the failed pushes are stored when sent again.
  for (const char* host : {"f1", "f2"}) {
    store.write_for_host("h1", [&](Database& db) { store_batch(db, batch(host), "", 1); });
    CHECK(marks_of(store, host) == 1);
  }
  CHECK(count(store, "SELECT sum(entries) FROM summary_blocks") == 4);
}

TEST_CASE("store: pushes are stored while a background upkeep job's transaction is open") {
  TempDb tmp;
  Store store(tmp.url, 1);
  const Batch batch = sahab::testing::summary_batch("h1", 1, 1'000'000);
  if (!sahab::testing::testing_on_postgres()) {
    // One writer: the job runs as write() does, and what it wrote is committed.
    store.write_background([&](Database& db) { store_batch(db, batch, "", 1); });
    CHECK(marks_of(store, "h1") == 1);
    return;
  }
  // The job waits, inside its transaction, for a push of another host to be acknowledged: through
  // write() every lane would wait for the job, and it would give up after 10 s.
  std::promise<void> in_job, pushed;
  auto upkeep = std::async(std::launch::async, [&] {
    bool push_went_through = false;
    store.write_background([&](Database& db) {
      db.exec("UPDATE hosts SET state = 'stale' WHERE state = 'active'");  // holds its rows
      in_job.set_value();
      push_went_through =
          pushed.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    });
    return push_went_through;
  });
  in_job.get_future().wait();
  store.write_for_host("h1", [&](Database& db) { store_batch(db, batch, "", 1); });
  pushed.set_value();
  CHECK(upkeep.get());
  CHECK(marks_of(store, "h1") == 1);
  // A job that throws is rolled back, and the next one runs on the same connection.
  CHECK_THROWS_AS(store.write_background([](Database& db) {
    db.exec("DELETE FROM batch_marks");
    throw std::runtime_error("half way");
  }),
                  std::runtime_error);
  CHECK(marks_of(store, "h1") == 1);
  store.write_background([](Database& db) { db.exec("DELETE FROM batch_marks"); });
  CHECK(marks_of(store, "h1") == 0);
}
