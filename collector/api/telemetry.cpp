#include "collector/api/telemetry.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string_view>

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

ScrapeWriter::ScrapeWriter(const http::Response::Writer& write) : write_(write) {
  text_.reserve(kPieceBytes + kPieceBytes / 4);
}

void ScrapeWriter::flush() {
  if (!text_.empty()) write_(text_);
  text_.clear();
}

namespace {

// The labels of every per-host gauge, in the order of their names (the text format's habit).
struct HostLabels {
  std::string_view commune, host_id, hostname, province, region;
};

// name{commune="…",host_id="…",hostname="…",province="…",region="…"} value
void append_host_sample(std::string& out, std::string_view name, const HostLabels& labels,
                        double value) {
  out += name;
  metrics::append_label(out, '{', "commune", labels.commune);
  metrics::append_label(out, ',', "host_id", labels.host_id);
  metrics::append_label(out, ',', "hostname", labels.hostname);
  metrics::append_label(out, ',', "province", labels.province);
  metrics::append_label(out, ',', "region", labels.region);
  out += "} ";
  metrics::append_number(out, value);
  out += '\n';
}

constexpr const char* kLastPush = "sahab_collector_agent_last_push_timestamp_seconds";

// Hosts by state and location, from the one pass over the hosts that also gives the last pushes.
MetricFamily hosts_by_location(const std::vector<HostStatus>& statuses) {
  MetricFamily family = gauge_family("sahab_collector_hosts_by_location",
                                     "Known hosts by state, region and province.");
  std::map<std::array<std::string_view, 3>, double> counts;  // state, region, province
  for (const auto& h : statuses) counts[{h.state, h.place.region, h.place.province}] += 1;
  for (const auto& [key, n] : counts) {
    add_gauge(family,
              {{"province", std::string(key[2])},
               {"region", std::string(key[1])},
               {"state", std::string(key[0])}},
              n);
  }
  return family;
}

// When each agent host last pushed (enrolment counts as the first push). Hosts whose every
// credential is revoked are left out: they were retired on purpose and must not page anyone.
void write_last_pushes(ScrapeWriter& out, const std::vector<HostStatus>& statuses) {
  bool first = true;
  for (const auto& h : statuses) {
    if (!h.reporting) continue;
    if (first) {
      metrics::append_header(out.text(), kLastPush,
                             "Unix time of the last push of each agent host (enrolment at first).",
                             prometheus::MetricType::Gauge);
      first = false;
    }
    append_host_sample(out.text(), kLastPush,
                       {h.place.commune, h.id, h.place.hostname, h.place.province, h.place.region},
                       static_cast<double>(h.last_seen));
    out.flush_if_full();
  }
}

}  // namespace

std::set<std::string> Telemetry::host_metrics() const {
  std::set<std::string> names;
  std::lock_guard lock(hosts_mutex_);
  for (const auto& [id, host] : hosts_) {
    for (const auto& [metric, value] : host.current) names.insert(metric);
  }
  return names;
}

// The lock is held for one piece at a time, not while the piece goes out: a slow scraper must
// not hold up the pushes that record their hosts. Hosts are never removed, so resuming after the
// last host written (its id followed by '\0', the smallest greater string) misses none.
void Telemetry::write_host_gauges(ScrapeWriter& out) const {
  for (const std::string& metric : host_metrics()) {
    const std::string name = "sahab_host_" + metric;
    metrics::append_header(out.text(), name,
                           "Mean " + metric + " of the host's latest utilisation summary.",
                           prometheus::MetricType::Gauge);
    std::string next;
    for (bool more = true; more;) {
      {
        std::lock_guard lock(hosts_mutex_);
        auto it = hosts_.lower_bound(next);
        for (; it != hosts_.end() && !out.full(); ++it) {
          const HostState& host = it->second;
          const auto value = host.current.find(metric);
          if (value == host.current.end()) continue;
          append_host_sample(out.text(), name,
                             {host.commune, it->first, host.hostname, host.province, host.region},
                             value->second);
        }
        more = it != hosts_.end();
        if (more) next = it->first;
      }
      out.flush_if_full();
    }
  }
}

// Written as it is produced (Response::stream), in pieces of ScrapeWriter's size: at 2,000
// hosts the scrape is ~22,000 samples, 3.2 MB of text, which built whole as MetricFamily objects
// and one string took ~10 MiB of small heap blocks at every scrape (docs/benchmarks.md, session
// 11). The few families of fixed size still go through MetricFamily.
void Telemetry::write_scrape(const http::Response::Writer& write) const {
  ScrapeWriter out(write);
  std::vector<MetricFamily> families;
  metrics::collect_into(families, *registry_);
  for (auto& f : collect_store()) families.push_back(std::move(f));
  const auto statuses = store_.read([](Database& db) { return host_statuses(db); });
  families.push_back(hosts_by_location(statuses));
  for (const auto& family : families) {
    metrics::append_family(out.text(), family);
    out.flush_if_full();
  }
  write_last_pushes(out, statuses);
  families.clear();
  for (const auto& collectable : collectables_) metrics::collect_into(families, *collectable);
  for (const auto& family : families) {
    metrics::append_family(out.text(), family);
    out.flush_if_full();
  }
  write_host_gauges(out);
  out.flush();
}

http::Response Telemetry::serve() const {
  http::Response response;
  response.content_type = metrics::kTextContentType;
  response.stream = [this](const http::Response::Writer& write) { write_scrape(write); };
  return response;
}

}  // namespace sahab::collector
