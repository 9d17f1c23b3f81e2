#include "collector/api/rvtools_import.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>

#include "collector/api/xlsx.h"
#include "collector/ingest/document.h"
#include "common/crypto.h"
#include "common/protocol/fleet.h"
#include "common/text.h"

namespace sahab::collector {
namespace {

// RVTools sizes: "MiB" since 4.x, "MB" before. Both are vSphere's megabytes, 2^20 bytes: the
// rename fixed the label, not the values.
constexpr double kMebibyte = 1 << 20;

// A sheet's header row: cells of the rows below looked up by header name.
class Table {
 public:
  Table(std::string sheet, const xlsx::Row& header) : sheet_(std::move(sheet)) {
    for (const auto& [column, text] : header.cells) {
      // "Free % " (3.x) has a trailing space: names are compared trimmed.
      const std::string name(text::trim(text));
      if (!name.empty()) columns_.emplace(name, column);  // the first of two same names wins
    }
  }

  // The column named by the first of `names` the header has (new name first, then old ones).
  std::optional<std::size_t> column(std::initializer_list<std::string_view> names) const {
    const auto* found = named(names);
    return found ? std::optional(found->second) : std::nullopt;
  }

  static std::string cell(const xlsx::Row& row, std::optional<std::size_t> column) {
    return column ? std::string(text::trim(row.at(*column))) : std::string();
  }

  // The cell of the column named by the first of `names` the header has, as a non-negative
  // number; nullopt when the column or the value is absent; throws naming row and column.
  std::optional<double> number(const xlsx::Row& row,
                               std::initializer_list<std::string_view> names) const {
    const auto* column = named(names);
    const auto value = column ? cell(row, column->second) : std::string();
    if (value.empty()) return std::nullopt;
    const auto d = text::to_double(value);
    if (!d || !std::isfinite(*d) || *d < 0) {
      throw std::invalid_argument(sheet_ + " row " + std::to_string(row.number) + ", column '" +
                                  column->first + "': expected a number, got '" +
                                  value.substr(0, 40) + "'");
    }
    return *d;
  }

 private:
  // The header entry (name, column) of the first of `names` the sheet has, or nullptr.
  const std::pair<const std::string, std::size_t>* named(
      std::initializer_list<std::string_view> names) const {
    for (const auto name : names) {
      const auto it = columns_.find(std::string(name));
      if (it != columns_.end()) return &*it;
    }
    return nullptr;
  }

  std::string sheet_;
  std::map<std::string, std::size_t> columns_;
};

bool blank(const xlsx::Row& row) {
  return std::all_of(row.cells.begin(), row.cells.end(),
                     [](const auto& cell) { return text::trim(cell.second).empty(); });
}

// Reads the sheet `name` of `book` as it streams: its first row is the header (`on_header` may
// refuse it by throwing), then `on_row` for each data row that is not blank (spreadsheets keep
// formatted empty rows). False when the workbook has no such sheet.
using RowHandler = std::function<void(const Table&, const xlsx::Row&)>;
bool read_table(const xlsx::Workbook& book, const std::string& name, const RowHandler& on_row,
                const std::function<void(const Table&)>& on_header = {}) {
  std::optional<Table> table;
  return book.for_each_row(name, [&](const xlsx::Row& row) {
    if (!table) {
      table.emplace(name, row);
      if (on_header) on_header(*table);
    } else if (!blank(row)) {
      on_row(*table, row);
    }
  });
}

// A host id from a VM's identity: kept as is when it is a valid id, else its safe characters
// plus a digest of the original, so two names differing only in unsafe characters stay apart.
std::string host_id(const std::string& identity) {
  const std::string id = "vmware:" + identity;
  if (valid_host_id(id)) return id;
  std::string safe;
  for (const char c : identity.substr(0, 96))
    safe += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  return "vmware:" + safe + "-" + crypto::sha256_hex(identity).substr(0, 12);
}

std::string os_family(const std::string& os_name) {
  std::string lower = os_name;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("windows") != std::string::npos) return "windows";
  if (lower.find("linux") != std::string::npos) return "linux";
  return "";
}

// Disks per VM from one of the per-disk sheets, keyed like the vInfo rows (VM UUID, else name).
using DisksByVm = std::map<std::string, std::vector<protocol::Disk>>;

// A row's keys, most precise first: "uuid:…" when the sheet has the VM UUID, then "name:…" (VM
// names repeat across vCenters, UUIDs do not; old and trimmed sheets have only names).
std::vector<std::string> vm_keys(const Table& table, const xlsx::Row& row) {
  std::vector<std::string> keys;
  if (const auto uuid = Table::cell(row, table.column({"VM UUID"})); !uuid.empty())
    keys.push_back("uuid:" + uuid);
  keys.push_back("name:" + Table::cell(row, table.column({"VM"})));
  return keys;
}

// vPartition (Capacity/Consumed) or vDisk (Capacity): a row with a bad number is reported and
// left out, the VM keeps its other disks.
DisksByVm read_disks(const xlsx::Workbook& book, const std::string& sheet,
                     std::vector<ImportError>& errors) {
  DisksByVm disks;
  read_table(book, sheet, [&](const Table& table, const xlsx::Row& row) {
    const auto vm = Table::cell(row, table.column({"VM"}));
    // A trimmed sheet without capacities: the VM's totals are used instead.
    if (vm.empty() || !table.column({"Capacity MiB", "Capacity MB"})) return;
    try {
      protocol::Disk disk{Table::cell(row, table.column({"Disk"})), std::nullopt, std::nullopt};
      if (const auto mib = table.number(row, {"Capacity MiB", "Capacity MB"}))
        disk.size_bytes = *mib * kMebibyte;
      if (const auto mib = table.number(row, {"Consumed MiB", "Consumed MB"}))  // vPartition
        disk.used_bytes = *mib * kMebibyte;
      const auto keys = vm_keys(table, row);
      if (disk.name.empty()) disk.name = "disk" + std::to_string(disks[keys.back()].size());
      for (const auto& key : keys) disks[key].push_back(disk);
    } catch (const std::invalid_argument& e) {
      errors.push_back({row.number, vm.substr(0, 128), e.what()});
    }
  });
  return disks;
}

class VmMapper {
 public:
  VmMapper(DisksByVm partitions, DisksByVm vdisks)
      : partitions_(std::move(partitions)), vdisks_(std::move(vdisks)) {}

