#pragma once
// The collector's own metrics (GET /metrics): ingest requests by outcome, batch latency, rejected
// batches by reason, DB and WAL size and free space, hosts by state and by region/province, each
// agent host's last push, and per-host current utilisation gauges (the mean of the latest
// summary) labelled with region, province and commune for Grafana. dashboards/ relies on them.
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "collector/ingest/document.h"
#include "collector/store/store.h"
#include "common/http_server.h"

namespace sahab::collector {

// Gathers a scrape's text and hands it to the server in pieces of about kPieceBytes, so that the
// scrape's memory is one piece whatever the fleet's size (Telemetry::serve).
class ScrapeWriter {
 public:
  static constexpr std::size_t kPieceBytes = 32 << 10;
  explicit ScrapeWriter(const http::Response::Writer& write);
  std::string& text() { return text_; }
  bool full() const { return text_.size() >= kPieceBytes; }
  void flush();
  void flush_if_full() {
    if (full()) flush();
  }

 private:
  const http::Response::Writer& write_;
  std::string text_;
};

class Telemetry {
 public:
  explicit Telemetry(Store& store);

  void count_ingest(const std::string& outcome);  // stored, duplicate, rejected
  void count_rejected(const std::string& reason);
  void observe_batch_seconds(double seconds);
  void count_login_refusal(const std::string& reason);  // bad_credentials, throttled
  // Remembers the latest summary's means and the host's labels for the per-host gauges, and the
  // spool state the agent reported.
  void record_host(const Batch& batch);
  // The spool state a host's agent last reported and when (unix seconds), since this collector
  // started; none before its first report of it.
  struct ReportedSpool {
    SpoolState state;
    std::int64_t reported_at = 0;
  };
  std::optional<ReportedSpool> spool_of(const std::string& host_id) const;

  // The scrape's answer, streamed (written as it is produced, see write_scrape).
  http::Response serve() const;
  // For parts that register their own metrics (the plan cache).
  prometheus::Registry& registry() { return *registry_; }
  // Metric sources collected on each scrape (the plan gauges). Add them before the server starts.
  void add_collectable(std::shared_ptr<prometheus::Collectable> collectable) {
    collectables_.push_back(std::move(collectable));
  }

 private:
  struct HostState {
    std::string hostname, region, province, commune;
    std::map<std::string, double> current;  // metric → mean of the latest summary
    std::optional<ReportedSpool> spool;
  };
  std::vector<prometheus::MetricFamily> collect_store() const;
  std::set<std::string> host_metrics() const;
  void write_host_gauges(ScrapeWriter& out) const;
  void write_scrape(const http::Response::Writer& write) const;

  Store& store_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Counter>& login_refusals_;
  prometheus::Histogram& batch_seconds_;
  mutable std::mutex hosts_mutex_;
  std::map<std::string, HostState> hosts_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
};

}  // namespace sahab::collector
