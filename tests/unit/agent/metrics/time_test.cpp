#include <chrono>
#include <cstdlib>
#include <ctime>

#include "agent/metrics/registry.h"
#include "common/file.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

// Sets TZ for the scope of a test and restores the previous value.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) previous_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (previous_) {
      ::setenv("TZ", previous_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> previous_;
};

void write_clocksource(const std::filesystem::path& dir, const std::string& available,
                       const std::string& current) {
  std::filesystem::create_directories(dir);
  sahab::write_file_atomic(dir / "available_clocksource", available);
  sahab::write_file_atomic(dir / "current_clocksource", current);
}

}  // namespace

TEST_CASE("time: node_time_seconds is now") {
  const double before =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto families = collect(*make_time_collector(fixture_paths()));
  const auto now = value_of(families, "node_time_seconds");
  REQUIRE(now);
  CHECK(*now >= before);
  CHECK(*now < before + 5);
}

TEST_CASE("time: time zone name and offset") {
  const ScopedTimeZone zone("XYZ-2");  // POSIX TZ: two hours east of UTC
  const auto families = collect(*make_time_collector(fixture_paths()));
  CHECK(value_of(families, "node_time_zone_offset_seconds", {{"time_zone", "XYZ"}}) == 7200);
}

TEST_CASE("time: clocksources from <sysfs>/devices/system/clocksource") {
  const auto families = collect(*make_time_collector(fixture_paths()));
  const auto* available = find_family(families, "node_time_clocksource_available_info");
  REQUIRE(available);
  CHECK(available->metric.size() == 3);
  for (const char* name : {"tsc", "hpet", "acpi_pm"}) {
    CHECK(value_of(families, "node_time_clocksource_available_info",
                   {{"device", "0"}, {"clocksource", name}}) == 1);
  }
  const auto* current = find_family(families, "node_time_clocksource_current_info");
  REQUIRE(current);
  REQUIRE(current->metric.size() == 1);
  CHECK(value_of(families, "node_time_clocksource_current_info",
                 {{"device", "0"}, {"clocksource", "tsc"}}) == 1);
}

TEST_CASE("time: the device label is the position in lexical order, as node_exporter's glob") {
  const TempDir sys;
  const auto root = sys.path() / "devices/system/clocksource";
  write_clocksource(root / "clocksource0", "tsc\n", "tsc\n");
  write_clocksource(root / "clocksource10", "ten\n", "ten\n");
  write_clocksource(root / "clocksource2", "two\n", "two\n");
  const auto families = collect(*make_time_collector(Paths{"/nonexistent", sys.path(), "/"}));
  CHECK(value_of(families, "node_time_clocksource_current_info",
                 {{"device", "1"}, {"clocksource", "ten"}}) == 1);
  CHECK(value_of(families, "node_time_clocksource_current_info",
                 {{"device", "2"}, {"clocksource", "two"}}) == 1);
}

TEST_CASE("time: no clocksource directory omits those series only") {
  const auto families = collect(*make_time_collector(fixture_paths("absent")));
  CHECK(value_of(families, "node_time_seconds"));
  CHECK(find_family(families, "node_time_zone_offset_seconds"));
  CHECK_FALSE(find_family(families, "node_time_clocksource_available_info"));
  CHECK_FALSE(find_family(families, "node_time_clocksource_current_info"));
}

TEST_CASE("time: a clocksource without current_clocksource is an error, not a crash") {
  CHECK_THROWS_AS(collect(*make_time_collector(fixture_paths("broken"))), sahab::FileError);
}
