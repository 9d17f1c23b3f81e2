#include "collector/api/inventory_import.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "collector/api/import_plan.h"
#include "collector/api/import_table.h"
#include "collector/api/import_xml.h"
#include "collector/api/import_zip.h"
#include "common/bounded_json.h"
#include "common/text.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr double kMebibyte = 1 << 20;
// A workstation lists ~1,000 packages, a busy server a few thousand: more are left out.
constexpr std::size_t kMaxSoftware = 5000;
// Sections of one inventory (software, users, processes, ... one element each).
constexpr std::size_t kMaxSections = 100'000;
constexpr std::size_t kMaxFieldBytes = 64 << 10;
// One inventory file in a zip: a server with thousands of packages writes a few MB.
constexpr std::size_t kMaxInventoryBytes = 64u << 20;
constexpr bounded_json::Limits kJsonLimits{
    .max_depth = 16, .max_values = 2'000'000, .max_string_bytes = 1 << 16};

// One inventory as its sections: CONTENT's children (HARDWARE, CPUS, DRIVES, ...), each a map of
// its fields' text, in upper case whichever format it came from; sections repeat per item.
struct Inventory {
  std::string device_id, query;
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> sections;

  std::vector<const std::map<std::string, std::string>*> all(std::string_view name) const {
    std::vector<const std::map<std::string, std::string>*> out;
    for (const auto& [section, fields] : sections)
      if (section == name) out.push_back(&fields);
    return out;
  }
  // The field of the first section `name` that has it non-empty, or "".
  std::string field(std::string_view name, const std::string& key) const {
    for (const auto* fields : all(name)) {
      if (const auto it = fields->find(key); it != fields->end()) {
        const auto value = text::trim(it->second);
        if (!value.empty()) return std::string(value);
      }
    }
    return "";
  }
  void add_section(std::string name) {
    if (sections.size() == kMaxSections) {
      throw std::invalid_argument("more than " + std::to_string(kMaxSections) +
                                  " inventory sections");
    }
    sections.emplace_back(std::move(name), std::map<std::string, std::string>());
  }
};

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// REQUEST > {DEVICEID, QUERY, CONTENT > SECTION > FIELD}; deeper elements are left out.
class InventoryXml : public xml::Handler {
 public:
  explicit InventoryXml(Inventory& into) : into_(into) {}

  void start(std::string_view name, const char**) override {
    path_.emplace_back(name);
    text_.clear();
    if (path_.size() == 1 && name != "REQUEST")
      throw std::invalid_argument("the root element is <" + std::string(name) + ">, not <REQUEST>");
    if (path_.size() == 3 && path_[1] == "CONTENT") into_.add_section(std::string(name));
  }

  void end(std::string_view) override {
    const std::string value(text::trim(text_));
    if (path_.size() == 2 && path_[1] == "DEVICEID") into_.device_id = value;
    if (path_.size() == 2 && path_[1] == "QUERY") into_.query = value;
    if (path_.size() == 4 && path_[1] == "CONTENT") into_.sections.back().second[path_[3]] = value;
    // A section that is a value itself (<VERSIONCLIENT>…</VERSIONCLIENT>): its one field.
    if (path_.size() == 3 && path_[1] == "CONTENT" && into_.sections.back().second.empty() &&
        !value.empty())
      into_.sections.back().second[path_[2]] = value;
    path_.pop_back();
    text_.clear();
  }

  void text(std::string_view s) override {
    if (text_.size() + s.size() > kMaxFieldBytes) {
      throw std::invalid_argument("an inventory field is longer than " +
                                  std::to_string(kMaxFieldBytes >> 10) + " KiB");
    }
    text_ += s;
  }

 private:
  Inventory& into_;
  std::vector<std::string> path_;
  std::string text_;
};

Inventory inventory_from_xml(std::string_view body, const std::string& what) {
  Inventory inventory;
  InventoryXml reader(inventory);
  xml::parse(what, body, reader);
  if (inventory.sections.empty()) {
    throw std::invalid_argument(what +
                                ": no <CONTENT> sections; expected an OCS Inventory or "
                                "FusionInventory/GLPI agent inventory");
  }
  if (!inventory.query.empty() && upper(inventory.query) != "INVENTORY")
    throw std::invalid_argument(what + ": a " + inventory.query + " request, not an INVENTORY");
  return inventory;
}

std::string scalar_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return "";
}

