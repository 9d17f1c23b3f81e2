// Bytes per host per day of utilisation in the collector's store (issue 17), measured after VACUUM.
//
//   sahab-bench-store-size [--hosts N] [--profile server|uniform] [--keep DIR] [--store URL]
//                          [--late N]
//
// Writes one day of summaries for N hosts through the store's own write path (store_batch, one
// summary of the ten metrics per batch, as an agent pushes every 60 s, 4 samples each as at the
// agent's 15 s sampling), rolls the day up (run_maintenance, as the collector does the next day),
// then measures the database after VACUUM three times: with everything, without the raw
// summaries, without summaries and rollups. The differences, divided by N, are the bytes one
// host costs per day at full resolution and in rollups. `--keep DIR` leaves a copy of the full
// database there, for sqlite3_analyzer or dbstat. `--store postgresql://…` measures on that
// (empty) PostgreSQL database instead of a temporary SQLite file: VACUUM FULL, then
// pg_total_relation_size of the two utilisation tables (with their TOAST tables and indexes),
// and pg_database_size beside it (as measured before); its tables are emptied as the run goes,
// not dropped. It also reports the user CPU the write
// path took per push and the maintenance run's (rollups, packing into day blocks) per host.
// `--late N` then pushes N more summaries of the first host into its packed day (an agent
// replaying its spool) and reports their user CPU per push; the sizes then include them.
//
// Profiles: `server` follows a plausible server (a daily CPU curve with noise, memory and
// filesystem drifting slowly, no swap, mostly idle disks, steady network); `uniform` draws every
// sample uniformly at random (the load generator's data, bench/ingest_load.cpp), the worst case
// for any encoding.
#include <stdlib.h>  // mkdtemp
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "collector/store/maintenance.h"
#include "collector/store/sqlite.h"
#include "collector/store/store.h"
#include "common/protocol/report.h"

namespace {
using namespace sahab;
using namespace sahab::collector;

constexpr int kSamplesPerSummary = 4;
constexpr double kPushesPerDay = 1'440;
constexpr std::int64_t kDay = 20'000 * kSecondsPerDay;  // 2024-10-04, any day will do

struct Options {
  int hosts = 20;
  bool uniform = false;
  std::filesystem::path keep;
  std::optional<StoreUrl> store;
  int late = 0;
};

// One sample of metric `index` (the order of protocol::report::kUtilisationMetrics) at second
// `t` of the day for host `host`.
double sample(int index, std::int64_t t, int host, std::mt19937_64& rng, bool uniform) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const bool ratio = index == 0 || index == 1 || index == 2 || index == 9;
  if (uniform) return unit(rng) * (ratio ? 1.0 : 1e6);
  const double day_phase = std::sin(2 * M_PI * static_cast<double>(t) / 86'400.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  switch (index) {
    case 0:  // cpu: 5 % at night, 35 % by day, noisy
      return std::clamp(0.2 + 0.15 * day_phase + 0.05 * noise(rng), 0.0, 1.0);
    case 1:  // memory: slowly drifting around 60 %
      return 0.6 + 0.05 * std::sin(static_cast<double>(t) / 7'200.0 + host) + 0.001 * noise(rng);
    case 2:  // swap: unused
      return 0.0;
    case 3:
    case 4:  // disk iops: idle most of the time, bursts now and then (a rate over 15 s)
      return unit(rng) < 0.7 ? 0.0 : std::floor(unit(rng) * 600) / 15.0;
    case 5:
    case 6:  // disk bytes/s: 4 KiB blocks
      return unit(rng) < 0.7 ? 0.0 : std::floor(unit(rng) * 2'000) * 4'096 / 15.0;
    case 7:
    case 8:  // network bytes/s: steady traffic following the day
      return std::max(0.0, 2e5 * (1.2 + day_phase) * (1 + 0.2 * noise(rng)));
    default:  // filesystem used: grows by a few bytes a minute
      return 0.42 + 1e-7 * static_cast<double>(t) / 60.0;
  }
}

Summary summary_of(std::int64_t start, int host, std::mt19937_64& rng, bool uniform) {
  Summary summary;
  summary.start = start;
  summary.end = start + 60;
  int index = 0;
  for (const auto& metric : protocol::report::kUtilisationMetrics) {
    MetricSummary m;
    m.metric = std::string(metric.name);
    for (int i = 0; i < kSamplesPerSummary; ++i) {
      const double v = sample(index, start - kDay + 15 * i, host, rng, uniform);
      m.sketch.add(v);
      m.mean += v / kSamplesPerSummary;
      m.max = std::max(m.max, v);
    }
    m.count = kSamplesPerSummary;
    summary.metrics.push_back(std::move(m));
    ++index;
  }
  return summary;
}

double user_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec) / 1e6;
}

// What one measurement reads: the utilisation tables (on SQLite, the whole file, as before) and
// the whole database, after VACUUM.
struct Sizes {
  std::uintmax_t tables = 0, database = 0;
};

