// collector/api/offline_import: `sahab-planner plan --import` applies files to a fleet in memory
// as the collector applies them to its database: matched by the same rules, an imported host's
// values replaced, an agent host's own data kept with the import's labels filled in beside it,
// bad rows listed without blocking the good ones, the same file twice changing nothing.
#include "collector/api/offline_import.h"

#include <doctest/doctest.h>

#include "common/protocol/fleet.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

const json kFleet = {
    {"format", "sahab-fleet/1"},
    {"generated_at", "2026-12-05T10:00:00Z"},
    {"hosts",
     {{{"id", "agent-1"},
       {"hostname", "web01.commune.ma"},
       {"labels", {{"region", "Rabat-Salé-Kénitra"}}},
       {"cpu", {{"cores", 4}}},
       {"memory_bytes", 8589934592},
       {"utilisation", {{"source", "agent"}, {"window_days", 30}, {"cpu_ratio", {{"p95", 0.3}}}}}},
      {{"id", "crm"},
       {"hostname", "crm.commune.ma"},
       {"labels", {{"azure.boot_type", "BIOS"}}},
       {"cpu", {{"cores", 2}}}}}},
    {"connections", json::array()}};

// An RVTools vInfo tab saved as CSV: the agent's VM, the imported CRM server, a new VM and a row
// whose CPUs are text.
const std::string kVinfo =
    "VM,Powerstate,DNS Name,CPUs,Memory,Cluster\n"
    "web01,poweredOn,web01.commune.ma,8,16384,CL-1\n"
    "crm-vm,poweredOn,crm.commune.ma,6,8192,CL-2\n"
    "paie,poweredOff,paie.commune.ma,2,4096,CL-1\n"
    "broken,poweredOn,broken.commune.ma,four,4096,CL-1\n";

const json* host(const json& document, const std::string& id) {
  for (const auto& h : document["hosts"])
    if (h["id"] == id) return &h;
  return nullptr;
}

}  // namespace

TEST_CASE("offline import: matched, merged and filled in as the collector does") {
  OfflineImport imports(kFleet);
  const auto outcome = imports.add(kVinfo, std::nullopt);
  CHECK(outcome.format.starts_with("rvtools"));
  CHECK(outcome.counts.created == 1);
  CHECK(outcome.counts.updated == 2);
  CHECK(outcome.counts.failed == 1);
  REQUIRE(outcome.problems.size() == 1);
  CHECK(outcome.problems[0] == "row 5: vInfo row 5, column 'CPUs': expected a number, got 'four'");

  const json document = imports.document();
  CHECK_NOTHROW(protocol::fleet_from_json(document));
  REQUIRE(document["hosts"].size() == 3);
  // The agent's host: its own figures win, the import fills in what it lacks.
  const json* web = host(document, "agent-1");
  REQUIRE(web);
  CHECK((*web)["cpu"]["cores"] == 4);
  CHECK((*web)["memory_bytes"] == 8589934592);
  CHECK((*web)["hostname"] == "web01.commune.ma");
  CHECK((*web)["labels"]["region"] == "Rabat-Salé-Kénitra");
  CHECK((*web)["labels"]["vmware.cluster"] == "CL-1");
  CHECK((*web)["utilisation"]["source"] == "agent");
  // An imported host: the file's values replace its own, what only it had is kept.
  const json* crm = host(document, "crm");
  REQUIRE(crm);
  CHECK((*crm)["cpu"]["cores"] == 6);
  CHECK((*crm)["labels"]["vmware.cluster"] == "CL-2");
  CHECK((*crm)["labels"]["azure.boot_type"] == "BIOS");
  const json* paie = host(document, "vmware:paie");
  REQUIRE(paie);
  CHECK((*paie)["labels"]["vmware.powerstate"] == "poweredOff");

  // The same file again: every row unchanged, the same fleet.
  const auto again = imports.add(kVinfo, std::nullopt);
  CHECK(again.counts.unchanged == 3);
  CHECK(again.counts.created + again.counts.updated == 0);
  CHECK(imports.document() == document);
}

TEST_CASE("offline import: without a fleet, a named format, unusable files refused") {
  OfflineImport imports(nullptr);
  CHECK_THROWS_WITH_AS(imports.add(kVinfo, std::string("azure-migrate")),
                       doctest::Contains("missing columns 'Server name'"), std::invalid_argument);
  CHECK_THROWS_AS(imports.add("PK\x03\x04truncated", std::nullopt), std::invalid_argument);
  CHECK(imports.add(kVinfo, std::string("rvtools")).counts.created == 3);
  const json document = imports.document();
  CHECK(document["hosts"].size() == 3);
  CHECK_FALSE(document["generated_at"].get<std::string>().empty());
  CHECK_NOTHROW(protocol::fleet_from_json(document));
}