Inventory inventory_from_json(const json& document) {
  Inventory inventory;
  inventory.device_id = scalar_text(document.value("deviceid", json()));
  inventory.query = scalar_text(document.value("action", json()));
  const auto add = [&](const std::string& name, const json& object) {
    inventory.add_section(upper(name));
    for (const auto& [key, value] : object.items())
      inventory.sections.back().second[upper(key)] = scalar_text(value).substr(0, kMaxFieldBytes);
  };
  for (const auto& [name, section] : document["content"].items()) {
    if (section.is_object()) add(name, section);
    if (section.is_string()) add(name, json{{name, section}});
    if (section.is_array())
      for (const auto& item : section)
        if (item.is_object()) add(name, item);
  }
  if (document.contains("tag")) {  // the agent's TAG, as ACCOUNTINFO carries it in XML
    inventory.add_section("ACCOUNTINFO");
    inventory.sections.back().second = {{"KEYNAME", "TAG"},
                                        {"KEYVALUE", scalar_text(document["tag"])}};
  }
  return inventory;
}

// Filesystems that hold no server data to move: memory, kernel, network and media mounts.
bool local_filesystem(const std::map<std::string, std::string>& drive) {
  const auto get = [&](const char* key) {
    const auto it = drive.find(key);
    return it == drive.end() ? std::string() : std::string(text::trim(it->second));
  };
  const std::string fs = get("FILESYSTEM");
  for (const char* skipped : {"tmpfs", "devtmpfs", "overlay", "squashfs", "nfs", "nfs4", "cifs",
                              "smbfs", "iso9660", "udf", "proc", "sysfs", "ramfs", "autofs"}) {
    if (fs == skipped) return false;
  }
  if (fs.starts_with("fuse")) return false;
  const std::string type = get("TYPE");
  for (const char* skipped : {"Network Drive", "CD-Rom Drive", "Removable Disk", "Compact Disc"})
    if (type == skipped) return false;
  return !get("TOTAL").empty();
}

// A section's field as a number; nullopt when absent or empty, an error naming it when not one.
std::optional<double> number_of(const std::map<std::string, std::string>& fields, const char* key) {
  const auto it = fields.find(key);
  if (it == fields.end() || text::trim(it->second).empty()) return std::nullopt;
  const auto value = import::parse_number(it->second);
  if (!value || *value < 0)
    throw std::invalid_argument(std::string(key) + ": expected a number, got '" +
                                it->second.substr(0, 40) + "'");
  return value;
}

// A size in MB (the formats' unit) in bytes.
std::optional<double> mb(const std::map<std::string, std::string>& fields, const char* key) {
  const auto value = number_of(fields, key);
  return value ? std::optional(*value * kMebibyte) : std::nullopt;
}

class Mapper {
 public:
  explicit Mapper(const Inventory& inv) : inv_(inv) {}

  protocol::Host host() const {
    protocol::Host h;
    const std::string fqdn = inv_.field("OPERATINGSYSTEM", "FQDN");
    const std::string name = inv_.field("HARDWARE", "NAME");
    h.hostname = !fqdn.empty() ? fqdn : name;
    h.id = import::host_id("inventory", identity(h.hostname));
    os(h);
    cpu(h);
    if (const auto memory = number("HARDWARE", "MEMORY")) h.memory_bytes = *memory * kMebibyte;
    h.disks = disks();
    software(h);
    labels(h);
    return h;
  }

  // "ocs-inventory", "fusioninventory", "glpi-agent": which agent wrote it.
  std::string format() const {
    const std::string client = inv_.field("VERSIONCLIENT", "VERSIONCLIENT");
    const std::string lower = import::ascii_lower(client);
    if (lower.starts_with("fusioninventory")) return "fusioninventory";
    if (lower.starts_with("glpi")) return "glpi-agent";
    return "ocs-inventory";
  }

 private:
  // The machine's SMBIOS UUID (what vCenter and Azure Migrate know it by), else its name, else
  // the agent's device id (which changes when the agent is reinstalled).
  std::string identity(const std::string& hostname) const {
    const std::string uuid = import::ascii_lower(inv_.field("HARDWARE", "UUID"));
    if (!uuid.empty() && uuid.find_first_not_of("0-") != std::string::npos) return uuid;
    if (!hostname.empty()) return hostname;
    if (!inv_.device_id.empty()) return inv_.device_id;
    throw std::invalid_argument("the inventory names no machine (no UUID, NAME or DEVICEID)");
  }

