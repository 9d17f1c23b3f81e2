// collector/store/maintenance: completed days are rolled up, raw summaries and rollups past their
// retention are deleted (exactly those), silent agent hosts are marked stale (never deleted).
#include "collector/store/maintenance.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "collector/store/agents.h"
#include "collector/store/imports.h"
#include "collector/store/summary_blocks.h"
#include "common/sketch.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

constexpr std::int64_t kDay = kSecondsPerDay;
constexpr std::int64_t kEpochDay = 20'000 * kDay;  // 2024-10-04 00:00 UTC

// One batch of one-minute cpu summaries of host `host` starting at each of `starts`, each the
// summary of `values`.
void push(testing::TempStore& s, const std::string& host, std::int64_t sequence,
          const std::vector<std::int64_t>& starts, const std::vector<double>& values) {
  Batch b;
  b.host_id = host;
  b.sequence = sequence;
  for (const auto start : starts) {
    Summary summary;
    summary.start = start;
    summary.end = start + 60;
    MetricSummary m;
    m.metric = "cpu_ratio";
    for (const double v : values) {
      m.sketch.add(v);
      m.mean += v / static_cast<double>(values.size());
      m.max = std::max(m.max, v);
    }
    m.count = static_cast<std::int64_t>(values.size());
    summary.metrics.push_back(m);
    b.summaries.push_back(summary);
  }
  s.write([&](Database& db) { store_batch(db, b, "10.0.0.1", starts.empty() ? 0 : starts[0]); });
}

std::vector<std::int64_t> column(testing::TempStore& s, const std::string& sql) {
  return s.read([&](Database& db) {
    std::vector<std::int64_t> out;
    Statement& q = db.cached(sql);
    q.reset();
    while (q.step()) out.push_back(q.integer(0));
    return out;
  });
}

// Every entry of host h1 stored in `table`, in block order.
std::vector<SummaryEntry> entries(testing::TempStore& s, BlockTable table) {
  return s.read([&](Database& db) {
    std::vector<SummaryEntry> out;
    for_each_block(db, table, "h1", std::numeric_limits<std::int64_t>::min(),
                   std::numeric_limits<std::int64_t>::max(),
                   [&](std::int64_t, std::vector<SummaryEntry>& block) {
                     out.insert(out.end(), block.begin(), block.end());
                   });
    return out;
  });
}

// One field of each of h1's rollups, day by day.
std::vector<std::int64_t> rollup_field(testing::TempStore& s, std::int64_t SummaryEntry::*field) {
  std::vector<std::int64_t> out;
  for (const auto& e : entries(s, BlockTable::kRollups)) out.push_back(e.*field);
  return out;
}

// Hosts are made by enrolment; upkeep goes through the hosts it knows.
void enrol(testing::TempStore& s, const std::string& host) {
  s.write([&](Database& db) { enrol_agent(db, host, host, "sha-" + host, "10.0.0.1", 0); });
}

}  // namespace

TEST_CASE("maintenance: raw_from is the day boundary of now minus the raw retention") {
  RetentionPolicy policy;
  policy.raw_seconds = 3 * kDay;
  CHECK(raw_from(policy, kEpochDay + 10 * kDay) == kEpochDay + 7 * kDay);
  CHECK(raw_from(policy, kEpochDay + 10 * kDay + 5 * 3600) == kEpochDay + 7 * kDay);
  CHECK(raw_from(policy, kEpochDay + 11 * kDay - 1) == kEpochDay + 7 * kDay);
  CHECK(day_of(-1) == -kDay);  // before 1970 too, days start at 00:00
  CHECK(day_of(0) == 0);
}

