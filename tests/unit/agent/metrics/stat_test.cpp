#include "agent/metrics/registry.h"
#include "common/file.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("stat: kernel counters from /proc/stat with node_exporter names and types") {
  const auto families = collect(*make_stat_collector(fixture_paths()));
  CHECK(value_of(families, "node_boot_time_seconds") == doctest::Approx(1418183276));
  CHECK(value_of(families, "node_context_switches_total") == doctest::Approx(38014093));
  CHECK(value_of(families, "node_forks_total") == doctest::Approx(26442));
  CHECK(value_of(families, "node_intr_total") == doctest::Approx(8885917));
  CHECK(value_of(families, "node_procs_running") == doctest::Approx(2));
  CHECK(value_of(families, "node_procs_blocked") == doctest::Approx(1));
  CHECK(families.size() == 6);
  CHECK(find_family(families, "node_forks_total")->type == prometheus::MetricType::Counter);
  CHECK(find_family(families, "node_boot_time_seconds")->type == prometheus::MetricType::Gauge);
  CHECK(find_family(families, "node_intr_total")->help == "Total number of interrupts serviced.");
}

TEST_CASE("stat: a malformed or missing /proc/stat is an error, not a crash") {
  CHECK_THROWS_AS(collect(*make_stat_collector(fixture_paths("broken"))), CollectorError);
  CHECK_THROWS_AS(collect(*make_stat_collector(fixture_paths("absent"))), sahab::FileError);
}

TEST_CASE("stat: lines an older kernel lacks just omit their series") {
  const TempDir proc;
  sahab::write_file_atomic(proc.path() / "stat", "cpu  1 2 3 4\nctxt 10\nbtime 1418183276\n");
  const auto families = collect(*make_stat_collector(Paths{proc.path(), "/", "/"}));
  CHECK(value_of(families, "node_context_switches_total") == 10);
  CHECK(value_of(families, "node_boot_time_seconds") == 1418183276);
  CHECK(families.size() == 2);
}