  std::optional<double> number(std::string_view section, const char* key) const {
    const std::string value = inv_.field(section, key);
    if (value.empty()) return std::nullopt;
    const auto n = import::parse_number(value);
    if (!n || *n < 0) {
      throw std::invalid_argument(std::string(section) + "/" + key + ": expected a number, got '" +
                                  value.substr(0, 40) + "'");
    }
    return n;
  }

  void os(protocol::Host& h) const {
    h.os_name = inv_.field("OPERATINGSYSTEM", "FULL_NAME");
    if (h.os_name.empty()) h.os_name = inv_.field("HARDWARE", "OSNAME");
    h.os_version = inv_.field("OPERATINGSYSTEM", "VERSION");
    if (h.os_version.empty()) h.os_version = inv_.field("HARDWARE", "OSVERSION");
    h.arch = inv_.field("OPERATINGSYSTEM", "ARCH");
    if (h.arch.empty()) h.arch = inv_.field("CPUS", "CPUARCH");
    const std::string kernel = inv_.field("OPERATINGSYSTEM", "KERNEL_NAME");
    h.os_family = kernel == "MSWin32" ? "windows" : kernel == "linux" ? "linux" : "";
    if (h.os_family.empty()) h.os_family = import::os_family(h.os_name);
  }

  // Logical processors (what a cloud instance's vCPUs are), summed over the sockets; cores when
  // the agent gives no thread count; HARDWARE's processor count last.
  void cpu(protocol::Host& h) const {
    double logical = 0, cores = 0;
    for (const auto* socket : inv_.all("CPUS")) {
      const auto threads = number_of(*socket, "LOGICAL_CPUS");
      logical += threads ? *threads : number_of(*socket, "THREAD").value_or(0);
      const auto core = number_of(*socket, "CORE");
      cores += core ? *core : number_of(*socket, "CORES").value_or(0);
    }
    const double count = logical > 0 ? logical : cores;
    if (count > 0 && count < 1e6) {
      h.cpu_cores = static_cast<int>(count);
    } else if (const auto n = number("HARDWARE", "PROCESSORN"); n && *n >= 1 && *n < 1e6) {
      h.cpu_cores = static_cast<int>(*n);
    }
    h.cpu_model = inv_.field("CPUS", "NAME");
    if (h.cpu_model.empty()) h.cpu_model = inv_.field("CPUS", "TYPE");
    if (h.cpu_model.empty()) h.cpu_model = inv_.field("HARDWARE", "PROCESSORT");
    auto mhz = number("CPUS", "SPEED");
    if (!mhz) mhz = number("HARDWARE", "PROCESSORS");
    if (mhz && *mhz > 0) h.cpu_mhz = mhz;
  }

  // Local filesystems (DRIVES: size and use, as RVTools' vPartition), else the physical disks
  // (STORAGES: sizes only).
  std::vector<protocol::Disk> disks() const {
    std::vector<protocol::Disk> out;
    for (const auto* drive : inv_.all("DRIVES")) {
      if (!local_filesystem(*drive)) continue;
      protocol::Disk disk;
      for (const char* key : {"LETTER", "TYPE", "VOLUMN"}) {
        if (const auto it = drive->find(key); it != drive->end() && !it->second.empty()) {
          disk.name = it->second;
          break;
        }
      }
      disk.size_bytes = mb(*drive, "TOTAL");
      if (const auto free = mb(*drive, "FREE"); free && disk.size_bytes)
        disk.used_bytes = std::max(0.0, *disk.size_bytes - *free);
      out.push_back(std::move(disk));
    }
    if (!out.empty()) return out;
    for (const auto* storage : inv_.all("STORAGES")) {
      const auto size = mb(*storage, "DISKSIZE");
      const auto type = storage->find("TYPE");
      if (!size || *size == 0 ||
          (type != storage->end() && type->second != "disk" &&
           type->second.find("Fixed") == std::string::npos))
        continue;
      const auto name = storage->find("NAME");
      out.push_back({name != storage->end() ? name->second : "disk" + std::to_string(out.size()),
                     size, std::nullopt});
    }
    return out;
  }

  void software(protocol::Host& h) const {
    for (const auto* package : inv_.all("SOFTWARES")) {
      if (h.software.size() == kMaxSoftware) break;
      const auto name = package->find("NAME");
      if (name == package->end() || text::trim(name->second).empty()) continue;
      const auto version = package->find("VERSION");
      h.software.push_back({std::string(text::trim(name->second)),
                            version != package->end() ? version->second : "", ""});
    }
  }

