#include "collector/api/telemetry.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <optional>
#include <sstream>

namespace sahab::collector {
namespace {
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily gauge_family(std::string name, std::string help) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = MetricType::Gauge;
  return family;
}

void add_gauge(MetricFamily& family, std::vector<prometheus::ClientMetric::Label> labels,
               double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

}  // namespace

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
      batch_seconds_(
          prometheus::BuildHistogram()
              .Name("sahab_collector_batch_duration_seconds")
              .Help("Time from receiving an ingest request to its answer.")
              .Register(*registry_)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                               0.05, 0.1, 0.25, 0.5, 1, 2.5})) {
  for (const char* outcome : {"stored", "duplicate", "rejected"})
    requests_.Add({{"outcome", outcome}});
}

void Telemetry::count_ingest(const std::string& outcome) {
  requests_.Add({{"outcome", outcome}}).Increment();
}

void Telemetry::count_rejected(const std::string& reason) {
  count_ingest("rejected");
  rejected_.Add({{"reason", reason}}).Increment();
}

void Telemetry::observe_batch_seconds(double seconds) { batch_seconds_.Observe(seconds); }

void Telemetry::record_host(const Batch& batch) {
  const bool identity_changed =
      std::any_of(batch.sections.begin(), batch.sections.end(),
                  [](const InventorySection& s) { return s.name == "identity"; });
  bool known = false;
  {
    std::lock_guard lock(hosts_mutex_);
    known = hosts_.count(batch.host_id) > 0;
  }
  std::optional<HostState> stored;
  if (!known || identity_changed) {  // hostname and labels as stored (also after a restart)
    stored = store_.read([&](Database& db) {
      Statement& s =
          db.cached(
                "SELECT hostname, coalesce(json_extract(labels, '$.region'), ''), "
                "coalesce(json_extract(labels, '$.commune'), '') FROM hosts WHERE id = ?")
              .with(batch.host_id);
      HostState state;
      if (s.step()) state = HostState{s.text(0), s.text(1), s.text(2), {}};
      s.reset();
      return state;
    });
  }
  std::lock_guard lock(hosts_mutex_);
  HostState& host = hosts_[batch.host_id];
  if (stored) {
    host.hostname = stored->hostname;
    host.region = stored->region;
    host.commune = stored->commune;
  }
  if (batch.summaries.empty()) return;
  const Summary* latest = &batch.summaries.front();
  for (const auto& s : batch.summaries) {
    if (s.start > latest->start) latest = &s;
  }
  for (const auto& m : latest->metrics) host.current[m.metric] = m.mean;
}

std::vector<MetricFamily> Telemetry::collect_store() const {
  std::vector<MetricFamily> out;
  out.push_back(
      gauge_family("sahab_collector_db_size_bytes", "Size of the SQLite database and its WAL."));
  add_gauge(out.back(), {}, static_cast<double>(store_.bytes_on_disk()));
  out.push_back(gauge_family("sahab_collector_hosts", "Known hosts by state."));
  auto& hosts = out.back();
  const auto counts = store_.read([](Database& db) {
    std::map<std::string, double> by_state{{"active", 0}, {"stale", 0}, {"imported", 0}};
    Statement& s = db.cached("SELECT state, count(*) FROM hosts GROUP BY state");
    while (s.step()) by_state[s.text(0)] = static_cast<double>(s.integer(1));
    return by_state;
  });
  for (const auto& [state, n] : counts) add_gauge(hosts, {{"state", state}}, n);
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
                 {"region", host.region}},
                value);
    }
  }
  std::vector<MetricFamily> out;
  for (auto& [metric, family] : families) out.push_back(std::move(family));
  return out;
}

http::Response Telemetry::serve() const {
  auto families = registry_->Collect();
  for (auto& f : collect_store()) families.push_back(std::move(f));
  for (auto& f : collect_hosts()) families.push_back(std::move(f));
  std::ostringstream body;
  prometheus::TextSerializer().Serialize(body, families);
  http::Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = std::move(body).str();
  return response;
}

}  // namespace sahab::collector
