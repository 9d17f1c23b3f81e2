#pragma once
// A reader of Prometheus' text format (0.0.4): the textfile collector's *.prom files, and the
// tests' way back from what a collector wrote to families they can look samples up in.
#include <prometheus/metric_family.h>

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "agent/metrics/metric_builder.h"

namespace sahab::agent {

class TextFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using TextFamilies = std::map<std::string, prometheus::MetricFamily>;

// The families of `content`, by name; a family without HELP gets "Metric read from `source`".
// Client-side timestamps are refused. Throws TextFormatError naming the line.
TextFamilies parse_text_format(std::string_view content, const std::string& source);

}  // namespace sahab::agent
