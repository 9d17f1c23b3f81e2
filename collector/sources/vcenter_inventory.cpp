#include "collector/sources/vcenter_inventory.h"

#include <algorithm>
#include <map>

#include "collector/api/import_plan.h"
#include "collector/api/import_table.h"
#include "collector/ingest/document.h"
#include "common/text.h"

namespace sahab::collector::vsphere {
namespace {

constexpr double kMebibyte = 1 << 20;
// Labels left for the custom attributes once the host's own are set (64 per host in all).
constexpr std::size_t kMaxAttributeLabels = 32;

struct Place {
  std::string type, name, parent;
};
using Places = std::map<std::string, Place>;  // by managed object id

std::optional<double> number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const auto value = text::to_double(text);
  if (!value || *value < 0)
    throw std::invalid_argument("not a number: '" + text.substr(0, 40) + "'");
  return value;
}

// A label value within the fleet's limit.
std::string capped(std::string value) {
  if (value.size() > kMaxLabelValueBytes) value.resize(kMaxLabelValueBytes);
  return value;
}

// "vmware.attr." and the attribute's name in the characters a label name allows.
std::string attribute_label(const std::string& name) {
  std::string out = "vmware.attr.";
  for (const char c : name.substr(0, 48))
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

}  // namespace

class VmMapper {
 public:
  VmMapper(const std::vector<ObjectContent>& objects, const std::vector<ObjectContent>& fields) {
    for (const auto& o : objects) {
      if (o.type == "VirtualMachine") continue;
      places_[o.id] = {o.type, o.text("name"), o.text("parent")};
      if (o.type == "HostSystem") hosts_[o.id] = &o;
    }
    for (const auto& manager : fields) {
      const XmlNode* defs = manager.find("field");
      if (!defs) continue;
      for (const auto& def : defs->children)
        attribute_names_[def.text_of("key")] = def.text_of("name");
    }
  }

  protocol::Host host(const ObjectContent& vm, const std::string& source) const {
    protocol::Host h;
    const std::string name = vm.text("name");
    if (name.empty()) throw std::invalid_argument(vm.id + ": no name");
    const std::string uuid = import::ascii_lower(vm.text("config.uuid"));
    // A VM whose configuration cannot be read has no UUID: its place in this vCenter names it.
    h.id = import::host_id("vmware", !uuid.empty() ? uuid : source + "-" + vm.id);
    h.hostname = vm.text("guest.hostName").empty() ? name : vm.text("guest.hostName");
    h.os_name = vm.text("guest.guestFullName");
    if (h.os_name.empty()) h.os_name = vm.text("config.guestFullName");
    h.os_family = import::os_family(h.os_name);
    if (const auto cpus = number(vm.text("config.hardware.numCPU")); cpus && *cpus >= 1)
      h.cpu_cores = static_cast<int>(*cpus);
    if (const auto mb = number(vm.text("config.hardware.memoryMB")))
      h.memory_bytes = *mb * kMebibyte;
    h.disks = disks(vm);
    set_labels(vm, h);
    return h;
  }

 private:
  // The guest's filesystems (size and use) when VMware Tools report them, else the virtual
  // disks' capacities; a VM's only disk gets what its files take on the datastores as its use.
  std::vector<protocol::Disk> disks(const ObjectContent& vm) const {
    std::vector<protocol::Disk> out;
    if (const XmlNode* guest = vm.find("guest.disk")) {
      for (const auto& d : guest->children) {
        const auto capacity = number(d.text_of("capacity"));
        const auto free = number(d.text_of("freeSpace"));
        if (!capacity) continue;
        protocol::Disk disk{d.text_of("diskPath"), capacity, std::nullopt};
        if (free && *free <= *capacity) disk.used_bytes = *capacity - *free;
        out.push_back(disk);
      }
      if (!out.empty()) return out;
    }
    if (const XmlNode* devices = vm.find("config.hardware.device")) {
      for (const auto& d : devices->children) {
        if (d.type != "VirtualDisk") continue;
        auto bytes = number(d.text_of("capacityInBytes"));
        if (!bytes) {
          if (const auto kb = number(d.text_of("capacityInKB"))) bytes = *kb * 1024;
        }
        const XmlNode* info = d.find("deviceInfo");
        out.push_back({info ? info->text_of("label") : "disk" + std::to_string(out.size()), bytes,
                       std::nullopt});
      }
    }
    if (out.size() == 1) out.front().used_bytes = storage(vm, "committed");
    return out;
  }

