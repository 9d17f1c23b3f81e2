#pragma once
// What a vCenter (or a standalone ESXi) knows of its virtual machines, read through the
// property collector and mapped into the import plan every importer makes (import_plan.h): one
// sahab-fleet/1 host per VM, with the same id an RVTools export of the same vCenter gives
// ("vmware:" + the VM's BIOS UUID, config.uuid), so the two meet on one host. docs/sources.md lists
// what each property becomes.
#include <memory>
#include <string>
#include <vector>

#include "collector/api/fleet_import.h"
#include "collector/sources/vsphere_client.h"

namespace sahab::collector::import {
class PlanBuilder;
}

namespace sahab::collector::vsphere {

// The types and properties one inventory run reads in one container view: every object's place
// and each VM's own figures.
std::vector<PropertyRequest> inventory_requests();
// A VM's bulky properties (devices, guest disks and NICs, datastores, custom values), read for a
// batch of VMs at a time and mapped at once, so that a large vCenter's answer is never held whole.
std::vector<std::string> vm_detail_paths();
// The custom attributes' definitions (CustomFieldsManager.field), for their names.
inline constexpr const char* kCustomFieldsManager = "customFieldsManager";
std::vector<std::string> custom_field_paths();

struct InventoryCounts {
  std::size_t vms = 0, hosts = 0, clusters = 0, datacenters = 0;
};

class VmMapper;

// The import plan of one run, VM by VM: the other objects of the inventory give each VM its
// datacenter, cluster, host and folder; each VM is mapped when its details are at hand.
class VcenterPlan {
 public:
  // `inventory` (kept by the caller while the plan is built): what inventory_requests() read.
  VcenterPlan(const std::vector<ObjectContent>& inventory,
              const std::vector<ObjectContent>& custom_fields, std::string source_name);
  ~VcenterPlan();
  VcenterPlan(const VcenterPlan&) = delete;
  VcenterPlan& operator=(const VcenterPlan&) = delete;

  // The inventory's VMs by managed object id: the order of their rows.
  const std::vector<const ObjectContent*>& vms() const { return vms_; }
  const InventoryCounts& counts() const { return counts_; }
  // Maps `vm` (its inventory properties with its details added) as row `row`; a VM that cannot
  // be mapped is that row's error.
  void add(std::size_t row, const ObjectContent& vm);
  ImportPlan take();

 private:
  std::unique_ptr<VmMapper> mapper_;
  std::string source_;
  std::unique_ptr<import::PlanBuilder> plan_;
  std::vector<const ObjectContent*> vms_;
  InventoryCounts counts_;
};

// One host per VirtualMachine of `objects` (other types give their names and places); a VM that
// cannot be mapped is that row's error. `source_name` starts each host's import.source label
// ("vcenter NAME, vm-42").
ImportPlan plan_vcenter_import(const std::vector<ObjectContent>& objects,
                               const std::vector<ObjectContent>& custom_fields,
                               const std::string& source_name, InventoryCounts* counts = nullptr);

}  // namespace sahab::collector::vsphere
