#include "common/prometheus_text.h"

#include <prometheus/text_serializer.h>

#include <iterator>
#include <sstream>

namespace sahab::metrics {

void collect_into(std::vector<prometheus::MetricFamily>& families,
                  const prometheus::Collectable& source) {
  auto collected = source.Collect();
  std::move(collected.begin(), collected.end(), std::back_inserter(families));
}

http::Response text_response(const std::vector<prometheus::MetricFamily>& families) {
  std::ostringstream body;
  prometheus::TextSerializer().Serialize(body, families);
  http::Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = std::move(body).str();
  return response;
}

}  // namespace sahab::metrics