  void labels(protocol::Host& h) const {
    const auto set = [&](const char* label, const std::string& value) {
      if (!value.empty()) h.labels[label] = value.substr(0, 1024);
    };
    set("inventory.agent", inv_.field("VERSIONCLIENT", "VERSIONCLIENT"));
    if (const std::string uuid = inv_.field("HARDWARE", "UUID");
        uuid.find_first_not_of("0-") != std::string::npos)
      set(import::kUuidLabel, uuid);
    set("inventory.device_id", inv_.device_id);
    set("inventory.vmsystem", inv_.field("HARDWARE", "VMSYSTEM"));
    set("inventory.ip_addresses", inv_.field("HARDWARE", "IPADDR"));
    set("inventory.domain", inv_.field("HARDWARE", "WORKGROUP"));
    set("inventory.serial", inv_.field("BIOS", "SSN"));
    set("inventory.model", inv_.field("BIOS", "SMODEL"));
    for (const auto* account : inv_.all("ACCOUNTINFO")) {
      const auto key = account->find("KEYNAME");
      const auto value = account->find("KEYVALUE");
      if (key != account->end() && key->second == "TAG" && value != account->end())
        set("inventory.tag", value->second);
    }
  }

  const Inventory& inv_;
};

ImportPlan plan_of(const Inventory& inventory, const std::string& where, std::size_t row,
                   import::PlanBuilder* shared = nullptr) {
  const Mapper mapper(inventory);
  import::PlanBuilder own(mapper.format());
  import::PlanBuilder& plan = shared ? *shared : own;
  plan.add(row, where, inventory.device_id, [&] {
    auto host = mapper.host();
    if (inventory.all("SOFTWARES").size() > kMaxSoftware)
      plan.warn(where + ": software list cut at " + std::to_string(kMaxSoftware) + " packages");
    return host;
  });
  return shared ? ImportPlan{} : own.take();
}

Inventory inventory_from_json_text(std::string_view body, const std::string& what) {
  json document;
  try {
    document = bounded_json::parse(body, kJsonLimits);
  } catch (const bounded_json::Error& e) {
    throw std::invalid_argument(what + ": " + e.what());
  }
  if (!is_glpi_inventory(document))
    throw std::invalid_argument(what + ": not a GLPI inventory (no \"deviceid\" and \"content\")");
  return inventory_from_json(document);
}

}  // namespace

bool looks_like_xml(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  const auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '<';
}

bool is_glpi_inventory(const json& document) {
  return document.is_object() && document.contains("deviceid") &&
         document.value("content", json()).is_object();
}

ImportPlan plan_inventory_xml_import(std::string_view body) {
  const auto inventory = inventory_from_xml(body, "inventory");
  return plan_of(inventory, "inventory " + inventory.device_id.substr(0, 128), 1);
}

ImportPlan plan_inventory_json_import(const json& document) {
  const auto inventory = inventory_from_json(document);
  return plan_of(inventory, "inventory " + inventory.device_id.substr(0, 128), 1);
}

ImportPlan plan_inventory_archive_import(std::string_view zip_body) {
  const import::Zip zip(zip_body, "zip archive");
  import::PlanBuilder plan("inventories");
  std::size_t row = 0, files = 0;
  for (const auto& entry : zip.names()) {
    ++row;
    const std::string lower = import::ascii_lower(entry);
    const bool is_json = lower.ends_with(".json");
    if (!is_json && !lower.ends_with(".xml") && !lower.ends_with(".ocs")) continue;
    ++files;
    try {
      const std::string body = zip.read(entry, kMaxInventoryBytes);
      const auto inventory =
          is_json ? inventory_from_json_text(body, entry) : inventory_from_xml(body, entry);
      plan_of(inventory, entry, row, &plan);
    } catch (const std::invalid_argument& e) {
      plan.error(row, entry, e.what());
    }
  }
  if (files == 0)
    throw std::invalid_argument(
        "the zip archive holds no .xml, .ocs or .json inventory files (nor an .xlsx workbook, "
        "RVTools tabs as CSV named …vInfo.csv, or a Migration Center set with …vmInfo.csv)");
  return plan.take();
}

}  // namespace sahab::collector
