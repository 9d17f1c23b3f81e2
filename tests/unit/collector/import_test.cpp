#include <doctest/doctest.h>

#include "collector/api/fleet_import.h"

using namespace sahab::collector;

TEST_CASE("import: fleet JSON, good hosts kept, bad ones reported by index") {
  const auto plan = plan_fleet_import(R"({"format": "sahab-fleet/1", "hosts": [
      {"id": "a", "cpu": {"cores": 4}, "utilisation": {"cpu_ratio": {"p95": 0.5}, "window_days": 30}},
      {"id": "b", "cpu": {"cores": "four"}},
      {"id": "c", "utilisation": {"memory_ratio": {"p95": 1.5}}},
      {"hostname": "no id"},
      {"id": "d", "labels": {"region": 5}}],
    "connections": [{"source": "a", "target": "d", "port": 22}, {"source": "a"}]})");
  REQUIRE(plan.hosts.size() == 2);  // a, and d (numeric label values are accepted as text)
  CHECK(plan.hosts[0].host["id"] == "a");
  REQUIRE(plan.errors.size() == 4);
  CHECK(plan.errors[0].row == 1);
  CHECK(plan.errors[0].message == "field 'cpu.cores': expected a number");
  CHECK(plan.errors[1].message ==
        "field 'utilisation.memory_ratio.p95': expected a number between 0 and 1, got 1.5");
  CHECK(plan.errors[2].message.starts_with("id"));
  CHECK(plan.errors[3].message.starts_with("connections"));
  CHECK(plan.connections.size() == 1);
  CHECK_THROWS_AS(plan_fleet_import("{\"format\": \"sahab-plan/1\"}"), std::invalid_argument);
  CHECK_THROWS_AS(plan_fleet_import("nope"), std::invalid_argument);
}

TEST_CASE("import: CSV with quotes, per-line errors, header checks") {
  const auto plan = plan_csv_import(
      "id,hostname,region,cpu_cores,memory_bytes,disk_bytes,disk_used_bytes,cpu_p95\r\n"
      "fw-1,\"edge, \"\"main\"\"\",Souss-Massa,2,4294967296,1000,500,0.3\r\n"
      "fw-2,x,,-1,,,,\n"
      "fw-3,x,,,,,,1.5\n"
      "fw-4,only three,fields\n"
      "\n"
      ",missing id,,,,,,\n");
  REQUIRE(plan.hosts.size() == 1);
  const auto& host = plan.hosts[0].host;
  CHECK(host["hostname"] == "edge, \"main\"");
  CHECK(host["labels"]["region"] == "Souss-Massa");
  CHECK(host["cpu"]["cores"] == 2);
  CHECK(host["disks"][0]["used_bytes"] == 500);
  CHECK(host["utilisation"]["cpu_ratio"]["p95"] == 0.3);
  REQUIRE(plan.errors.size() == 4);
  CHECK(plan.errors[0].row == 3);
  CHECK(plan.errors[0].message.starts_with("cpu_cores"));
  CHECK(plan.errors[1].message.starts_with("field 'utilisation.cpu_ratio.p95'"));
  CHECK(plan.errors[2].message.find("has 3 fields") != std::string::npos);
  CHECK(plan.errors[3].row == 7);
  CHECK_THROWS_WITH_AS(plan_csv_import("id,colour\n"), doctest::Contains("unknown column 'colour'"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(plan_csv_import("hostname\nx\n"), doctest::Contains("'id' column"),
                       std::invalid_argument);
}

TEST_CASE(
    "import: CSV sizes beyond any integer and fractional cores are refused by the fleet's "
    "own checks") {
  // 5.36e63 once went through a cast to a 64-bit integer (undefined behaviour, found by
  // fuzz_import); the fleet table's range now judges the number itself.
  const auto plan = plan_csv_import(
      "id,cpu_cores,memory_bytes,disk_bytes\n"
      "huge,2,5.36e63,\n"
      "half,2.5,,\n"
      "fine,4,17179869184,536870912000\n");
  REQUIRE(plan.errors.size() == 2);
  CHECK(plan.errors[0].message ==
        "field 'memory_bytes': expected a number between 0 and 1e+16, got 5.36e+63");
  CHECK(plan.errors[1].message == "field 'cpu.cores': expected a whole number");
  REQUIRE(plan.hosts.size() == 1);
  CHECK(plan.hosts[0].host["memory_bytes"].is_number_integer());
  CHECK(plan.hosts[0].host.dump() ==
        R"({"cpu":{"cores":4},"disks":[{"name":"disk0","size_bytes":536870912000}],)"
        R"("hostname":"","id":"fine","labels":{},"memory_bytes":17179869184})");
}
