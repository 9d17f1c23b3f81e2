#include "common/prometheus_text.h"

#include <doctest/doctest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <limits>

using namespace sahab;

TEST_CASE("prometheus text: collectables appended in order, served as text format 0.0.4") {
  prometheus::Registry first;
  prometheus::BuildCounter().Name("a_total").Help("First.").Register(first).Add({}).Increment(2);
  prometheus::Registry second;
  prometheus::BuildCounter().Name("b_total").Help("Second.").Register(second).Add(
      {{"label", "x\"y\\z\nw"}});
  std::vector<prometheus::MetricFamily> families;
  metrics::collect_into(families, first);
  metrics::collect_into(families, second);
  REQUIRE(families.size() == 2);
  const auto response = metrics::text_response(families);
  CAPTURE(response.body);
  CHECK(response.status == 200);
  CHECK(response.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(response.body.find("# TYPE a_total counter\na_total 2") != std::string::npos);
  CHECK(response.body.find("a_total") < response.body.find("b_total"));
  // Label values escaped as the format requires.
  CHECK(response.body.find("b_total{label=\"x\\\"y\\\\z\\nw\"} 0") != std::string::npos);
}

TEST_CASE("prometheus text: every type, special values, escaped help, timestamps") {
  prometheus::ClientMetric histogram;
  histogram.label = {{"core", "0"}};
  histogram.histogram = {3, 0.75, {{1, 0.1}, {2, 0.5}}};
  prometheus::ClientMetric summary;
  summary.summary = {4, 2.5, {{0.5, 0.25}, {0.99, 1e-07}}};
  prometheus::ClientMetric gauge;
  gauge.gauge.value = std::numeric_limits<double>::quiet_NaN();
  gauge.timestamp_ms = 1700000000123;
  prometheus::ClientMetric counter;
  counter.counter.value = std::numeric_limits<double>::infinity();
  prometheus::ClientMetric untyped;
  untyped.untyped.value = 1234567.5;
  prometheus::ClientMetric timestamp;
  timestamp.gauge.value = 1700000000;
  prometheus::ClientMetric huge;
  huge.gauge.value = 1e300;
  const std::vector<prometheus::MetricFamily> families{
      {"h_seconds",
       "Back\\slash\nnewline \"quoted\".",
       prometheus::MetricType::Histogram,
       {histogram}},
      {"s", "", prometheus::MetricType::Summary, {summary}},
      {"g", "G.", prometheus::MetricType::Gauge, {gauge}},
      {"c_total", "C.", prometheus::MetricType::Counter, {counter}},
      {"u", "U.", prometheus::MetricType::Untyped, {untyped}},
      {"t", "T.", prometheus::MetricType::Gauge, {timestamp, huge}},
      {"empty", "No series.", prometheus::MetricType::Gauge, {}},
  };
  const auto body = metrics::text_response(families).body;
  CHECK(body ==
        "# HELP h_seconds Back\\\\slash\\nnewline \"quoted\".\n"
        "# TYPE h_seconds histogram\n"
        "h_seconds_bucket{core=\"0\",le=\"0.1\"} 1\n"
        "h_seconds_bucket{core=\"0\",le=\"0.5\"} 2\n"
        "h_seconds_bucket{core=\"0\",le=\"+Inf\"} 3\n"
        "h_seconds_sum{core=\"0\"} 0.75\n"
        "h_seconds_count{core=\"0\"} 3\n"
        "# TYPE s summary\n"
        "s{quantile=\"0.5\"} 0.25\n"
        "s{quantile=\"0.99\"} 1e-07\n"
        "s_sum 2.5\n"
        "s_count 4\n"
        "# HELP g G.\n# TYPE g gauge\ng NaN 1700000000123\n"
        "# HELP c_total C.\n# TYPE c_total counter\nc_total +Inf\n"
        "# HELP u U.\n# TYPE u untyped\nu 1234567.5\n"
        "# HELP t T.\n# TYPE t gauge\nt 1700000000\nt 1e+300\n");
}

TEST_CASE("prometheus text: no families, an empty body") {
  CHECK(metrics::text_response({}).body.empty());
}