Sizes vacuumed_size(const StoreUrl& url) {
  if (url.kind == StoreKind::kPostgresql) {
    const auto db = open_database(url, Database::Mode::kReadWrite);
    db->exec("VACUUM FULL");
    return {
        static_cast<std::uintmax_t>(db->scalar("SELECT pg_total_relation_size('summary_blocks') "
                                               "+ pg_total_relation_size('rollup_blocks')")),
        static_cast<std::uintmax_t>(db->scalar("SELECT pg_database_size(current_database())"))};
  }
  {
    SqliteDatabase db(url.file, Database::Mode::kReadWrite);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.exec("VACUUM");
  }
  const auto file = std::filesystem::file_size(url.file);
  return {file, file};
}

// Stores one batch of `host`'s summary of the minute at `start`, as its agent pushes it.
void push(Store& store, int host, std::int64_t sequence, std::int64_t start, std::mt19937_64& rng,
          bool uniform) {
  Batch batch;
  batch.host_id = "bench-" + std::to_string(host);
  batch.sequence = sequence;
  batch.summaries.push_back(summary_of(start, host, rng, uniform));
  store.write([&](Database& db) { store_batch(db, batch, "127.0.0.1", start + 60); });
}

// Deletes what `policy` no longer keeps at the end of the day after the measured one.
void expire(const StoreUrl& url, const RetentionPolicy& policy) {
  Store store(url, 1);
  run_maintenance(store, policy, kDay + 2 * kSecondsPerDay);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--hosts") {
      o.hosts = std::atoi(value.c_str());
    } else if (flag == "--profile") {
      o.uniform = value == "uniform";
    } else if (flag == "--keep") {
      o.keep = value;
    } else if (flag == "--store") {
      o.store = StoreUrl::parse(value);
    } else if (flag == "--late") {
      o.late = std::atoi(value.c_str());
    } else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  char pattern[] = "/tmp/sahab-store-size-XXXXXX";
  const std::filesystem::path dir = mkdtemp(pattern);
  const auto path = dir / "store.db";
  const StoreUrl url = o.store.value_or(StoreUrl(path));
  std::mt19937_64 rng(1);
  double write_cpu = 0, maintenance_cpu = 0, late_cpu = 0;
  {
    Store store(url, 1);
    const double writes_began = user_cpu_seconds();
    for (int h = 0; h < o.hosts; ++h) {
      const std::string id = "bench-" + std::to_string(h);
      store.write([&](Database& db) { enrol_agent(db, id, id, "sha-" + id, "127.0.0.1", kDay); });
      std::int64_t sequence = 0;
      for (std::int64_t start = kDay; start < kDay + kSecondsPerDay; start += 60)
        push(store, h, ++sequence, start, rng, o.uniform);
    }
    const double maintenance_began = user_cpu_seconds();
    write_cpu = maintenance_began - writes_began;
    run_maintenance(store, RetentionPolicy{}, kDay + kSecondsPerDay + kRollupSettleSeconds);
    maintenance_cpu = user_cpu_seconds() - maintenance_began;
    // Half a minute after each stored start: new entries, as a replayed spool's would be.
    for (int i = 0; i < o.late; ++i)
      push(store, 0, static_cast<std::int64_t>(kPushesPerDay) + 1 + i, kDay + 30 + 60 * i, rng,
           o.uniform);
    late_cpu = user_cpu_seconds() - maintenance_began - maintenance_cpu;
  }
  const auto full = vacuumed_size(url);
  if (!o.keep.empty() && !o.store) std::filesystem::copy_file(path, o.keep / "store.db");
  expire(url, {0, 400 * kSecondsPerDay, 3'600});
  const auto rollups_only = vacuumed_size(url);
  expire(url, {0, 0, 3'600});
  const auto neither = vacuumed_size(url);
  const auto per_host = [&](std::uintmax_t more, std::uintmax_t less) {
    return static_cast<double>(more - less) / o.hosts;
  };
  std::printf(
      "{\"store\": \"%s\", \"profile\": \"%s\", \"hosts\": %d, \"db_bytes\": %ju, "
      "\"raw_bytes_per_host_per_day\": %.0f, \"rollup_bytes_per_host_per_day\": %.0f, "
      "\"bytes_per_host_per_day\": %.0f, \"database_bytes_per_host_per_day\": %.0f, "
      "\"write_user_us_per_push\": %.0f, \"maintenance_user_ms_per_host\": %.1f, "
      "\"late_push_user_us\": %.0f}\n",
      o.store ? "postgresql" : "sqlite", o.uniform ? "uniform" : "server", o.hosts, full.database,
      per_host(full.tables, rollups_only.tables), per_host(rollups_only.tables, neither.tables),
      per_host(full.tables, neither.tables), per_host(full.database, neither.database),
      write_cpu * 1e6 / (o.hosts * kPushesPerDay), maintenance_cpu * 1e3 / o.hosts,
      o.late > 0 ? late_cpu * 1e6 / o.late : 0.0);
  std::filesystem::remove_all(dir);
}
