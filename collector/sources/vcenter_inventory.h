#pragma once
// What a vCenter (or a standalone ESXi) knows of its virtual machines, read through the
// property collector and mapped into the import plan every importer makes (import_plan.h): one
// sahab-fleet/1 host per VM, with the same id an RVTools export of the same vCenter gives
// ("vmware:" + the VM's BIOS UUID, config.uuid), so the two meet on one host. docs/sources.md lists
// what each property becomes.
#include <string>
#include <vector>

#include "collector/api/fleet_import.h"
#include "collector/sources/vsphere_client.h"

namespace sahab::collector::vsphere {

// The types and properties one inventory run reads, in one container view.
std::vector<PropertyRequest> inventory_requests();
// The custom attributes' definitions (CustomFieldsManager.field), for their names.
inline constexpr const char* kCustomFieldsManager = "customFieldsManager";
std::vector<std::string> custom_field_paths();

struct InventoryCounts {
  std::size_t vms = 0, hosts = 0, clusters = 0, datacenters = 0;
};

// One host per VirtualMachine of `objects` (other types give their names and places); a VM that
// cannot be mapped is that row's error. `source_name` starts each host's import.source label
// ("vcenter NAME, vm-42").
ImportPlan plan_vcenter_import(const std::vector<ObjectContent>& objects,
                               const std::vector<ObjectContent>& custom_fields,
                               const std::string& source_name, InventoryCounts* counts = nullptr);

}  // namespace sahab::collector::vsphere