  // The VM's files on every datastore: "committed" (written) or "uncommitted" (thin, unwritten).
  std::optional<double> storage(const ObjectContent& vm, const char* member) const {
    const XmlNode* usage = vm.find("storage.perDatastoreUsage");
    if (!usage || usage->children.empty()) return std::nullopt;
    double total = 0;
    for (const auto& u : usage->children) total += number(u.text_of(member)).value_or(0);
    return total;
  }

  void set_labels(const ObjectContent& vm, protocol::Host& h) const {
    auto set = [&h](const std::string& key, const std::string& value) {
      if (!value.empty()) h.labels[key] = capped(value);
    };
    set("vmware.vm", vm.text("name"));
    set(import::kUuidLabel, import::ascii_lower(vm.text("config.uuid")));  // as RVTools imports
    set("vmware.instance_uuid", vm.text("config.instanceUuid"));
    set("vmware.moref", vm.id);
    set("vmware.powerstate", vm.text("runtime.powerState"));
    set("vmware.tools", vm.text("guest.toolsRunningStatus"));
    set("vmware.annotation", vm.text("config.annotation"));
    set("vmware.primary_ip", vm.text("guest.ipAddress"));
    if (vm.text("config.template") == "true") h.labels["vmware.template"] = "true";
    const std::string host_id = vm.text("runtime.host");
    set("vmware.host", name_of(host_id));
    if (const auto it = hosts_.find(host_id); it != hosts_.end()) {
      set("vmware.host_cpu_model", it->second->text("summary.hardware.cpuModel"));
      set("vmware.host_cpu_cores", it->second->text("summary.hardware.numCpuCores"));
      set("vmware.host_memory_bytes", it->second->text("summary.hardware.memorySize"));
      set("vmware.esxi", it->second->text("summary.config.product.fullName"));
    }
    const auto compute = places_.find(parent_of(host_id));
    if (compute != places_.end() && compute->second.type == "ClusterComputeResource")
      set("vmware.cluster", compute->second.name);
    set("vmware.datacenter", name_of(enclosing(vm.text("parent"), "Datacenter")));
    set("vmware.folder", folder_path(vm.text("parent")));
    set("vmware.datastore",
        joined(vm.find("datastore"), [this](const XmlNode& ref) { return name_of(ref.text); }));
    set("vmware.ips", joined(vm.find("guest.net"), [](const XmlNode& nic) {
          std::string ips;
          for (const auto& ip : nic.children)
            if (ip.name == "ipAddress") ips += (ips.empty() ? "" : ",") + ip.text;
          return ips;
        }));
    set("vmware.macs", joined(vm.find("config.hardware.device"),
                              [](const XmlNode& device) { return device.text_of("macAddress"); }));
    if (const auto committed = storage(vm, "committed")) {
      set("vmware.committed_bytes", std::to_string(static_cast<std::int64_t>(*committed)));
      set("vmware.uncommitted_bytes",
          std::to_string(static_cast<std::int64_t>(storage(vm, "uncommitted").value_or(0))));
    }
    std::size_t attributes = 0;
    if (const XmlNode* values = vm.find("customValue")) {
      for (const auto& v : values->children) {
        const auto name = attribute_names_.find(v.text_of("key"));
        if (name == attribute_names_.end() || ++attributes > kMaxAttributeLabels) continue;
        set(attribute_label(name->second), v.text_of("value"));
      }
    }
  }

  template <typename F>
  static std::string joined(const XmlNode* list, F&& value_of) {
    std::string out;
    if (!list) return out;
    for (const auto& item : list->children) {
      const std::string value = value_of(item);
      if (!value.empty()) out += (out.empty() ? "" : ",") + value;
    }
    return out;
  }

