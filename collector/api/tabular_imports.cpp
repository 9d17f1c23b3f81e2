#include "collector/api/tabular_imports.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

#include "collector/api/import_plan.h"
#include "collector/ingest/document.h"
#include "common/protocol/fleet.h"
#include "common/text.h"

namespace sahab::collector {
namespace {
using import::Names;
using import::Row;
using import::Table;

constexpr double kMebibyte = 1 << 20;
constexpr double kGibibyte = 1 << 30;

std::optional<int> whole_number(const Table& table, const Row& row, Names names) {
  const auto value = table.number(row, names);
  if (!value || *value == 0) return std::nullopt;  // 0 cores: not known
  if (*value != std::floor(*value) || *value > 1e6) {
    throw std::invalid_argument(table.where(row) + ", column '" + std::string(*names.begin()) +
                                "': expected a whole number");
  }
  return static_cast<int>(*value);
}

std::optional<double> ratio_of_percent(const Table& table, const Row& row, Names names) {
  const auto percent = table.number(row, names);
  if (!percent) return std::nullopt;
  if (*percent > 100) {
    throw std::invalid_argument(table.where(row) + ", column '" + std::string(*names.begin()) +
                                "': a percentage above 100");
  }
  return *percent / 100;
}

void set_label(protocol::Host& host, const char* label, std::string value) {
  if (!value.empty()) host.labels[label] = value.substr(0, 1024);
}

// The one reader of a single-file format: its table, its header check, one host per row.
ImportPlan plan_from_rows(const import::CsvTables& tables, const std::string& table,
                          const std::string& format, std::initializer_list<Names> required,
                          Names name_columns,
                          const std::function<protocol::Host(const Table&, const Row&)>& host) {
  import::PlanBuilder plan(format);
  const bool found = import::read_table(
      tables.reader(), table,
      [&](const Table& t, const Row& row) {
        plan.add(row.number, t.where(row), t.text(row, name_columns), [&] { return host(t, row); });
      },
      [&](const Table& t) { t.require(required, "an " + format + " import file"); });
  if (!found) throw std::invalid_argument("no " + table + " among the files");
  return plan.take();
}

// ---- Azure Migrate --------------------------------------------------------------------------

const Names kServerName = {"Server name"};
const Names kCores = {"Cores"};
const Names kMemoryMb = {"Memory (In MB)"};
// Azure Migrate's template takes up to 8 disks (some guides say 20): read as many as there are.
constexpr int kMaxAzureDisks = 64;

// The sum of a per-disk column over the disks ("Disk 1 read ops (operations per second)", ...),
// or the total column when the sheet has one.
std::optional<double> disk_total(const Table& t, const Row& row, std::string_view total,
                                 std::string_view per_disk) {
  if (const auto value = t.number(row, {total})) return value;
  std::optional<double> sum;
  for (int n = 1; n <= kMaxAzureDisks; ++n) {
    const std::string name = "Disk " + std::to_string(n) + " " + std::string(per_disk);
    if (!t.has({name})) break;
    if (const auto value = t.number(row, {name})) sum = sum.value_or(0) + *value;
  }
  return sum;
}

protocol::Host azure_host(const Table& t, const Row& row) {
  protocol::Host h;
  const auto name = t.text(row, kServerName);
  if (name.empty()) throw std::invalid_argument(t.where(row) + ": no server name");
  // The ids Azure Migrate itself matches on, most stable first.
  std::string identity = t.text(row, {"Custom server ID"});
  if (identity.empty()) identity = t.text(row, {"BIOS ID"});
  if (identity.empty()) identity = t.text(row, {"Virtual machine ID"});
  h.id = import::host_id("azure-migrate", identity.empty() ? name : identity);
  h.hostname = name;
  h.os_name = t.text(row, {"OS name"});
  h.os_version = t.text(row, {"OS version"});
  h.arch = t.text(row, {"OS architecture"});
  h.os_family = import::os_family(h.os_name);
  h.cpu_cores = whole_number(t, row, kCores);
  // Azure Migrate's MB are the MiB its appliance reads from the hypervisor.
  if (const auto mb = t.number(row, kMemoryMb)) h.memory_bytes = *mb * kMebibyte;
  for (int n = 1; n <= kMaxAzureDisks; ++n) {
    const std::string size = "Disk " + std::to_string(n) + " size (In GB)";
    if (!t.has({size})) break;
    if (const auto gb = t.number(row, {size}))
      h.disks.push_back({"disk" + std::to_string(n), *gb * kGibibyte, std::nullopt});
  }
  protocol::Utilisation u;
  u.source = "azure-migrate";
  // One figure per metric, the one Azure Migrate's performance-based sizing would use: read as
  // the 95th percentile the planner sizes on.
  u.cpu_ratio.p95 = ratio_of_percent(t, row, {"CPU utilization percentage"});
  u.memory_ratio.p95 = ratio_of_percent(t, row, {"Memory utilization percentage"});
  u.disk_read_iops.p95 = disk_total(t, row, "Total disks read operations (operations per second)",
                                    "read ops (operations per second)");
  u.disk_write_iops.p95 = disk_total(t, row, "Total disks write operations (operations per second)",
                                     "write ops (operations per second)");
  const auto mbps = [](std::optional<double> v) {
    return v ? std::optional(*v * kMebibyte) : std::nullopt;
  };
  u.disk_read_bytes_per_second.p95 = mbps(disk_total(
      t, row, "Total disks read throughput (MB per second)", "read throughput (MB per second)"));
  u.disk_write_bytes_per_second.p95 = mbps(disk_total(
      t, row, "Total disks write throughput (MB per second)", "write throughput (MB per second)"));
  u.network_receive_bytes_per_second.p95 = mbps(t.number(row, {"Network In throughput"}));
  u.network_transmit_bytes_per_second.p95 = mbps(t.number(row, {"Network Out throughput"}));
  if (u.cpu_ratio.p95 || u.memory_ratio.p95) h.utilisation = u;
  set_label(h, import::kUuidLabel, t.text(row, {"BIOS ID"}));
  set_label(h, "azure.ip_addresses", t.text(row, {"IP addresses"}));
  set_label(h, "azure.server_type", t.text(row, {"Server type"}));
  set_label(h, "azure.hypervisor", t.text(row, {"Hypervisor"}));
  set_label(h, "azure.boot_type", t.text(row, {"Boot type"}));
  set_label(h, "azure.location", t.text(row, {"Location"}));
  set_label(h, "azure.business_unit", t.text(row, {"Business unit"}));
  set_label(h, "application", t.text(row, {"Business application name"}));
  return h;
}

// ---- AWS Application Discovery Service ------------------------------------------------------

// Average and maximum of one metric: the planner has no mean, so the average stands for the
// median (p50) and the maximum for max; sizing at p95 then uses the maximum, the safe side.
void avg_max(const Table& t, const Row& row, const std::string& column, double scale,
             protocol::Percentiles& into) {
  if (const auto v = t.number(row, {column + ".Avg"})) into.p50 = *v * scale;
  if (const auto v = t.number(row, {column + ".Max"})) into.max = *v * scale;
}

// "name:value,name2:value2" (AWS tags) into labels; names that are not label names are skipped.
void tag_labels(const std::string& tags, protocol::Host& h) {
  for (const auto tag : text::split(tags, ',')) {
    const auto colon = tag.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string name(text::trim(tag.substr(0, colon)));
    if (valid_label_name(name) && h.labels.size() < 48)
      h.labels[name] = std::string(text::trim(tag.substr(colon + 1)));
  }
}

protocol::Host aws_host(const Table& t, const Row& row) {
  protocol::Host h;
  std::string identity;
  for (const char* column : {"ExternalId", "ServerId", "SMBiosId", "HostName", "VMware.VMName",
                             "IPAddress", "MACAddress"}) {
    if (identity.empty()) identity = t.text(row, {column});
  }
  if (identity.empty()) {
    throw std::invalid_argument(t.where(row) +
                                ": no ExternalId, HostName, IPAddress or MACAddress to name it");
  }
  h.id = import::host_id("aws-discovery", identity);
  h.hostname = t.text(row, {"HostName"});
  if (h.hostname.empty()) h.hostname = t.text(row, {"VMware.VMName"});
  h.os_name = t.text(row, {"OS.Name"});
  h.os_version = t.text(row, {"OS.Version"});
  h.os_family = import::os_family(h.os_name);
  // Logical cores are what a cloud instance's vCPUs are; the physical count when not given.
  h.cpu_cores = whole_number(t, row, {"CPU.NumberOfLogicalCores"});
  if (!h.cpu_cores) h.cpu_cores = whole_number(t, row, {"CPU.NumberOfCores"});
  const auto memory_mb = t.number(row, {"RAM.TotalSizeInMB"});
  if (memory_mb) h.memory_bytes = *memory_mb * kMebibyte;
  protocol::Utilisation u;
  u.source = "aws-discovery";
  avg_max(t, row, "CPU.UsagePct", 0.01, u.cpu_ratio);
  if (memory_mb && *memory_mb > 0)
    avg_max(t, row, "RAM.UsedSizeInMB", 1 / *memory_mb, u.memory_ratio);
  avg_max(t, row, "DiskReadsOpsPerSecond", 1, u.disk_read_iops);
  avg_max(t, row, "DiskWritesOpsPerSecond", 1, u.disk_write_iops);
  avg_max(t, row, "DiskReadsPerSecondInKB", 1024, u.disk_read_bytes_per_second);
  avg_max(t, row, "DiskWritesPerSecondInKB", 1024, u.disk_write_bytes_per_second);
  avg_max(t, row, "NetworkReadsPerSecondInKB", 1024, u.network_receive_bytes_per_second);
  avg_max(t, row, "NetworkWritesPerSecondInKB", 1024, u.network_transmit_bytes_per_second);
  if (u.cpu_ratio.max || u.cpu_ratio.p50) h.utilisation = u;
  for (const auto* ratio : {&u.cpu_ratio, &u.memory_ratio}) {
    if (ratio->max.value_or(0) > 1 || ratio->p50.value_or(0) > 1)
      throw std::invalid_argument(t.where(row) + ": a usage above 100% of the server");
  }
  set_label(h, import::kUuidLabel, t.text(row, {"SMBiosId"}));
  set_label(h, "aws.ip_addresses", t.text(row, {"IPAddress"}));
  set_label(h, "aws.wave", t.text(row, {"ApplicationWave"}));
  set_label(h, "application", t.text(row, {"Applications"}));
  tag_labels(t.text(row, {"Tags"}), h);
  return h;
}

// ---- Google Migration Center ----------------------------------------------------------------

// perfInfo holds a sample per machine per interval (often 5 minutes over 30 days: 8,640 a
// machine): kept as floats, at most this many in all, the rest counted and left out.
constexpr std::size_t kMaxPerfSamples = 20'000'000;

struct Series {
  std::vector<float> cpu, memory_available, read_iops, write_iops, sent, received;
  std::optional<std::time_t> first, last;
  int rows = 0;  // the data points: one perfInfo row per machine and time
};

// "2024-01-31 10:05:00", "2024-01-31T10:05:00Z": seconds since the epoch (UTC), nullopt else.
std::optional<std::time_t> timestamp(const std::string& text) {
  std::tm tm{};
  char sep = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &sep, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

protocol::Percentiles percentiles(std::vector<float> values, double scale) {
  protocol::Percentiles p;
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  const auto at = [&](double q) {  // nearest rank
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return static_cast<double>(values[std::max<std::size_t>(rank, 1) - 1]) * scale;
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p95 = at(0.95);
  p.p99 = at(0.99);
  p.max = static_cast<double>(values.back()) * scale;
  return p;
}

class MigrationCenter {
 public:
  explicit MigrationCenter(const import::CsvTables& tables) : tables_(tables) {}

  ImportPlan plan() {
    import::PlanBuilder plan("migration-center");
    read_disks(plan);
    read_performance(plan);
    read_tags();
    const bool found = import::read_table(
        tables_.reader(), "vmInfo",
        [&](const Table& t, const Row& row) {
          plan.add(row.number, t.where(row), t.text(row, {"MachineName"}),
                   [&] { return host(t, row); });
        },
        [](const Table& t) {
          t.require({{"MachineId"}, {"MachineName"}}, "a Migration Center vmInfo file");
        });
    if (!found) throw std::invalid_argument("no vmInfo file among the Migration Center CSV files");
    if (dropped_ > 0) {
      plan.warn("perfInfo: " + std::to_string(dropped_) + " samples beyond " +
                std::to_string(kMaxPerfSamples) + " were left out");
    }
    return plan.take();
  }

 private:
  protocol::Host host(const Table& t, const Row& row) {
    protocol::Host h;
    const auto machine = t.text(row, {"MachineId"});
    if (machine.empty()) throw std::invalid_argument(t.where(row) + ": no MachineId");
    h.id = import::host_id("migration-center", machine);
    h.hostname = t.text(row, {"MachineName"});
    h.os_name = t.text(row, {"OsName"});
    h.os_version = t.text(row, {"OsVersion"});
    h.os_family = import::os_family(t.text(row, {"OsType"}) + " " + h.os_name);
    h.cpu_cores = whole_number(t, row, {"AllocatedProcessorCoreCount"});
    if (const auto gib = t.number(row, {"MemoryGiB"})) h.memory_bytes = *gib * kGibibyte;
    if (const auto it = disks_.find(machine); it != disks_.end()) {
      h.disks = it->second;
    } else if (const auto gib = t.number(row, {"TotalDiskAllocatedGiB"})) {
      const auto used = t.number(row, {"TotalDiskUsedGiB"});
      h.disks.push_back(
          {"disk0", *gib * kGibibyte, used ? std::optional(*used * kGibibyte) : std::nullopt});
    }
    if (const auto it = series_.find(machine); it != series_.end())
      h.utilisation = utilisation(it->second, h.memory_bytes);
    if (const auto it = tags_.find(machine); it != tags_.end())
      for (const auto& [key, value] : it->second) h.labels[key] = value;
    set_label(h, "gcp.primary_ip", t.text(row, {"PrimaryIPAddress"}));
    set_label(h, "gcp.machine_type", t.text(row, {"MachineTypeLabel"}));
    set_label(h, "gcp.hosting_location", t.text(row, {"HostingLocation"}));
    set_label(h, "gcp.status", t.text(row, {"MachineStatus"}));
    return h;
  }

  static protocol::Utilisation utilisation(Series& s, std::optional<double> memory_bytes) {
    protocol::Utilisation u;
    u.source = "migration-center";
    u.cpu_ratio = percentiles(std::move(s.cpu), 0.01);
    if (memory_bytes && *memory_bytes > 0) {
      // Available memory is low when the server is busy: its ratio of use is 1 - available.
      std::vector<float> used;
      used.reserve(s.memory_available.size());
      for (const float available : s.memory_available)
        used.push_back(static_cast<float>(
            std::clamp(1 - static_cast<double>(available) / *memory_bytes, 0.0, 1.0)));
      u.memory_ratio = percentiles(std::move(used), 1);
    }
    u.disk_read_iops = percentiles(std::move(s.read_iops), 1);
    u.disk_write_iops = percentiles(std::move(s.write_iops), 1);
    u.network_transmit_bytes_per_second = percentiles(std::move(s.sent), 1);
    u.network_receive_bytes_per_second = percentiles(std::move(s.received), 1);
    if (s.first && s.last) u.window_days = static_cast<double>(*s.last - *s.first) / 86400;
    u.samples = s.rows;
    return u;
  }

  void read_disks(import::PlanBuilder& plan) {
    import::read_table(tables_.reader(), "diskInfo", [&](const Table& t, const Row& row) {
      try {
        const auto machine = t.text(row, {"MachineId"});
    if (machine.empty()) return;
    protocol::Disk disk{t.text(row, {"DiskLabel"}), std::nullopt, std::nullopt};
    if (const auto gib = t.number(row, {"SizeInGib"})) disk.size_bytes = *gib * kGibibyte;
    if (const auto gib = t.number(row, {"UsedInGib"})) disk.used_bytes = *gib * kGibibyte;
    auto& disks = disks_[machine];
    if (disk.name.empty()) disk.name = "disk" + std::to_string(disks.size());
    disks.push_back(std::move(disk));
  }
  catch (const std::invalid_argument& e) {
    plan.error(row.number, t.text(row, {"MachineId"}), e.what());
  }
    });
    }  // namespace

    // One perfInfo row: a sample of each metric it has.
    void add_sample(import::PlanBuilder& plan, const Table& t, const Row& row) {
      if (samples_ >= kMaxPerfSamples) {
        ++dropped_;
        return;
      }
      try {
        const auto machine = t.text(row, {"MachineId"});
        if (machine.empty()) return;
        const auto cpu = t.number(row, {"CpuUtilizationPercentage"});
        if (cpu && *cpu > 100) {
          throw std::invalid_argument(t.where(row) +
                                      ", column 'CpuUtilizationPercentage': above 100");
        }
        Series& s = series_[machine];
        ++s.rows;
        const auto add = [&](std::vector<float>& into, const char* column) {
          if (const auto v = t.number(row, {column})) {
            into.push_back(static_cast<float>(*v));
            ++samples_;
          }
        };
        add(s.cpu, "CpuUtilizationPercentage");
        add(s.memory_available, "AvailableMemoryBytes");
        add(s.read_iops, "DiskReadOperationsPerSec");
        add(s.write_iops, "DiskWriteOperationsPerSec");
        add(s.sent, "NetworkBytesPerSecSent");
        add(s.received, "NetworkBytesPerSecReceived");
        if (const auto when = timestamp(t.text(row, {"TimeStamp"}))) {
          s.first = std::min(s.first.value_or(*when), *when);
          s.last = std::max(s.last.value_or(*when), *when);
        }
      } catch (const std::invalid_argument& e) {
        plan.error(row.number, t.text(row, {"MachineId"}), e.what());
      }
    }

    void read_performance(import::PlanBuilder& plan) {
    import::read_table(
        tables_.reader(), "perfInfo",
        [&](const Table& t, const Row& row) { add_sample(plan, t, row);
    },
        [](const Table& t) {
  t.require({{"MachineId"}, {"CpuUtilizationPercentage"}}, "a Migration Center perfInfo file");
        });
    }  // namespace sahab::collector

    void read_tags() {
    import::read_table(tables_.reader(), "tagInfo", [&](const Table& t, const Row& row) {
      const auto machine = t.text(row, {"MachineId"});
    const auto key = t.text(row, {"Key"});
    auto& tags = tags_[machine];
    // Tags named like labels become labels ("environment", "application"); others are left
    // out rather than renamed.
    if (valid_label_name(key) && tags.size() < 32)
      tags[key] = t.text(row, {"Value"}).substr(0, 1024);
    });
    }

    const import::CsvTables& tables_;
    std::map<std::string, std::vector<protocol::Disk>> disks_;
    std::map<std::string, Series> series_;
    std::map<std::string, std::map<std::string, std::string>> tags_;
    std::size_t samples_ = 0, dropped_ = 0;
    }
    ;

    }  // namespace

    ImportPlan plan_azure_migrate_import(const import::CsvTables& tables) {
      return plan_from_rows(tables, kAzureMigrateTable, "azure-migrate",
                            {kServerName, kCores, kMemoryMb}, kServerName, azure_host);
    }

    ImportPlan plan_aws_discovery_import(const import::CsvTables& tables) {
      return plan_from_rows(
          tables, kAwsDiscoveryTable, "aws-discovery",
          // Each row needs one of the matching keys; the file, one of their columns.
          {{"ExternalId", "HostName", "IPAddress", "MACAddress", "VMware.MoRefId"}},
          {"HostName", "ExternalId"}, aws_host);
    }

    ImportPlan plan_migration_center_import(const import::CsvTables& tables) {
      return MigrationCenter(tables).plan();
    }

    bool is_azure_migrate(const Table& header) { return header.has(kServerName); }

    bool is_aws_discovery(const Table& header) {
      return header.has({"ExternalId"}) || header.has({"CPU.NumberOfCores"}) ||
             header.has({"RAM.TotalSizeInMB"}) || header.has({"VMware.MoRefId"});
    }

    bool is_migration_center_vminfo(const Table& header) {
      return header.has({"MachineId"}) && header.has({"MachineName"});
    }

    std::string migration_center_table_of(std::string_view file_name) {
      return import::table_named(file_name, {"vmInfo", "diskInfo", "perfInfo", "tagInfo"});
    }

    }  // namespace sahab::collector
