#include <sys/timex.h>

#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

// adjtimex(2) has no file to stand in for it: the test reads the kernel's answer itself.
TEST_CASE("timex: the kernel's clock discipline in node_exporter's units") {
  struct timex tx {};
  const int state = ::adjtimex(&tx);
  REQUIRE(state >= 0);
  const auto families = collect(*make_timex_collector(Paths{}));
  CHECK(value_of(families, "node_timex_tick_seconds") == doctest::Approx(tx.tick / 1e6));
  CHECK(value_of(families, "node_timex_status") == tx.status);
  CHECK(value_of(families, "node_timex_loop_time_constant") == tx.constant);
  CHECK(value_of(families, "node_timex_sync_status") == (state == TIME_ERROR ? 0 : 1));
  CHECK(value_of(families, "node_timex_tai_offset_seconds") == tx.tai);
  CHECK(value_of(families, "node_timex_frequency_adjustment_ratio") ==
        doctest::Approx(1 + tx.freq / 65536e6).epsilon(1e-6));
  CHECK(families.size() == 17);
  const auto* family = find_family(families, "node_timex_pps_error_total");
  REQUIRE(family);
  CHECK(family->type == prometheus::MetricType::Counter);
}
