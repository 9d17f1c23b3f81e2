#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("meminfo: node_exporter names, kB converted to bytes") {
  const auto families = collect(*make_meminfo_collector(fixture_paths()));
  CHECK(value_of(families, "node_memory_MemTotal_bytes") == doctest::Approx(15666184.0 * 1024));
  CHECK(value_of(families, "node_memory_Active_anon_bytes") == doctest::Approx(3961916.0 * 1024));
  CHECK(value_of(families, "node_memory_Inactive_file_bytes") == doctest::Approx(6445344.0 * 1024));
  // Unitless fields keep their name without _bytes.
  CHECK(value_of(families, "node_memory_HugePages_Total") == doctest::Approx(0));
  CHECK_FALSE(find_family(families, "node_memory_HugePages_Total_bytes"));
  CHECK(families.size() == 40);
}

TEST_CASE("meminfo: a bad value is an error") {
  CHECK_THROWS_AS(collect(*make_meminfo_collector(fixture_paths("broken"))), CollectorError);
}