  // Refuses a vInfo header without the columns every host needs.
  static void check_header(const Table& info) {
    for (const char* required : {"VM", "CPUs", "Memory"}) {
      if (!info.column({required})) {
        throw std::invalid_argument("vInfo: no '" + std::string(required) +
                                    "' column; is this an RVTools export (3.x to 4.x)?");
      }
    }
  }

  protocol::Host host(const Table& info, const xlsx::Row& row) const {
    auto get = [&](std::initializer_list<std::string_view> names) {
      return Table::cell(row, info.column(names));
    };
    protocol::Host h;
    const auto vm = get({"VM"});
    const auto uuid = get({"VM UUID"});
    h.id = host_id(!uuid.empty() ? uuid : vm);
    h.hostname = get({"DNS Name"}).empty() ? vm : get({"DNS Name"});
    h.os_name = get({"OS according to the VMware Tools"});
    if (h.os_name.empty()) h.os_name = get({"OS according to the configuration file"});
    h.os_family = os_family(h.os_name);
    // 0 CPUs is how RVTools shows a VM whose configuration vCenter could not read: unknown.
    if (const auto cpus = info.number(row, {"CPUs"}); cpus && *cpus != 0) {
      if (*cpus != std::floor(*cpus) || *cpus > 1e6) {
        throw std::invalid_argument("vInfo row " + std::to_string(row.number) +
                                    ", column 'CPUs': expected a whole number");
      }
      h.cpu_cores = static_cast<int>(*cpus);
    }
    if (const auto mib = info.number(row, {"Memory"})) h.memory_bytes = *mib * kMebibyte;
    h.disks = disks(info, row);
    for (const auto& [column, label] : {std::pair{"Datacenter", "vmware.datacenter"},
                                        {"Cluster", "vmware.cluster"},
                                        {"Host", "vmware.host"},
                                        {"Powerstate", "vmware.powerstate"}}) {
      if (!get({column}).empty()) h.labels[label] = get({column});
    }
    if (text::trim(get({"Template"})) == "True") h.labels["vmware.template"] = "true";
    h.labels["vmware.vm"] = vm;
    return h;
  }

 private:
  std::vector<protocol::Disk> disks(const Table& info, const xlsx::Row& row) const {
    for (const DisksByVm* sheet : {&partitions_, &vdisks_}) {
      for (const auto& key : vm_keys(info, row))
        if (const auto it = sheet->find(key); it != sheet->end()) return it->second;
    }
    const auto size = info.number(row, {"Provisioned MiB", "Provisioned MB"});
    if (!size) return {};
    protocol::Disk disk{"disk0", *size * kMebibyte, std::nullopt};
    if (const auto used = info.number(row, {"In Use MiB", "In Use MB"}))
      disk.used_bytes = *used * kMebibyte;
    return {disk};
  }

  DisksByVm partitions_, vdisks_;
};

}  // namespace

bool looks_like_workbook(std::string_view body) { return xlsx::looks_like_zip(body); }

ImportPlan plan_rvtools_import(std::string_view body) {
  const xlsx::Workbook book(body);
  const auto sheets = book.sheet_names();
  if (std::find(sheets.begin(), sheets.end(), "vInfo") == sheets.end()) {
    std::string names;
    for (const auto& name : sheets) names += (names.empty() ? "" : ", ") + name;
    throw std::invalid_argument("workbook has no 'vInfo' sheet (sheets: " + names.substr(0, 200) +
                                "); expected an RVTools export");
  }
  ImportPlan plan;
  // The disks first, so that each vInfo row becomes a host as the sheet streams by.
  const VmMapper mapper(read_disks(book, "vPartition", plan.errors),
                        read_disks(book, "vDisk", plan.errors));
  std::map<std::string, std::size_t> seen;  // host id -> its row
  const auto on_vm = [&](const Table& info, const xlsx::Row& row) {
    const auto vm = Table::cell(row, info.column({"VM"}));
    try {
      if (vm.empty())
        throw std::invalid_argument("vInfo row " + std::to_string(row.number) + ": no VM name");
      auto host = protocol::host_to_json(mapper.host(info, row));
      validate_fleet_host(host);  // what every import path stores
      const auto id = host["id"].get<std::string>();
      if (const auto [it, added] = seen.emplace(id, row.number); !added) {
        throw std::invalid_argument("vInfo row " + std::to_string(row.number) +
                                    ": same VM as row " + std::to_string(it->second) + " (id '" +
                                    id + "')");
      }
      plan.hosts.push_back({row.number, std::move(host)});
    } catch (const std::invalid_argument& e) {
      plan.errors.push_back({row.number, vm.substr(0, 128), e.what()});
    }
  };
  read_table(book, "vInfo", on_vm, VmMapper::check_header);
  return plan;
}

}  // namespace sahab::collector
