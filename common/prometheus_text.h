#pragma once
// GET /metrics of the agent and the collector: metric families in the Prometheus text exposition
// format (0.0.4) by our own writer (prometheus_text.cpp says why), answered by our own HTTP server
// (no second port for prometheus-cpp's Exposer).
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/http_server.h"

namespace sahab::metrics {

inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Pieces of the format, for writers that produce samples without prometheus-cpp's data model
// (the agent's collectors, agent/metrics/metric_builder.h).
const char* type_name(prometheus::MetricType type);
// "# HELP name help" (left out when `help` is empty) and "# TYPE name type" lines.
void append_header(std::string& out, std::string_view name, std::string_view help,
                   prometheus::MetricType type);
// `separator` (the '{' before the first label, ',' before the others) and name="value".
void append_label(std::string& out, char separator, std::string_view name, std::string_view value);
void append_number(std::string& out, double value);
// HELP text escapes backslash and newline; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool is_label_value);
// A whole family (every type, summaries and histograms included); nothing when it has no sample.
void append_family(std::string& out, const prometheus::MetricFamily& family);

// Appends what `source` collects to `families`.
void collect_into(std::vector<prometheus::MetricFamily>& families,
                  const prometheus::Collectable& source);

// The answer to a scrape: `families`, in order, serialised with their content type.
http::Response text_response(const std::vector<prometheus::MetricFamily>& families);

}  // namespace sahab::metrics
