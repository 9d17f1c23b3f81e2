#include "collector/api/fleet_csv.h"

#include <doctest/doctest.h>

#include "collector/api/fleet_import.h"

using namespace sahab::collector;
using nlohmann::json;

namespace {

const json kFleet = json::parse(R"json({"format": "sahab-fleet/1", "hosts": [
    {"id": "srv-1", "hostname": "état-civil, \"main\"",
     "labels": {"region": "Souss-Massa", "commune": "Aït Melloul", "environment": "prod"},
     "os": {"family": "linux", "name": "Debian GNU/Linux", "version": "12", "arch": "x86_64"},
     "cpu": {"cores": 8, "model": "Xeon"}, "memory_bytes": 17179869184,
     "disks": [{"name": "sda", "size_bytes": 1000, "used_bytes": 400},
               {"name": "sdb", "size_bytes": 500}],
     "site": {"uplink_mbps": 20},
     "utilisation": {"cpu_ratio": {"p95": 0.4}, "memory_ratio": {"p95": 0.64}}},
    {"id": "srv-2", "hostname": "=HYPERLINK(\"http://x\")", "labels": {"region": 5}},
    {"id": "srv-3"}]})json");

// The export as the API streams it: the header, then a row per host.
std::string fleet_csv(const json& fleet) {
  std::string csv = fleet_csv_header();
  for (const auto& host : fleet["hosts"]) csv += fleet_csv_row(host);
  return csv;
}

}  // namespace

TEST_CASE(
    "fleet CSV: BOM, one header of the import columns, CRLF rows, quoting, formulas neutralised") {
  const std::string csv = fleet_csv(kFleet);
  REQUIRE(
      csv.starts_with("\xEF\xBB\xBF"
                      "id,hostname,region,province,commune,environment,"));
  const auto first_row = csv.find("\r\n") + 2;
  CHECK(
      csv.substr(first_row).starts_with("srv-1,\"état-civil, \"\"main\"\"\",Souss-Massa,,Aït "
                                        "Melloul,prod,,,,linux,Debian GNU/Linux,12,"
                                        "x86_64,8,Xeon,17179869184,1500,400,20,0.4,0.64\r\n"));
  // A numeric label is written as text, as the import reads it.
  CHECK(csv.find("srv-2,\"'=HYPERLINK(\"\"http://x\"\")\",5,") != std::string::npos);
  CHECK(csv.ends_with("srv-3,,,,,,,,,,,,,,,,,,,,\r\n"));
  CHECK(fleet_csv_header().ends_with("memory_p95\r\n"));
  CHECK(fleet_csv_row("not a host") == fleet_csv_row(json::object()));
}

TEST_CASE("fleet CSV: imports back to the same hosts") {
  const auto plan = plan_csv_import(fleet_csv(kFleet));
  CHECK(plan.errors.empty());
  REQUIRE(plan.hosts.size() == 3);
  const auto& host = plan.hosts[0].host;
  CHECK(host["hostname"] == "état-civil, \"main\"");
  CHECK(host["labels"]["commune"] == "Aït Melloul");
  CHECK(host["cpu"]["cores"] == 8);
  CHECK(host["memory_bytes"] == 17179869184.0);
  CHECK(host["disks"][0]["size_bytes"] == 1500);
  CHECK(host["utilisation"]["memory_ratio"]["p95"] == doctest::Approx(0.64));
}
