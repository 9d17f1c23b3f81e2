// Families written straight into the text: each family's samples together, whatever the order in
// which a collector fills its builders.
#include "agent/metrics/metric_builder.h"

#include <doctest/doctest.h>

using namespace sahab::agent;
using prometheus::MetricType;

TEST_CASE("metric builder: HELP, TYPE and samples, labels escaped, numbers in full") {
  std::string text;
  Exposition out(text);
  FamilyBuilder(out, "node_x_total", "Help with \\ and\nnewline.", MetricType::Counter)
      .add({}, 1700000000)
      .add({{"a", "q\"uote"}, {"b", "back\\slash"}}, 0.25);
  CHECK(text ==
        "# HELP node_x_total Help with \\\\ and\\nnewline.\n"
        "# TYPE node_x_total counter\n"
        "node_x_total 1700000000\n"
        "node_x_total{a=\"q\\\"uote\",b=\"back\\\\slash\"} 0.25\n");
}

TEST_CASE("metric builder: a family without samples leaves nothing") {
  std::string text = "before\n";
  Exposition out(text);
  { FamilyBuilder unused(out, "node_unused", "Never filled.", MetricType::Gauge); }
  add_gauge(out, "node_after", "", 2);
  CHECK(text == "before\n# TYPE node_after gauge\nnode_after 2\n");
}

TEST_CASE("metric builder: builders filled in turn keep each family's samples together") {
  std::string text;
  Exposition out(text);
  {
    FamilyBuilder first(out, "node_first", "First.", MetricType::Gauge);
    FamilyBuilder second(out, "node_second", "Second.", MetricType::Gauge);
    for (const char* cpu : {"0", "1"}) {
      first.add({{"cpu", cpu}}, 1);
      second.add({{"cpu", cpu}}, 2);
      add_gauge(out, std::string("node_single_") + cpu, "One sample.", 3);
    }
  }
  CHECK(text ==
        "# HELP node_first First.\n# TYPE node_first gauge\n"
        "node_first{cpu=\"0\"} 1\nnode_first{cpu=\"1\"} 1\n"
        "# HELP node_single_0 One sample.\n# TYPE node_single_0 gauge\nnode_single_0 3\n"
        "# HELP node_single_1 One sample.\n# TYPE node_single_1 gauge\nnode_single_1 3\n"
        "# HELP node_second Second.\n# TYPE node_second gauge\n"
        "node_second{cpu=\"0\"} 2\nnode_second{cpu=\"1\"} 2\n");
}

TEST_CASE("metric builder: a family set writes its families sorted by name") {
  std::string text;
  Exposition out(text);
  {
    FamilySet families(out);
    families.add("node_b", "B.", {{"x", "1"}}, 1);
    families.add("node_a", "A.", {}, 2, MetricType::Counter);
    families.add("node_b", "ignored: the first sample set the help", {{"x", "2"}}, 3);
  }
  CHECK(text ==
        "# HELP node_a A.\n# TYPE node_a counter\nnode_a 2\n"
        "# HELP node_b B.\n# TYPE node_b gauge\nnode_b{x=\"1\"} 1\nnode_b{x=\"2\"} 3\n");
}
