#include "collector/api/rvtools_import.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "collector/api/import_plan.h"
#include "collector/api/xlsx.h"
#include "common/protocol/fleet.h"
#include "common/text.h"

namespace sahab::collector {
namespace {
using import::Names;
using import::Row;
using import::Table;

// RVTools sizes: "MiB" since 4.x, "MB" before. Both are vSphere's megabytes, 2^20 bytes: the
// rename fixed the label, not the values.
constexpr double kMebibyte = 1 << 20;

// The columns read, as the tab shows them (new name first, then the 3.x name), then as RVTools'
// "export all to CSV" writes them (internal names).
const Names kVm = {"VM", "vInfoVMName", "vPartitionVMName", "vDiskVMName"};
const Names kVmUuid = {"VM UUID", "vInfoUUID", "vPartitionUUID", "vDiskUUID"};
const Names kCpus = {"CPUs", "vInfoCPUs"};
const Names kMemory = {"Memory", "vInfoMemory"};
const Names kDnsName = {"DNS Name", "vInfoGuestHostName"};
const Names kOsTools = {"OS according to the VMware Tools", "vInfoOSTools"};
const Names kOsConfig = {"OS according to the configuration file", "vInfoOS"};
const Names kProvisioned = {"Provisioned MiB", "Provisioned MB", "vInfoProvisioned"};
const Names kInUse = {"In Use MiB", "In Use MB", "vInfoInUse"};
const Names kTemplate = {"Template", "vInfoTemplate"};
const Names kDisk = {"Disk", "vPartitionDisk", "vDiskDisk"};
const Names kCapacity = {"Capacity MiB", "Capacity MB", "vPartitionCapacityMiB",
                         "vDiskCapacityMiB"};
const Names kConsumed = {"Consumed MiB", "Consumed MB", "vPartitionConsumedMiB"};

constexpr const char* kExpected = "an RVTools export (3.x to 4.x)";

// Disks per VM from one of the per-disk tabs, keyed like the vInfo rows (VM UUID, else name).
using DisksByVm = std::map<std::string, std::vector<protocol::Disk>>;

// A row's keys, most precise first: "uuid:…" when the tab has the VM UUID, then "name:…" (VM
// names repeat across vCenters, UUIDs do not; old and trimmed tabs have only names).
std::vector<std::string> vm_keys(const Table& table, const Row& row) {
  std::vector<std::string> keys;
  if (const auto uuid = table.text(row, kVmUuid); !uuid.empty()) keys.push_back("uuid:" + uuid);
  keys.push_back("name:" + table.text(row, kVm));
  return keys;
}

// vPartition (Capacity/Consumed) or vDisk (Capacity): a row with a bad number is reported and
// left out, the VM keeps its other disks.
DisksByVm read_disks(const import::TableReader& tabs, const std::string& tab,
                     import::PlanBuilder& plan) {
  DisksByVm disks;
  import::read_table(tabs, tab, [&](const Table& table, const Row& row) {
    const auto vm = table.text(row, kVm);
  // A trimmed tab without capacities: the VM's totals are used instead.
  if (vm.empty() || !table.has(kCapacity)) return;
  try {
    protocol::Disk disk{table.text(row, kDisk), std::nullopt, std::nullopt};
    if (const auto mib = table.number(row, kCapacity)) disk.size_bytes = *mib * kMebibyte;
    if (const auto mib = table.number(row, kConsumed)) disk.used_bytes = *mib * kMebibyte;
    const auto keys = vm_keys(table, row);
    if (disk.name.empty()) disk.name = "disk" + std::to_string(disks[keys.back()].size());
    for (const auto& key : keys) disks[key].push_back(disk);
  } catch (const std::invalid_argument& e) {
    plan.error(row.number, vm, e.what());
  }
});
return disks;
}  // namespace

class VmMapper {
 public:
  VmMapper(DisksByVm partitions, DisksByVm vdisks)
      : partitions_(std::move(partitions)), vdisks_(std::move(vdisks)) {}

  // Refuses a vInfo header without the columns every host needs.
  static void check_header(const Table& info) { info.require({kVm, kCpus, kMemory}, kExpected); }

