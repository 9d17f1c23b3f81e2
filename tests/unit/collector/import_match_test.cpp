// collector/api/import_match: a server known to two sources is one host, found by id, SMBIOS/VM
// UUID (either byte order), hostname, short name, then primary IP, against hosts stored by real
// agent batches and imports; merging keeps what only the stored host has.
#include "collector/api/import_match.h"

#include <doctest/doctest.h>

#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using namespace sahab::collector::import;
using nlohmann::json;

namespace {

// vCenter's VM UUID and the same UUID as Linux shows it on a VM of hardware version <= 13.
constexpr const char* kVcenterUuid = "4224A0D8-1C2E-3B4F-8E6D-0A1B2C3D4E5F";
constexpr const char* kLinuxUuid = "d8a02442-2e1c-4f3b-8e6d-0a1b2c3d4e5f";

// An agent host "agent-1" (web01.commune.ma) whose inventory gives its SMBIOS UUID and a NIC
// address, and an imported host from an earlier RVTools file.
struct Estate : testing::TempStore {
  Estate() {
    write([](Database& db) {
      enrol_agent(db, "agent-1", "web01.commune.ma", "sha-1", "10.0.0.1", 100);
      Batch b;
      b.host_id = "agent-1";
      b.sequence = 1;
      b.sections = {{"system", "s1", json{{"dmi", {{"uuid", kLinuxUuid}}}}},
                    {"hardware", "h1", json{{"nics", {{{"ipv4", {"10.1.2.3/24"}}}}}}}};
      store_batch(db, b, "10.0.0.9", 200);
      upsert_imported_host(db,
                           json{{"id", "vmware:42"},
                                {"hostname", "paie.commune.ma"},
                                {"labels",
                                 {{"import.uuid", "11111111-2222-3333-4444-555555555555"},
                                  {"vmware.primary_ip", "10.9.9.9"}}}},
                           100);
    });
  }
  std::optional<Match> match(const json& host) {
    return read([&](Database& db) { return HostDirectory(stored_identities(db)).match(host); });
  }
};

std::string rule_of(const std::optional<Match>& m) { return m ? m->id + " by " + m->rule : "none"; }

}  // namespace

TEST_CASE("import match: UUIDs are compared as 32 hex digits, in both VMware byte orders") {
  CHECK(normalised_uuid(kVcenterUuid) == "4224a0d81c2e3b4f8e6d0a1b2c3d4e5f");
  CHECK(normalised_uuid("{4224a0d8-1c2e-3b4f-8e6d-0a1b2c3d4e5f}") ==
        "4224a0d81c2e3b4f8e6d0a1b2c3d4e5f");
  CHECK(byte_swapped_uuid(normalised_uuid(kVcenterUuid)) == normalised_uuid(kLinuxUuid));
  CHECK(byte_swapped_uuid(normalised_uuid(kLinuxUuid)) == normalised_uuid(kVcenterUuid));
  // Placeholders and what is no UUID identify nothing.
  CHECK(normalised_uuid("00000000-0000-0000-0000-000000000000").empty());
  CHECK(normalised_uuid("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF").empty());
  CHECK(normalised_uuid("4224a0d8-1c2e").empty());
  CHECK(normalised_uuid("not-a-uuid-but-32-characters-long").empty());
  CHECK(byte_swapped_uuid("").empty());
}

TEST_CASE("import match: the primary IP is the source's, else the first of its list") {
  CHECK(primary_ip(json{{"vmware.primary_ip", "10.0.0.5"}}) == "10.0.0.5");
  CHECK(primary_ip(json{{"azure.ip_addresses", "10.0.0.6, 10.0.0.7"}}) == "10.0.0.6");
  CHECK(primary_ip(json{{"inventory.ip_addresses", "10.0.0.8/192.168.1.1"}}) == "10.0.0.8");
  CHECK(primary_ip(json{{"aws.ip_addresses", " ;"}}).empty());
  CHECK(primary_ip(json{{"region", "Oriental"}}).empty());
  CHECK(primary_ip(json::array()).empty());
}

TEST_CASE("import match: id, then UUID, then hostname, then short name, then primary IP") {
  Estate e;
  CHECK(rule_of(e.match(json{{"id", "vmware:42"}})) == "vmware:42 by id");
  // RVTools gives vCenter's order, the agent read Linux's: the same machine.
  CHECK(rule_of(e.match(json{{"id", "vmware:x"}, {"labels", {{"import.uuid", kVcenterUuid}}}})) ==
        "agent-1 by uuid (byte-swapped)");
  CHECK(rule_of(e.match(json{{"id", "inventory:x"}, {"labels", {{"import.uuid", kLinuxUuid}}}})) ==
        "agent-1 by uuid");
  CHECK(rule_of(
            e.match(json{{"id", "azure-migrate:x"},
                         {"labels", {{"import.uuid", "11111111-2222-3333-4444-555555555555"}}}})) ==
        "vmware:42 by uuid");
  // The UUID comes before the name: a renamed VM is still the same VM.
  CHECK(rule_of(e.match(json{{"id", "x"},
                             {"hostname", "paie.commune.ma"},
                             {"labels", {{"import.uuid", kLinuxUuid}}}})) == "agent-1 by uuid");
  CHECK(rule_of(e.match(json{{"id", "x"}, {"hostname", "WEB01.commune.ma"}})) ==
        "agent-1 by hostname");
  CHECK(rule_of(e.match(json{{"id", "x"}, {"hostname", "paie"}})) == "vmware:42 by short hostname");
  // Another domain's server of the same short name is another server.
  CHECK(rule_of(e.match(json{{"id", "x"}, {"hostname", "web01.other.ma"}})) == "none");
  // The agent's NIC address, and an imported host's primary IP.
  CHECK(rule_of(e.match(json{{"id", "x"}, {"labels", {{"vmware.primary_ip", "10.1.2.3"}}}})) ==
        "agent-1 by primary ip");
  CHECK(rule_of(e.match(json{{"id", "x"}, {"labels", {{"gcp.primary_ip", "10.9.9.9"}}}})) ==
        "vmware:42 by primary ip");
  CHECK(rule_of(e.match(json{{"id", "x"},
                             {"hostname", "mail.commune.ma"},
                             {"labels",
                              {{"import.uuid", "aaaaaaaa-2222-3333-4444-555555555555"},
                               {"vmware.primary_ip", "10.7.7.7"}}}})) == "none");
}

TEST_CASE("import match: the import replaces values it has, keeps the others, and is stable") {
  const json stored = {{"id", "vm"},
                       {"hostname", "a"},
                       {"labels", {{"region", "Oriental"}, {"vmware.cluster", "C1"}}},
                       {"cpu", {{"cores", 2}}},
                       {"memory_bytes", 1024}};
  const json imported = {{"id", "vm"},
                         {"hostname", ""},
                         {"labels", {{"vmware.cluster", "C2"}}},
                         {"cpu", {{"cores", 4}}}};
  const json merged = merged_host(stored, imported);
  CHECK(merged == json{{"id", "vm"},
                       {"hostname", "a"},
                       {"labels", {{"region", "Oriental"}, {"vmware.cluster", "C2"}}},
                       {"cpu", {{"cores", 4}}},
                       {"memory_bytes", 1024}});
  CHECK(merged_host(merged, imported) == merged);
  CHECK(merged_host(json(), imported) == imported);
}