TEST_CASE("maintenance: raw summaries go exactly at the retention boundary, after their rollup") {
  testing::TempStore s;
  s.write([](Database& db) { enrol_agent(db, "h1", "srv", "sha", "10.0.0.1", kEpochDay); });
  const std::int64_t boundary = kEpochDay + 7 * kDay;
  push(s, "h1", 1,
       {boundary - kDay, boundary - 60, boundary, boundary + 60, boundary + kDay + 3600},
       {0.25, 0.75});
  RetentionPolicy policy;
  policy.raw_seconds = 3 * kDay;
  const std::int64_t now = kEpochDay + 10 * kDay + 5 * 3600;
  REQUIRE(raw_from(policy, now) == boundary);

  // The collector's upkeep runs every few minutes: each day is rolled up once it has settled,
  // long before its raw summaries expire.
  const auto rolled = run_maintenance(s.store, policy, boundary + 2 * kDay + kRollupSettleSeconds);
  // Three completed days held data: boundary-1d (two summaries), boundary, boundary+1d.
  CHECK(rolled.days_rolled_up == 3);
  CHECK(rolled.summaries_deleted == 0);
  CHECK(s.scalar("SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 5);
  CHECK(column(s, "SELECT start FROM rollup_blocks ORDER BY start") ==
        std::vector<std::int64_t>{boundary - kDay, boundary, boundary + kDay});
  CHECK(rollup_field(s, &SummaryEntry::summaries) == std::vector<std::int64_t>{2, 2, 1});
  CHECK(s.scalar("SELECT count(*) FROM rollup_pending") == 0);

  const auto report = run_maintenance(s.store, policy, now);
  CHECK(report.days_rolled_up == 0);
  CHECK(report.summaries_deleted == 2);
  CHECK(report.rollups_deleted == 0);
  CHECK(column(s, "SELECT start FROM summary_blocks ORDER BY start") ==
        std::vector<std::int64_t>{boundary, boundary + kDay});  // the days holding the 3 left
  CHECK(rollup_field(s, &SummaryEntry::start).size() == 3);
  std::vector<std::int64_t> raw_starts;
  for (const auto& e : entries(s, BlockTable::kSummaries)) raw_starts.push_back(e.start);
  CHECK(raw_starts == std::vector<std::int64_t>{boundary, boundary + 60, boundary + kDay + 3600});
  CHECK(s.scalar("SELECT coalesce(sum(entries), 0) FROM rollup_blocks") == 3);

  // Nothing more to do on a second run.
  const auto again = run_maintenance(s.store, policy, now);
  CHECK(again.days_rolled_up == 0);
  CHECK(again.summaries_deleted == 0);
  CHECK(again.rollups_deleted == 0);
}

TEST_CASE("maintenance: a rollup merges the day's summaries: counts, weighted mean, max") {
  testing::TempStore s;
  enrol(s, "h1");
  push(s, "h1", 1, {kEpochDay, kEpochDay + 60}, {0.1, 0.2, 0.3});
  push(s, "h1", 2, {kEpochDay + 120}, {0.9});
  run_maintenance(s.store, RetentionPolicy{}, kEpochDay + kDay + kRollupSettleSeconds);
  const auto rollups = entries(s, BlockTable::kRollups);
  REQUIRE(rollups.size() == 1);
  const SummaryEntry& day = rollups.front();
  CHECK(day.start == kEpochDay);
  CHECK(day.summaries == 3);
  CHECK(day.count == 7);
  // A rollup is computed from stored entries and stored again: within twice the blocks' bounds
  // (summary_block.h), its maximum never below the exact one.
  const double mean = (0.1 + 0.2 + 0.3) * 2 / 7 + 0.9 / 7;
  CHECK(std::abs(day.mean - mean) <= mean * 2 * kMeanRelativeError);
  CHECK(day.max >= 0.9);
  CHECK(day.max - 0.9 <= 0.9 * 2 * kMaxRelativeError);
  CHECK(day.sketch.count() == 7);
}

// A day is packed into one block when rolled up, and a summary arriving after that rewrites the
// whole block: the day waits kRollupSettleSeconds after its end for late spools.
TEST_CASE("maintenance: a day is rolled up and packed only once it has settled after its end") {
  testing::TempStore s;
  enrol(s, "h1");
  const std::int64_t today = kEpochDay + 3 * kDay;
  push(s, "h1", 1, {today + 60}, {0.5});
  const auto report = run_maintenance(s.store, RetentionPolicy{}, today + 3600);
  CHECK(report.days_rolled_up == 0);
  CHECK(s.scalar("SELECT coalesce(sum(entries), 0) FROM rollup_blocks") == 0);
  CHECK(s.scalar("SELECT count(*) FROM rollup_pending") == 1);
  const std::int64_t settled = today + kDay + kRollupSettleSeconds;
  CHECK(run_maintenance(s.store, RetentionPolicy{}, settled - 1).days_rolled_up == 0);
  CHECK(s.scalar("SELECT max(span) FROM summary_blocks") == 1);  // the push's piece
  CHECK(run_maintenance(s.store, RetentionPolicy{}, settled).days_rolled_up == 1);
  CHECK(s.scalar("SELECT max(span) FROM summary_blocks") == kDay);
}

TEST_CASE("maintenance: more pending days than one job takes are all rolled up in one run") {
  testing::TempStore s;
  enrol(s, "h1");
  enrol(s, "h2");
  std::vector<std::int64_t> starts;
  for (int day = 0; day < 450; ++day) starts.push_back(kEpochDay + day * kDay + 600);
  push(s, "h1", 1, starts, {0.5});
  push(s, "h2", 1, {kEpochDay + 600}, {0.5});
  RetentionPolicy keep;
  keep.raw_seconds = keep.rollup_seconds = 1000 * kDay;
  const auto report = run_maintenance(s.store, keep, kEpochDay + 460 * kDay);
  CHECK(report.days_rolled_up == 451);
  CHECK(s.scalar("SELECT coalesce(sum(entries), 0) FROM rollup_blocks") == 451);
  CHECK(s.scalar("SELECT count(*) FROM rollup_pending") == 0);
  CHECK(report.summaries_deleted == 0);
}

TEST_CASE("maintenance: late summaries of a day past retention join its rollup, counted deleted") {
  testing::TempStore s;
  enrol(s, "h1");
  RetentionPolicy policy;
  policy.raw_seconds = 2 * kDay;
  push(s, "h1", 1, {kEpochDay + 60}, {0.25});
  run_maintenance(s.store, policy, kEpochDay + kDay + kRollupSettleSeconds);
  CHECK(s.scalar("SELECT coalesce(sum(entries), 0) FROM rollup_blocks") == 1);
  // A long-spooled agent sends two more summaries of that day once its raw rows have expired.
  const std::int64_t now = kEpochDay + 10 * kDay;
  CHECK(run_maintenance(s.store, policy, now).summaries_deleted == 1);
  push(s, "h1", 2, {kEpochDay + 120, kEpochDay + 180}, {0.75});
  const auto report = run_maintenance(s.store, policy, now);
  CHECK(report.days_rolled_up == 1);
  CHECK(report.summaries_deleted == 2);
  CHECK(s.scalar("SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 0);
  CHECK(rollup_field(s, &SummaryEntry::summaries) == std::vector<std::int64_t>{3});
  CHECK(rollup_field(s, &SummaryEntry::count) == std::vector<std::int64_t>{3});
}

TEST_CASE("maintenance: rollups go exactly at their own retention boundary") {
  testing::TempStore s;
  enrol(s, "h1");
  push(s, "h1", 1, {kEpochDay + 60, kEpochDay + kDay + 60, kEpochDay + 2 * kDay + 60}, {0.5});
  RetentionPolicy policy;
  policy.raw_seconds = 1 * kDay;
  policy.rollup_seconds = 5 * kDay;
  // Rolled up and raw rows gone first, then the rollups' boundary moves over them day by day.
  CHECK(run_maintenance(s.store, policy, kEpochDay + 5 * kDay).rollups_deleted == 0);
  CHECK(s.scalar("SELECT coalesce(sum(entries), 0) FROM summary_blocks") == 0);
  CHECK(s.scalar("SELECT coalesce(sum(entries), 0) FROM rollup_blocks") == 3);
  CHECK(run_maintenance(s.store, policy, kEpochDay + 6 * kDay - 1).rollups_deleted == 0);
  CHECK(run_maintenance(s.store, policy, kEpochDay + 6 * kDay).rollups_deleted == 1);
  CHECK(column(s, "SELECT start FROM rollup_blocks ORDER BY start") ==
        std::vector<std::int64_t>{kEpochDay + kDay, kEpochDay + 2 * kDay});
  CHECK(run_maintenance(s.store, policy, kEpochDay + 8 * kDay).rollups_deleted == 2);
  CHECK(s.scalar("SELECT coalesce(sum(entries), 0) FROM rollup_blocks") == 0);
}

TEST_CASE("maintenance: retention reaches every host, whatever the run of hosts a job deletes") {
  testing::TempStore s;
  // More than two jobs' worth of hosts, ids padded so that every collation orders them alike:
  // a host at the edge of a job's range keeps or loses exactly its own blocks.
  const std::size_t hosts = 2 * kHostsPerRetentionJob + 1;
  const std::int64_t raw_boundary = kEpochDay + 10 * kDay;
  const std::int64_t rollup_boundary = kEpochDay + 5 * kDay;
  s.write([&](Database& db) {
    for (std::size_t i = 0; i < hosts; ++i) {
      const std::string digits = std::to_string(i);
      const std::string host = "h" + std::string(4 - digits.size(), '0') + digits;
      enrol_agent(db, host, host, "sha-" + host, "10.0.0.1", 0);
      const auto entry = [](std::int64_t start) {
        SummaryEntry e{"cpu_ratio", start, start + 60, 1, 1, 0.5, 0.5, {}};
        e.sketch.add(0.5);
        return std::vector<SummaryEntry>{e};
      };
      write_block(db, BlockTable::kSummaries, host, raw_boundary - kDay, entry(raw_boundary - 60));
      write_block(db, BlockTable::kSummaries, host, raw_boundary, entry(raw_boundary));
      write_block(db, BlockTable::kRollups, host, rollup_boundary - kDay,
                  entry(rollup_boundary - kDay));
      write_block(db, BlockTable::kRollups, host, rollup_boundary, entry(rollup_boundary));
    }
  });
  RetentionPolicy policy;
  policy.raw_seconds = 3 * kDay;
  policy.rollup_seconds = 8 * kDay;
  const std::int64_t now = raw_boundary + 3 * kDay;
  REQUIRE(raw_from(policy, now) == raw_boundary);
  const auto report = run_maintenance(s.store, policy, now);
  CHECK(report.summaries_deleted == static_cast<std::int64_t>(hosts));
  CHECK(report.rollups_deleted == static_cast<std::int64_t>(hosts));
  CHECK(s.scalar("SELECT count(DISTINCT host_id) FROM summary_blocks WHERE start = " +
                 std::to_string(raw_boundary)) == static_cast<std::int64_t>(hosts));
  CHECK(s.scalar("SELECT count(*) FROM summary_blocks") == static_cast<std::int64_t>(hosts));
  CHECK(s.scalar("SELECT count(DISTINCT host_id) FROM rollup_blocks WHERE start = " +
                 std::to_string(rollup_boundary)) == static_cast<std::int64_t>(hosts));
  CHECK(s.scalar("SELECT count(*) FROM rollup_blocks") == static_cast<std::int64_t>(hosts));
}

TEST_CASE("maintenance: expired blocks are swept when a retention boundary moves, not every pass") {
  testing::TempStore s;
  enrol(s, "h1");
  const auto expired_block = [&s](std::int64_t start) {
    s.write([&](Database& db) {
      SummaryEntry e{"cpu_ratio", start, start + 60, 1, 1, 0.5, 0.5, {}};
      e.sketch.add(0.5);
      write_block(db, BlockTable::kSummaries, "h1", start, {e});
    });
  };
  RetentionPolicy policy;
  policy.raw_seconds = 3 * kDay;
  MaintenanceMemory memory;
  const std::int64_t now = kEpochDay + 10 * kDay;
  expired_block(kEpochDay);
  CHECK(run_maintenance(s.store, policy, now, memory).summaries_deleted == 1);  // the first pass
  // Later passes of the same day leave the sweep alone: a block that lands behind the boundary
  // meanwhile waits for its next move (in use, only late summaries land there, and their day's
  // roll-up deletes them).
  expired_block(kEpochDay + kDay);
  CHECK(run_maintenance(s.store, policy, now + 300, memory).summaries_deleted == 0);
  CHECK(run_maintenance(s.store, policy, now + kDay - 1, memory).summaries_deleted == 0);
  CHECK(s.scalar("SELECT count(*) FROM summary_blocks") == 1);
  CHECK(run_maintenance(s.store, policy, now + kDay, memory).summaries_deleted == 1);
  // A collector's first pass (no memory yet) sweeps.
  expired_block(kEpochDay + 2 * kDay);
  CHECK(run_maintenance(s.store, policy, now + kDay + 300, memory).summaries_deleted == 0);
  CHECK(run_maintenance(s.store, policy, now + kDay + 300).summaries_deleted == 1);
}

TEST_CASE("maintenance: only agent hosts silent past stale_after are marked stale, none deleted") {
  testing::TempStore s;
  const std::int64_t now = kEpochDay;
  s.write([&](Database& db) {
    enrol_agent(db, "silent", "a", "sha-1", "10.0.0.1", now - 3601);
    enrol_agent(db, "edge", "b", "sha-2", "10.0.0.2", now - 3600);
    enrol_agent(db, "fresh", "c", "sha-3", "10.0.0.3", now - 10);
    upsert_imported_host(db, nlohmann::json{{"id", "vm-old"}}, now - 100 * kDay);
  });
  const auto report = run_maintenance(s.store, RetentionPolicy{}, now);
  CHECK(report.hosts_marked_stale == 1);
  CHECK(s.scalar("SELECT count(*) FROM hosts") == 4);
  CHECK(s.scalar("SELECT count(*) FROM hosts WHERE state = 'stale' AND id = 'silent'") == 1);
  CHECK(s.scalar("SELECT count(*) FROM hosts WHERE state = 'imported' AND id = 'vm-old'") == 1);
  // Already stale hosts are not counted again; a push makes a host active again.
  CHECK(run_maintenance(s.store, RetentionPolicy{}, now).hosts_marked_stale == 0);
  push(s, "silent", 1, {now}, {0.5});
  CHECK(s.scalar("SELECT count(*) FROM hosts WHERE state = 'stale'") == 0);
}

TEST_CASE("maintenance: an hour whose stored block is unreadable does not stop the upkeep") {
  testing::TempStore s;
  enrol(s, "h1");
  push(s, "h1", 1, {kEpochDay + 60, kEpochDay + 3600 + 60, kEpochDay + 3600 + 120}, {0.5});
  s.write([](Database& db) {
    db.cached("UPDATE summary_blocks SET data = ? WHERE start = ?")
        .with(Blob{std::string_view("\x01\xff\x00", 3)}, kEpochDay + 60)
        .run();
  });
  const auto report =
      run_maintenance(s.store, RetentionPolicy{}, kEpochDay + kDay + kRollupSettleSeconds);
  CHECK(report.days_rolled_up == 1);
  CHECK(rollup_field(s, &SummaryEntry::summaries) == std::vector<std::int64_t>{2});
  CHECK(rollup_field(s, &SummaryEntry::count) == std::vector<std::int64_t>{2});
  // The day is not packed: the damaged block stays, for a person to look at.
  CHECK(column(s, "SELECT span FROM summary_blocks ORDER BY start") ==
        std::vector<std::int64_t>{1, 61});  // the batch's pieces: its minute, then its two
}
