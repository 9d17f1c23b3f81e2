#pragma once
// GET /metrics: the node collectors and the agent's own metrics, in the Prometheus text format
// (common/prometheus_text.h, shared with the collector's /metrics).
#include <memory>
#include <vector>

#include "common/http_server.h"

namespace sahab::agent {

class Collector;
class NodeCollector;

class MetricsEndpoint {
 public:
  MetricsEndpoint();
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // The node collectors, written first; then the agent's own metrics (process, push, spool).
  void add(std::shared_ptr<const NodeCollector> node);
  void add(std::shared_ptr<const Collector> source);
  // Collects and formats on the endpoint's own thread, one scrape at a time; the caller waits.
  // CivetWeb hands connections to its 40 workers in turn, and glibc keeps a cache of freed chunks
  // per thread: a scrape's allocations made and freed on every worker cost ~1 MiB resident in
  // all, on one thread only its own share (docs/benchmarks.md).
  http::Response serve() const;

 private:
  class Thread;
  http::Response collect() const;

  std::vector<std::shared_ptr<const NodeCollector>> nodes_;
  std::vector<std::shared_ptr<const Collector>> sources_;
  mutable std::size_t last_size_ = 0;  // of the last answer: its buffer is sized once
  std::unique_ptr<Thread> thread_;
};

}  // namespace sahab::agent