  protocol::Host host(const Table& info, const Row& row) const {
    protocol::Host h;
    const auto vm = info.text(row, kVm);
    if (vm.empty()) throw std::invalid_argument(info.where(row) + ": no VM name");
    const auto uuid = info.text(row, kVmUuid);
    h.id = import::host_id("vmware", !uuid.empty() ? uuid : vm);
    h.hostname = info.text(row, kDnsName).empty() ? vm : info.text(row, kDnsName);
    h.os_name = info.text(row, kOsTools);
    if (h.os_name.empty()) h.os_name = info.text(row, kOsConfig);
    h.os_family = import::os_family(h.os_name);
    // 0 CPUs is how RVTools shows a VM whose configuration vCenter could not read: unknown.
    if (const auto cpus = info.number(row, kCpus); cpus && *cpus != 0) {
      if (*cpus != std::floor(*cpus) || *cpus > 1e6) {
        throw std::invalid_argument(info.where(row) + ", column 'CPUs': expected a whole number");
      }
      h.cpu_cores = static_cast<int>(*cpus);
    }
    if (const auto mib = info.number(row, kMemory)) h.memory_bytes = *mib * kMebibyte;
    h.disks = disks(info, row);
    const std::pair<const char*, std::string> labels[] = {
        {"vmware.datacenter", info.text(row, {"Datacenter", "vInfoDataCenter"})},
        {"vmware.cluster", info.text(row, {"Cluster", "vInfoCluster"})},
        {"vmware.host", info.text(row, {"Host", "vInfoHost"})},
        {"vmware.powerstate", info.text(row, {"Powerstate", "vInfoPowerstate"})},
        {"vmware.primary_ip", info.text(row, {"Primary IP Address", "vInfoPrimaryIPAddress"})}};
    for (const auto& [label, value] : labels)
      if (!value.empty()) h.labels[label] = value;
    if (info.text(row, kTemplate) == "True") h.labels["vmware.template"] = "true";
    h.labels["vmware.vm"] = vm;
    if (!uuid.empty()) h.labels[import::kUuidLabel] = uuid;
    return h;
  }

 private:
  std::vector<protocol::Disk> disks(const Table& info, const Row& row) const {
    for (const DisksByVm* tab : {&partitions_, &vdisks_}) {
      for (const auto& key : vm_keys(info, row))
        if (const auto it = tab->find(key); it != tab->end()) return it->second;
    }
    const auto size = info.number(row, kProvisioned);
    if (!size) return {};
    protocol::Disk disk{"disk0", *size * kMebibyte, std::nullopt};
    if (const auto used = info.number(row, kInUse)) disk.used_bytes = *used * kMebibyte;
    return {disk};
  }

  DisksByVm partitions_, vdisks_;
};

// "rvtools 4.7.1.4" from the vMetaData tab, "rvtools" when it has none (3.x, trimmed exports).
std::string rvtools_format(const import::TableReader& tabs) {
  std::string version;
  import::read_table(tabs, "vMetaData", [&](const Table& table, const Row& row) {
    if (version.empty()) version = table.text(row, {"RVTools version"});
});
return version.empty() ? "rvtools" : "rvtools " + version.substr(0, 32);
}  // namespace sahab::collector

ImportPlan plan_from_tabs(const import::TableReader& tabs) {
  import::PlanBuilder plan(rvtools_format(tabs));
  // The disks first, so that each vInfo row becomes a host as the tab streams by.
  const VmMapper mapper(read_disks(tabs, "vPartition", plan), read_disks(tabs, "vDisk", plan));
  const auto on_vm = [&](const Table& info, const Row& row) {
    plan.add(row.number, info.where(row), info.text(row, kVm),
             [&] { return mapper.host(info, row); });
  };
  import::read_table(tabs, "vInfo", on_vm, VmMapper::check_header);
  return plan.take();
}

}  // namespace

bool looks_like_workbook(std::string_view body) { return import::looks_like_zip(body); }

ImportPlan plan_rvtools_import(std::string_view body) {
  const xlsx::Workbook book(body);
  const auto sheets = book.sheet_names();
  if (std::find(sheets.begin(), sheets.end(), "vInfo") == sheets.end()) {
    std::string names;
    for (const auto& name : sheets) names += (names.empty() ? "" : ", ") + name;
    throw std::invalid_argument("workbook has no 'vInfo' sheet (sheets: " + names.substr(0, 200) +
                                "); expected " + kExpected);
  }
  ImportPlan plan = plan_from_tabs([&book](const std::string& tab, const auto& on_row) {
    return book.for_each_row(tab, on_row);
  });
  for (auto& note : book.notes()) plan.warnings.push_back(std::move(note));
  return plan;
}

ImportPlan plan_rvtools_csv_import(const import::CsvTables& tables) {
  if (!tables.has("vInfo")) {
    throw std::invalid_argument("no vInfo tab among the CSV files; expected " +
                                std::string(kExpected));
  }
  return plan_from_tabs(tables.reader());
}

std::string rvtools_tab_of(std::string_view file_name) {
  return import::table_named(file_name, {"vInfo", "vPartition", "vDisk", "vMetaData"});
}

bool is_rvtools_vinfo(const Table& header) {
  return header.has(kVm) && header.has(kCpus) && header.has(kMemory);
}

}  // namespace sahab::collector
