// collector/sources/vcenter_inventory: a vCenter's VMs as imported hosts, from a recorded vcsim
// answer and from hand-made objects for what vcsim leaves empty (guest disks, custom attributes).
#include "collector/sources/vcenter_inventory.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace sahab::collector;
using namespace sahab::collector::vsphere;
using nlohmann::json;

namespace {

std::vector<ObjectContent> recorded_inventory() {
  std::ifstream in(std::string(SAHAB_FIXTURES_DIR) + "/vcenter/retrieve-inventory-vcsim.xml");
  std::stringstream text;
  text << in.rdbuf();
  return read_retrieve_page(parse_soap_body(text.str())).objects;
}

XmlNode leaf(const std::string& name, const std::string& text, const std::string& type = "") {
  XmlNode n;
  n.name = name;
  n.text = text;
  n.type = type;
  return n;
}

XmlNode node(const std::string& name, std::vector<XmlNode> children, const std::string& type = "") {
  XmlNode n;
  n.name = name;
  n.type = type;
  n.children = std::move(children);
  return n;
}

const json* host_with_id(const ImportPlan& plan, const std::string& id) {
  for (const auto& row : plan.hosts)
    if (row.host["id"] == id) return &row.host;
  return nullptr;
}

}  // namespace

TEST_CASE("each VM of a recorded vcsim inventory becomes a host with the RVTools id") {
  InventoryCounts counts;
  const auto plan = plan_vcenter_import(recorded_inventory(), {}, "lab", &counts);
  CHECK(plan.errors.empty());
  CHECK(plan.format == "vcenter lab");
  CHECK(counts.vms == 2);
  CHECK(counts.hosts == 1);
  CHECK(counts.clusters == 1);
  CHECK(counts.datacenters == 1);
  REQUIRE(plan.hosts.size() == 2);
  const json* h = host_with_id(plan, "vmware:cd0681bf-2f18-5c00-9b9b-8197c0095348");
  REQUIRE(h);
  CHECK(h->value("hostname", "") == "DC0_C0_RP0_VM0");
  const json labels = (*h)["labels"];
  CHECK(labels["import.source"] == "vcenter lab, vm-27");
  CHECK(labels["vmware.vm"] == "DC0_C0_RP0_VM0");
  CHECK(labels["vmware.datacenter"] == "DC0");
  CHECK(labels["vmware.cluster"] == "DC0_C0");
  CHECK(labels["vmware.host"] == "DC0_C0_H0");
  CHECK(labels["vmware.powerstate"] == "poweredOn");
  CHECK(labels["vmware.datastore"] == "LocalDS_0");
  CHECK(labels["vmware.moref"] == "vm-27");
  CHECK_FALSE(labels.contains("vmware.template"));
  CHECK_FALSE(labels.contains("vmware.folder"));  // straight in the datacenter's VM folder
  // The fleet document's own form: 1 vCPU, 32 MiB, vcsim's one 1 MiB thin disk.
  const auto host = sahab::protocol::host_from_json(*h);
  CHECK(host.cpu_cores == 1);
  CHECK(host.memory_bytes == doctest::Approx(32.0 * (1 << 20)));
  REQUIRE(host.disks.size() == 1);
  CHECK(host.disks[0].size_bytes == doctest::Approx(1024.0 * 1024));
}

TEST_CASE("a second reading of the same inventory gives the same plan") {
  const auto a = plan_vcenter_import(recorded_inventory(), {}, "lab");
  const auto b = plan_vcenter_import(recorded_inventory(), {}, "lab");
  REQUIRE(a.hosts.size() == b.hosts.size());
  for (std::size_t i = 0; i < a.hosts.size(); ++i) CHECK(a.hosts[i].host == b.hosts[i].host);
}

