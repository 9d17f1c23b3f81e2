#pragma once
// GET /metrics of the agent and the collector: metric families in the Prometheus text exposition
// format (0.0.4) by our own writer (prometheus_text.cpp says why), answered by our own HTTP server
// (no second port for prometheus-cpp's Exposer).
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

#include "common/http_server.h"

namespace sahab::metrics {

// Appends what `source` collects to `families`.
void collect_into(std::vector<prometheus::MetricFamily>& families,
                  const prometheus::Collectable& source);

// The answer to a scrape: `families`, in order, serialised with their content type.
http::Response text_response(const std::vector<prometheus::MetricFamily>& families);

}  // namespace sahab::metrics
