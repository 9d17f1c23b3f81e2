#include "common/prometheus_text.h"

#include <doctest/doctest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

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
  // Label values escaped as the format requires (prometheus-cpp 1.0 leaves HELP text as is: keep
  // help strings free of backslashes and newlines).
  CHECK(response.body.find("b_total{label=\"x\\\"y\\\\z\\nw\"} 0") != std::string::npos);
}

TEST_CASE("prometheus text: no families, an empty body") {
  CHECK(metrics::text_response({}).body.empty());
}
