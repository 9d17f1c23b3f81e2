#pragma once
// GET /metrics: the node collectors and the agent's own metrics, in the Prometheus text format
// (common/prometheus_text.h, shared with the collector's /metrics).
#include <prometheus/collectable.h>

#include <memory>
#include <vector>

#include "common/http_server.h"

namespace sahab::agent {

class MetricsEndpoint {
 public:
  void add(std::shared_ptr<prometheus::Collectable> source);
  http::Response serve() const;

 private:
  std::vector<std::shared_ptr<prometheus::Collectable>> sources_;
};

}  // namespace sahab::agent
