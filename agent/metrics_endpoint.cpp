#include "agent/metrics_endpoint.h"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace sahab::agent {

void MetricsEndpoint::add(std::shared_ptr<prometheus::Collectable> source) {
  sources_.push_back(std::move(source));
}

http::Response MetricsEndpoint::serve() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& source : sources_) {
    auto collected = source->Collect();
    std::move(collected.begin(), collected.end(), std::back_inserter(families));
  }
  std::ostringstream body;
  prometheus::TextSerializer().Serialize(body, families);
  http::Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = std::move(body).str();
  return response;
}

}  // namespace sahab::agent