TEST_CASE("guest disks, IPs, templates, folders and custom attributes are read") {
  ObjectContent dc{"Datacenter", "dc-1", {{"name", leaf("val", "Rabat")}}};
  ObjectContent vm_folder{
      "Folder", "f-vm", {{"name", leaf("val", "vm")}, {"parent", leaf("val", "dc-1")}}};
  ObjectContent app_folder{
      "Folder", "f-app", {{"name", leaf("val", "Finances")}, {"parent", leaf("val", "f-vm")}}};
  ObjectContent vm{"VirtualMachine", "vm-9", {}};
  vm.properties = {
      {"name", leaf("val", "paie-db")},
      {"parent", leaf("val", "f-app")},
      {"config.uuid", leaf("val", "4221ABCD-0000-1111-2222-333344445555")},
      {"config.template", leaf("val", "true")},
      {"config.hardware.numCPU", leaf("val", "4")},
      {"config.hardware.memoryMB", leaf("val", "8192")},
      {"guest.guestFullName", leaf("val", "Microsoft Windows Server 2019 (64-bit)")},
      {"guest.hostName", leaf("val", "paie-db.finances.gov.ma")},
      {"runtime.powerState", leaf("val", "poweredOff")},
      {"guest.disk",
       node("val", {node("GuestDiskInfo", {leaf("diskPath", "C:\\"), leaf("capacity", "100"),
                                           leaf("freeSpace", "40")}),
                    node("GuestDiskInfo", {leaf("diskPath", "D:\\"), leaf("capacity", "200"),
                                           leaf("freeSpace", "200")})})},
      {"guest.net", node("val", {node("GuestNicInfo", {leaf("ipAddress", "10.1.2.3"),
                                                       leaf("ipAddress", "fe80::1")})})},
      {"customValue",
       node("val", {node("CustomFieldValue", {leaf("key", "101"), leaf("value", "Finances")},
                         "CustomFieldStringValue"),
                    node("CustomFieldValue", {leaf("key", "999"), leaf("value", "orphan")},
                         "CustomFieldStringValue")})}};
  ObjectContent manager{"CustomFieldsManager", "CustomFieldsManager", {}};
  manager.properties = {
      {"field",
       node("val", {node("CustomFieldDef", {leaf("key", "101"), leaf("name", "Owner team")})})}};
  const auto plan = plan_vcenter_import({dc, vm_folder, app_folder, vm}, {manager}, "rabat");
  REQUIRE(plan.hosts.size() == 1);
  const json& h = plan.hosts[0].host;
  CHECK(h["id"] == "vmware:4221abcd-0000-1111-2222-333344445555");
  CHECK(h["hostname"] == "paie-db.finances.gov.ma");
  const json& labels = h["labels"];
  CHECK(labels["vmware.template"] == "true");
  CHECK(labels["vmware.powerstate"] == "poweredOff");
  CHECK(labels["vmware.folder"] == "Finances");
  CHECK(labels["vmware.datacenter"] == "Rabat");
  CHECK(labels["vmware.ips"] == "10.1.2.3,fe80::1");
  CHECK(labels["vmware.attr.Owner_team"] == "Finances");
  CHECK(labels.size() < 64);
  const auto host = sahab::protocol::host_from_json(h);
  CHECK(host.os_family == "windows");
  CHECK(host.cpu_cores == 4);
  REQUIRE(host.disks.size() == 2);
  CHECK(host.disks[0].size_bytes == doctest::Approx(100));
  CHECK(host.disks[0].used_bytes == doctest::Approx(60));
  CHECK(host.disks[1].used_bytes == doctest::Approx(0));
}

TEST_CASE("a VM with a bad number is its row's error, the others are kept") {
  auto objects = recorded_inventory();
  for (auto& o : objects)
    if (o.id == "vm-27") o.properties["config.hardware.memoryMB"] = leaf("val", "lots");
  const auto plan = plan_vcenter_import(objects, {}, "lab");
  CHECK(plan.hosts.size() == 1);
  REQUIRE(plan.errors.size() == 1);
  CHECK(plan.errors[0].id == "DC0_C0_RP0_VM0");
  CHECK(plan.errors[0].message.find("lots") != std::string::npos);
}
