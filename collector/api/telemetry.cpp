#include "collector/api/telemetry.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <filesystem>
#include <optional>

#include "collector/api/gauge_family.h"
#include "collector/store/hosts.h"
#include "common/prometheus_text.h"
#include "common/protocol/inventory.h"

namespace sahab::collector {
using prometheus::MetricFamily;

MetricFamily gauge_family(std::string name, std::string help) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = prometheus::MetricType::Gauge;
  return family;
}

void add_gauge(MetricFamily& family, std::vector<prometheus::ClientMetric::Label> labels,
               double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

Telemetry::Telemetry(Store& store)
    : store_(store),
      registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("sahab_collector_ingest_requests_total")
                    .Help("Ingest requests by outcome (stored, duplicate, rejected).")
                    .Register(*registry_)),
      rejected_(prometheus::BuildCounter()
                    .Name("sahab_collector_rejected_batches_total")
                    .Help("Ingest requests refused, by reason.")
                    .Register(*registry_)),
      login_refusals_(prometheus::BuildCounter()
                          .Name("sahab_collector_ui_login_failures_total")
                          .Help("Web UI sign-ins refused: bad_credentials (wrong user or "
                                "password) or throttled (too many failures, 429).")
                          .Register(*registry_)),
      batch_seconds_(
          prometheus::BuildHistogram()
              .Name("sahab_collector_batch_duration_seconds")
              .Help("Time from receiving an ingest request to its answer.")
              .Register(*registry_)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                               0.05, 0.1, 0.25, 0.5, 1, 2.5})) {
  for (const char* outcome : {"stored", "duplicate", "rejected"})
    requests_.Add({{"outcome", outcome}});
  // Every reason exists from the start at 0, so rate() and alerts see the first rejection.
  for (const char* reason : {"unauthorized", "revoked", "rate_limited", "too_large", "bad_encoding",
                             "bad_document", "wrong_host", "store_error"})
    rejected_.Add({{"reason", reason}});
  for (const char* reason : {"bad_credentials", "throttled"})
    login_refusals_.Add({{"reason", reason}});
}

void Telemetry::count_ingest(const std::string& outcome) {
  requests_.Add({{"outcome", outcome}}).Increment();
}

void Telemetry::count_rejected(const std::string& reason) {
  count_ingest("rejected");
  rejected_.Add({{"reason", reason}}).Increment();
}

void Telemetry::count_login_refusal(const std::string& reason) {
  login_refusals_.Add({{"reason", reason}}).Increment();
}

void Telemetry::observe_batch_seconds(double seconds) { batch_seconds_.Observe(seconds); }

std::optional<Telemetry::ReportedSpool> Telemetry::spool_of(const std::string& host_id) const {
  std::lock_guard lock(hosts_mutex_);
  const auto it = hosts_.find(host_id);
  return it == hosts_.end() ? std::nullopt : it->second.spool;
}

void Telemetry::record_host(const Batch& batch) {
  const bool identity_changed = std::any_of(
      batch.sections.begin(), batch.sections.end(),
      [](const InventorySection& s) { return s.name == protocol::inventory::identity::kSection; });
  bool known = false;
  {
    std::lock_guard lock(hosts_mutex_);
    known = hosts_.count(batch.host_id) > 0;
  }
  std::optional<HostState> stored;
  if (!known || identity_changed) {  // hostname and labels as stored (also after a restart)
    stored = store_.read([&](Database& db) {
      const HostPlace place = host_place(db, batch.host_id);
      return HostState{place.hostname, place.region, place.province, place.commune, {}, {}};
    });
  }
  std::lock_guard lock(hosts_mutex_);
  HostState& host = hosts_[batch.host_id];
  if (stored) {
    host.hostname = stored->hostname;
    host.region = stored->region;
    host.province = stored->province;
    host.commune = stored->commune;
  }
  if (batch.spool) host.spool = ReportedSpool{*batch.spool, std::time(nullptr)};
  if (batch.summaries.empty()) return;
  const Summary* latest = &batch.summaries.front();
  for (const auto& s : batch.summaries) {
    if (s.start > latest->start) latest = &s;
  }
  for (const auto& m : latest->metrics) host.current[m.metric] = m.mean;
}

