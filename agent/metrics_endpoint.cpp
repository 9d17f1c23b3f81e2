#include "agent/metrics_endpoint.h"

#include "common/prometheus_text.h"

namespace sahab::agent {

void MetricsEndpoint::add(std::shared_ptr<prometheus::Collectable> source) {
  sources_.push_back(std::move(source));
}

http::Response MetricsEndpoint::serve() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& source : sources_) metrics::collect_into(families, *source);
  return metrics::text_response(families);
}

}  // namespace sahab::agent
