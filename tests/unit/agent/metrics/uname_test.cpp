#include <sys/utsname.h>

#include "agent/metrics/registry.h"
#include "common/file.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

std::string label(const prometheus::ClientMetric& metric, const std::string& name) {
  for (const auto& l : metric.label) {
    if (l.name == name) return l.value;
  }
  return "<absent>";
}

}  // namespace

TEST_CASE("uname: node_uname_info labels from <procfs>/sys/kernel") {
  const auto families = collect(*make_uname_collector(fixture_paths()));
  REQUIRE(families.size() == 1);
  const auto& family = families[0];
  CHECK(family.name == "node_uname_info");
  CHECK(family.type == prometheus::MetricType::Gauge);
  REQUIRE(family.metric.size() == 1);
  const auto& metric = family.metric[0];
  CHECK(metric.gauge.value == 1);
  CHECK(metric.label.size() == 6);
  CHECK(label(metric, "sysname") == "Linux");
  CHECK(label(metric, "release") == "6.1.0-13-amd64");
  CHECK(label(metric, "version") == "#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)");
  CHECK(label(metric, "machine") == "x86_64");
  CHECK(label(metric, "nodename") == "srv-etatcivil-01");
  CHECK(label(metric, "domainname") == "(none)");
}

TEST_CASE("uname: on the real machine the labels equal uname(2)'s") {
  struct utsname names {};
  REQUIRE(::uname(&names) == 0);
  const auto families = collect(*make_uname_collector(Paths{}));
  const auto& metric = families.at(0).metric.at(0);
  CHECK(label(metric, "sysname") == names.sysname);
  CHECK(label(metric, "release") == names.release);
  CHECK(label(metric, "version") == names.version);
  CHECK(label(metric, "machine") == names.machine);
  CHECK(label(metric, "nodename") == names.nodename);
  CHECK(label(metric, "domainname") == names.domainname);
}

TEST_CASE("uname: without sys/kernel/arch (older kernels) the machine comes from uname(2)") {
  const TempDir dir;
  const std::filesystem::path& proc = dir.path();
  std::filesystem::create_directories(proc / "sys/kernel");
  for (const char* file : {"ostype", "osrelease", "version", "hostname", "domainname"}) {
    sahab::write_file_atomic(proc / "sys/kernel" / file, "x\n");
  }
  struct utsname names {};
  REQUIRE(::uname(&names) == 0);
  const auto families = collect(*make_uname_collector(Paths{proc, "/nonexistent", "/nonexistent"}));
  CHECK(label(families.at(0).metric.at(0), "machine") == names.machine);
}

TEST_CASE("uname: missing kernel files are an error, not a crash") {
  CHECK_THROWS_AS(collect(*make_uname_collector(fixture_paths("broken"))), sahab::FileError);
  CHECK_THROWS_AS(collect(*make_uname_collector(fixture_paths("absent"))), sahab::FileError);
}