namespace {

// What only a database file has: its WAL, and the free space where it grows (so alerts can tell
// growth from a disk about to fill). PostgreSQL's are the server's to watch.
void add_sqlite_file_gauges(std::vector<MetricFamily>& out, const std::filesystem::path& file) {
  std::error_code ec;
  const auto wal = std::filesystem::file_size(file.string() + "-wal", ec);
  out.push_back(gauge_family("sahab_collector_db_wal_size_bytes",
                             "Size of the SQLite write-ahead log (part of the database size)."));
  add_gauge(out.back(), {}, ec ? 0.0 : static_cast<double>(wal));
  const auto space = std::filesystem::space(std::filesystem::absolute(file).parent_path(), ec);
  if (!ec) {
    out.push_back(gauge_family("sahab_collector_db_filesystem_avail_bytes",
                               "Bytes available to the collector on the database's filesystem."));
    add_gauge(out.back(), {}, static_cast<double>(space.available));
  }
}

}  // namespace

std::vector<MetricFamily> Telemetry::collect_store() const {
  std::vector<MetricFamily> out;
  out.push_back(gauge_family(
      "sahab_collector_db_size_bytes",
      "Size of the database (SQLite: the file and its WAL; PostgreSQL: pg_database_size)."));
  add_gauge(out.back(), {}, static_cast<double>(store_.bytes_on_disk()));
  if (store_.url().kind == StoreKind::kSqlite) add_sqlite_file_gauges(out, store_.url().file);
  out.push_back(gauge_family("sahab_collector_hosts", "Known hosts by state."));
  auto& hosts = out.back();
  const auto counts = store_.read([](Database& db) { return host_counts_by_state(db); });
  for (const auto& [state, n] : counts)
    add_gauge(hosts, {{"state", state}}, static_cast<double>(n));
  return out;
}

std::vector<MetricFamily> Telemetry::collect_hosts() const {
  std::map<std::string, MetricFamily> families;
  std::lock_guard lock(hosts_mutex_);
  for (const auto& [id, host] : hosts_) {
    for (const auto& [metric, value] : host.current) {
      auto [it, inserted] = families.try_emplace(metric);
      if (inserted) {
        it->second = gauge_family("sahab_host_" + metric,
                                  "Mean " + metric + " of the host's latest utilisation summary.");
      }
      add_gauge(it->second,
                {{"commune", host.commune},
                 {"host_id", id},
                 {"hostname", host.hostname},
                 {"province", host.province},
                 {"region", host.region}},
                value);
    }
  }
  std::vector<MetricFamily> out;
  for (auto& [metric, family] : families) out.push_back(std::move(family));
  return out;
}

// One pass over the hosts: counts by state and location, and when each agent host last pushed
// (enrolment counts as the first push). Hosts whose every credential is revoked are left out of
// the last-push gauge: they were retired on purpose and must not page anyone.
std::vector<MetricFamily> Telemetry::collect_fleet() const {
  std::vector<MetricFamily> out;
  out.push_back(gauge_family("sahab_collector_hosts_by_location",
                             "Known hosts by state, region and province."));
  out.push_back(
      gauge_family("sahab_collector_agent_last_push_timestamp_seconds",
                   "Unix time of the last push of each agent host (enrolment at first)."));
  std::map<std::array<std::string, 3>, double> by_location;  // state, region, province
  const auto statuses = store_.read([](Database& db) { return host_statuses(db); });
  for (const auto& h : statuses) {
    by_location[{h.state, h.place.region, h.place.province}] += 1;
    if (!h.reporting) continue;
    add_gauge(out[1],
              {{"commune", h.place.commune},
               {"host_id", h.id},
               {"hostname", h.place.hostname},
               {"province", h.place.province},
               {"region", h.place.region}},
              static_cast<double>(h.last_seen));
  }
  for (const auto& [key, n] : by_location) {
    add_gauge(out[0], {{"province", key[2]}, {"region", key[1]}, {"state", key[0]}}, n);
  }
  return out;
}

http::Response Telemetry::serve() const {
  std::vector<MetricFamily> families;
  metrics::collect_into(families, *registry_);
  for (auto& f : collect_store()) families.push_back(std::move(f));
  for (auto& f : collect_fleet()) families.push_back(std::move(f));
  for (const auto& collectable : collectables_) metrics::collect_into(families, *collectable);
  for (auto& f : collect_hosts()) families.push_back(std::move(f));
  return metrics::text_response(families);
}

}  // namespace sahab::collector
