#pragma once
// GET /metrics: serialises the node collectors and the agent's own metrics in the Prometheus
// text format with prometheus-cpp's TextSerializer, served from our own HTTP server (no second
// port for prometheus-cpp's Exposer).
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