  std::string name_of(const std::string& id) const {
    const auto it = places_.find(id);
    return it == places_.end() ? "" : it->second.name;
  }
  std::string parent_of(const std::string& id) const {
    const auto it = places_.find(id);
    return it == places_.end() ? "" : it->second.parent;
  }
  // The nearest object of `type` at or above `id`, or "" (a bounded walk: a loop in the answer's
  // parents must not hang the run).
  std::string enclosing(std::string id, const std::string& type) const {
    for (int step = 0; step < 64 && !id.empty(); ++step) {
      const auto it = places_.find(id);
      if (it == places_.end()) return "";
      if (it->second.type == type) return id;
      id = it->second.parent;
    }
    return "";
  }
  // "Production/Web" for a VM in the folders Production > Web of its datacenter's VM folder.
  std::string folder_path(std::string id) const {
    std::vector<std::string> names;
    for (int step = 0; step < 64 && !id.empty(); ++step) {
      const auto it = places_.find(id);
      if (it == places_.end() || it->second.type != "Folder") break;
      const auto parent = places_.find(it->second.parent);
      if (parent != places_.end() && parent->second.type == "Datacenter") break;  // "vm" itself
      names.push_back(it->second.name);
      id = it->second.parent;
    }
    std::string path;
    for (auto it = names.rbegin(); it != names.rend(); ++it)
      path += (path.empty() ? "" : "/") + *it;
    return path;
  }

  Places places_;
  std::map<std::string, const ObjectContent*> hosts_;
  std::map<std::string, std::string> attribute_names_;  // custom field key -> name
};

std::vector<PropertyRequest> inventory_requests() {
  return {{"Datacenter", {"name", "parent"}},
          {"Folder", {"name", "parent"}},
          {"ClusterComputeResource", {"name", "parent"}},
          {"ComputeResource", {"name", "parent"}},
          {"Datastore", {"name", "parent"}},
          {"HostSystem",
           {"name", "parent", "summary.hardware.cpuModel", "summary.hardware.numCpuCores",
            "summary.hardware.memorySize", "summary.config.product.fullName"}},
          {"VirtualMachine",
           {"name", "parent", "config.uuid", "config.instanceUuid", "config.guestFullName",
            "config.template", "config.annotation", "config.hardware.numCPU",
            "config.hardware.memoryMB", "guest.guestFullName", "guest.hostName", "guest.ipAddress",
            "guest.toolsRunningStatus", "runtime.powerState", "runtime.host"}}};
}

std::vector<std::string> vm_detail_paths() {
  return {"config.hardware.device",    "guest.disk", "guest.net", "datastore",
          "storage.perDatastoreUsage", "customValue"};
}

std::vector<std::string> custom_field_paths() { return {"field"}; }

VcenterPlan::VcenterPlan(const std::vector<ObjectContent>& inventory,
                         const std::vector<ObjectContent>& custom_fields, std::string source_name)
    : mapper_(std::make_unique<VmMapper>(inventory, custom_fields)),
      source_(std::move(source_name)),
      plan_(std::make_unique<import::PlanBuilder>("vcenter " + source_)) {
  for (const auto& o : inventory) {
    if (o.type == "VirtualMachine") vms_.push_back(&o);
    counts_.hosts += o.type == "HostSystem";
    counts_.clusters += o.type == "ClusterComputeResource";
    counts_.datacenters += o.type == "Datacenter";
  }
  counts_.vms = vms_.size();
  // By managed object id, so that the same inventory always gives the same rows.
  std::sort(vms_.begin(), vms_.end(),
            [](const ObjectContent* a, const ObjectContent* b) { return a->id < b->id; });
}

VcenterPlan::~VcenterPlan() = default;

void VcenterPlan::add(std::size_t row, const ObjectContent& vm) {
  plan_->add(row, vm.id, vm.text("name"), [&] { return mapper_->host(vm, source_); });
}

ImportPlan VcenterPlan::take() { return plan_->take(); }

ImportPlan plan_vcenter_import(const std::vector<ObjectContent>& objects,
                               const std::vector<ObjectContent>& custom_fields,
                               const std::string& source_name, InventoryCounts* counts) {
  VcenterPlan plan(objects, custom_fields, source_name);
  for (std::size_t i = 0; i < plan.vms().size(); ++i) plan.add(i + 1, *plan.vms()[i]);
  if (counts) *counts = plan.counts();
  return plan.take();
}

}  // namespace sahab::collector::vsphere
