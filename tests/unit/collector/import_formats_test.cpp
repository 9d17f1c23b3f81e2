// The import formats beyond Sahab's own: RVTools tabs as CSV, Azure Migrate, AWS Application
// Discovery, Google Migration Center, OCS Inventory NG and FusionInventory/GLPI inventories, the
// CSV dialects spreadsheets write, and format detection. Real files are read from
// ../shared/samples/imports/ (never copied into the repository); the real OCS and
// FusionInventory agents (Debian packages) write an inventory of this machine at test time.
#include "collector/api/import_formats.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "collector/api/import_csv.h"
#include "collector/api/import_plan.h"
#include "collector/api/rvtools_import.h"
#include "collector/api/xlsx.h"
#include "common/file.h"
#include "tests/unit/collector/zip_fixture.h"
#include "tests/unit/temp_dir.h"

using namespace sahab::collector;
using nlohmann::json;
using sahab::testing::zip_of;

namespace {

const std::string kSamples = SAHAB_SOURCE_DIR "/../shared/samples/imports/";
constexpr double kMiB = 1 << 20;
constexpr double kGiB = 1 << 30;

std::string sample(const std::string& name) { return sahab::read_file(kSamples + name); }

const json* host(const ImportPlan& plan, const std::string& id) {
  for (const auto& row : plan.hosts)
    if (row.host["id"] == id) return &row.host;
  return nullptr;
}

std::string errors_of(const ImportPlan& plan) {
  std::string out;
  for (const auto& e : plan.errors) out += std::to_string(e.row) + ": " + e.message + "\n";
  return out;
}

// A host without its provenance label: what two sources of the same data must agree on.
json without_source(json h) {
  h["labels"].erase(import::kSourceLabel);
  return h;
}

// The sheet `name` of a workbook as Excel's French "CSV (séparateur: point-virgule)" writes it:
// ';' between cells, decimal commas in numbers, quotes where needed, CRLF. `rename` maps header
// names (RVTools' internal CSV names).
std::string sheet_as_csv(const std::string& workbook, const std::string& name,
                         const std::map<std::string, std::string>& rename = {}) {
  const xlsx::Workbook book(workbook);
  std::string out;
  bool header = true;
  book.for_each_row(name, [&](const xlsx::Row& row) {
    std::vector<std::string> cells(row.cells.empty() ? 0 : row.cells.back().first + 1);
    for (const auto& [column, raw] : row.cells) {
      std::string text = header && rename.count(raw) ? rename.at(raw) : raw;
      char* end = nullptr;
      std::strtod(text.c_str(), &end);
      if (!header && !text.empty() && *end == '\0')
        std::replace(text.begin(), text.end(), '.', ',');
      if (text.find_first_of(";\"\r\n") != std::string::npos) {
        std::string quoted = "\"";
        for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        text = quoted + "\"";
      }
      cells[column] = text;
    }
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i > 0 ? ";" : "") + cells[i];
    out += "\r\n";
    header = false;
  });
  return out;
}

}  // namespace

// ---- CSV as spreadsheets write it ----------------------------------------------------------

TEST_CASE("import csv: separators, decimal commas, BOM, Windows-1252 and broken files") {
  const import::CsvFile semicolons("\xEF\xBB\xBFname;size\r\n\"a;b\";12,5\r\n\r\nc;\"1\n2\"\r\n");
  CHECK(semicolons.separator() == ';');
  std::vector<import::Row> rows;
  semicolons.for_each_row([&](const import::Row& row) { rows.push_back(row); });
  REQUIRE(rows.size() == 3);  // header, two records, the blank line left out
  CHECK(rows[1].at(0) == "a;b");
  CHECK(import::parse_number(rows[1].at(1)) == 12.5);
  CHECK(rows[2].number == 4);
  CHECK(rows[2].at(1) == "1\n2");
  CHECK(import::parse_number("1\xC2\xA0"
                             "024,5") == 1024.5);  // no-break space for thousands
  CHECK_FALSE(import::parse_number("1,024.5"));
  CHECK_FALSE(import::parse_number("12 Go"));

  const import::CsvFile latin1("Nom\tCommune\nsrv\tF\xE8s\n");  // "Fès" in Windows-1252
  CHECK(latin1.encoding() == "Windows-1252");
  CHECK(latin1.separator() == '\t');
  rows.clear();
  latin1.for_each_row([&](const import::Row& row) { rows.push_back(row); });
  CHECK(rows[1].at(1) == "F\xC3\xA8s");

  const import::CsvFile open_quote("a,b\n1,\"never closed\n");
  CHECK_THROWS_WITH_AS(open_quote.for_each_row([](const import::Row&) {}),
                       "line 2: a quoted field is not closed", std::invalid_argument);
  const std::string wide_text = "a\n" + std::string(import::kMaxCsvFields + 1, ',');
  const import::CsvFile wide(wide_text);  // the file reads its text in place
  CHECK_THROWS_WITH_AS(wide.for_each_row([](const import::Row&) {}),
                       doctest::Contains("more than 4096 fields"), std::invalid_argument);
  CHECK_THROWS_AS(import::CsvFile(" \r\n"), std::invalid_argument);
}

TEST_CASE("import formats: detected from content, unknown CSV headers and formats named") {
  CHECK_THROWS_WITH_AS(plan_import("Colour;Size\nred;1\n", std::nullopt),
                       doctest::Contains("CSV header matches no known format"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(plan_import("x", std::string("lotus")),
                       doctest::Contains("format: expected one of json, csv, rvtools"),
                       std::invalid_argument);
  CHECK(plan_import("id,hostname\nweb-1,web\n", std::nullopt).hosts.size() == 1);
  CHECK(plan_import("id,cpu_cores\nnew-1,4\n", std::nullopt).format == "csv");
  CHECK_THROWS_WITH_AS(plan_import("id,colour\nweb,red\n", std::nullopt),
                       "header: unknown column 'colour'", std::invalid_argument);
  CHECK(
      plan_import(R"({"format": "sahab-fleet/1", "hosts": [{"id": "a"}]})", std::nullopt).format ==
      "sahab-fleet/1");
  CHECK_THROWS_WITH_AS(plan_import(zip_of({{"notes.txt", "hello"}}), std::nullopt),
                       doctest::Contains("no .xml, .ocs or .json inventory files"),
                       std::invalid_argument);
}

// ---- RVTools tabs as CSV -------------------------------------------------------------------

TEST_CASE("rvtools csv: tabs of a real 4.7 workbook saved as French CSV give the same hosts") {
  const auto workbook = sample("rvtools/abeggi/Farm-Lonati-RVTools_export_all_30052025.xlsx");
  const auto from_book = plan_rvtools_import(workbook);
  const auto archive =
      zip_of({{"export/RVTools_tabvInfo.csv", sheet_as_csv(workbook, "vInfo")},
              {"export/RVTools_tabvPartition.csv", sheet_as_csv(workbook, "vPartition")},
              {"export/RVTools_tabvDisk.csv", sheet_as_csv(workbook, "vDisk")},
              {"export/RVTools_tabvMetaData.csv", sheet_as_csv(workbook, "vMetaData")}});
  const auto from_csv = plan_import(archive, std::nullopt);
  CHECK(errors_of(from_csv) == "");
  CHECK(from_csv.format == "rvtools 4.7.1.4");
  REQUIRE(from_csv.hosts.size() == from_book.hosts.size());
  for (std::size_t i = 0; i < from_book.hosts.size(); ++i) {
    CHECK(without_source(from_csv.hosts[i].host) == without_source(from_book.hosts[i].host));
  }
  CHECK(from_csv.hosts[3].host["labels"][import::kSourceLabel] ==
        "rvtools 4.7.1.4, vInfo row " + std::to_string(from_csv.hosts[3].row));

  // vInfo alone, detected by its header: disks from Provisioned/In Use.
  const auto vinfo = plan_import(sheet_as_csv(workbook, "vInfo"), std::nullopt);
  CHECK(vinfo.hosts.size() == from_book.hosts.size());
  CHECK(vinfo.format == "rvtools");
}

TEST_CASE("rvtools csv: RVTools' own CSV export with internal header names (3.x MB sample)") {
  const auto workbook = sample("rvtools/mjvincent/SizingWorkshop-RVTools.xlsx");
  const auto from_book = plan_rvtools_import(workbook);
  const std::map<std::string, std::string> info_names = {
      {"VM", "vInfoVMName"},
      {"Powerstate", "vInfoPowerstate"},
      {"Template", "vInfoTemplate"},
      {"CPUs", "vInfoCPUs"},
      {"Memory", "vInfoMemory"},
      {"Provisioned MB", "vInfoProvisioned"},
      {"In Use MB", "vInfoInUse"},
      {"Datacenter", "vInfoDataCenter"},
      {"Cluster", "vInfoCluster"},
      {"Host", "vInfoHost"},
      {"OS according to the configuration file", "vInfoOS"},
      {"OS according to the VMware Tools", "vInfoOSTools"}};
  const std::map<std::string, std::string> partition_names = {
      {"VM", "vPartitionVMName"},
      {"Disk", "vPartitionDisk"},
      {"Capacity MB", "vPartitionCapacityMiB"},
      {"Consumed MB", "vPartitionConsumedMiB"}};
  const auto plan = plan_import(
      zip_of(
          {{"RVTools_tabvInfo.csv", sheet_as_csv(workbook, "vInfo", info_names)},
           {"RVTools_tabvPartition.csv", sheet_as_csv(workbook, "vPartition", partition_names)}}),
      std::string("rvtools"));
  CHECK(errors_of(plan) == "");
  REQUIRE(plan.hosts.size() == from_book.hosts.size());
  const json* h = host(plan, "vmware:ntextwwwtest01");
  REQUIRE(h);
  CHECK(without_source(*h) == without_source(*host(from_book, "vmware:ntextwwwtest01")));
}

TEST_CASE("rvtools csv: missing columns and a missing vInfo are named") {
  CHECK_THROWS_WITH_AS(plan_import("VM;CPUs\nweb;2\n", std::string("rvtools")),
                       "vInfo: missing column 'Memory'; expected an RVTools export (3.x to 4.x)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(
      plan_import(zip_of({{"RVTools_tabvDisk.csv", "VM;Disk\n"}}), std::string("rvtools")),
      doctest::Contains("no vInfo tab among the CSV files"), std::invalid_argument);
  const auto plan =
      plan_import("VM;CPUs;Memory\nweb;deux;2048\nweb;2;2048\nweb;2;2048\n", std::nullopt);
  REQUIRE(plan.errors.size() == 2);
  CHECK(plan.errors[0].message == "vInfo row 2, column 'CPUs': expected a number, got 'deux'");
  CHECK(plan.errors[1].message == "vInfo row 4: same server as vInfo row 3 (id 'vmware:web')");
}

// ---- Azure Migrate -------------------------------------------------------------------------

// The template's 27 columns as Azure Migrate's "Download template" writes them (mandatory ones
// starred), plus two documented optional ones, in a French-locale CSV.
const std::string kAzureHeader =
    "*Server name;IP addresses;*Cores;*Memory (In MB);*OS name;OS version;OS architecture;"
    "Server type;Hypervisor;CPU utilization percentage;Memory utilization percentage;"
    "Network adapters;Network In throughput;Network Out throughput;Boot type;Number of disks;"
    "Storage in use (In GB);Disk 1 size (In GB);Disk 1 read throughput (MB per second);"
    "Disk 1 write throughput (MB per second);Disk 1 read ops (operations per second);"
    "Disk 1 write ops (operations per second);Disk 2 size (In GB);"
    "Disk 2 read throughput (MB per second);Disk 2 write throughput (MB per second);"
    "Disk 2 read ops (operations per second);Disk 2 write ops (operations per second);"
    "BIOS ID;Business application name\r\n";

TEST_CASE("azure migrate: the template's columns, French decimals, per-disk figures summed") {
  const auto plan = plan_import(
      kAzureHeader +
          "srv-état-civil;10.1.2.3;4;8192;Microsoft Windows Server 2016 Datacenter;10.0;x64;"
          "Virtual;VMware;23,5;61;1;1,5;0,5;UEFI;2;180;100;2;1;40;10;200;1;0,5;20;5;"
          "4C4C4544-0048-3410-8050-B5C04F525931;etat-civil\r\n"
          "db-01;;2;4096;Ubuntu 22.04;22.04;x64;Physical;;;;;;;BIOS;1;;50;;;;;;;;;;;\r\n"
          "bad;;deux;4096;Linux;;;;;;;;;;;;;;;;;;;;;;;;\r\n"
          "hot;;2;4096;Linux;;;;;150;;;;;;;;;;;;;;;;;;;\r\n",
      std::nullopt);
  CHECK(plan.format == "azure-migrate");
  REQUIRE(plan.hosts.size() == 2);
  const json& w = plan.hosts[0].host;
  CHECK(w["id"] == "azure-migrate:4C4C4544-0048-3410-8050-B5C04F525931");
  CHECK(w["hostname"] == "srv-état-civil");  // kept as written
  CHECK(w["cpu"]["cores"] == 4);
  CHECK(w["memory_bytes"] == 8192 * kMiB);
  CHECK(w["os"]["family"] == "windows");
  CHECK(w["disks"].size() == 2);
  CHECK(w["disks"][1]["size_bytes"] == 200 * kGiB);
  CHECK(w["utilisation"]["cpu_ratio"]["p95"] == doctest::Approx(0.235));
  CHECK(w["utilisation"]["memory_ratio"]["p95"] == doctest::Approx(0.61));
  CHECK(w["utilisation"]["disk_read_iops"]["p95"] == 60);
  CHECK(w["utilisation"]["disk_write_bytes_per_second"]["p95"] == doctest::Approx(1.5 * kMiB));
  CHECK(w["utilisation"]["network_receive_bytes_per_second"]["p95"] == doctest::Approx(1.5 * kMiB));
  CHECK(w["utilisation"]["source"] == "azure-migrate");
  CHECK(w["labels"]["application"] == "etat-civil");
  CHECK(w["labels"][import::kSourceLabel] == "azure-migrate, Azure Migrate CSV row 2");
  const json& db = plan.hosts[1].host;
  CHECK(db["id"] == "azure-migrate:db-01");
  CHECK_FALSE(db.contains("utilisation"));  // no figures: sized as-is
  REQUIRE(plan.errors.size() == 2);
  CHECK(plan.errors[0].message ==
        "Azure Migrate CSV row 4, column '*Cores': expected a number, got 'deux'");
  CHECK(plan.errors[1].message ==
        "Azure Migrate CSV row 5, column 'CPU utilization percentage': a percentage above 100");
  CHECK_THROWS_WITH_AS(
      plan_import("*Server name,*Cores\nweb,2\n", std::nullopt),
      "Azure Migrate CSV: missing column 'Memory (In MB)'; expected an azure-migrate import file",
      std::invalid_argument);
}

// ---- AWS Application Discovery Service -----------------------------------------------------

TEST_CASE("aws discovery: the import template's columns, averages and maxima, tags as labels") {
  const auto plan = plan_import(
      "ExternalId,SMBiosId,IPAddress,MACAddress,HostName,VMware.MoRefId,VMware.VCenterId,"
      "CPU.NumberOfProcessors,CPU.NumberOfCores,CPU.NumberOfLogicalCores,OS.Name,OS.Version,"
      "VMware.VMName,RAM.TotalSizeInMB,RAM.UsedSizeInMB.Avg,RAM.UsedSizeInMB.Max,"
      "CPU.UsagePct.Avg,CPU.UsagePct.Max,DiskReadsPerSecondInKB.Avg,DiskWritesPerSecondInKB.Avg,"
      "DiskReadsPerSecondInKB.Max,DiskWritesPerSecondInKB.Max,DiskReadsOpsPerSecond.Avg,"
      "DiskWritesOpsPerSecond.Avg,DiskReadsOpsPerSecond.Max,DiskWritesOpsPerSecond.Max,"
      "NetworkReadsPerSecondInKB.Avg,NetworkWritesPerSecondInKB.Avg,"
      "NetworkReadsPerSecondInKB.Max,NetworkWritesPerSecondInKB.Max,Applications,"
      "ApplicationWave,Tags,ServerId\n"
      "srv-1,,\"10.0.0.1,10.0.0.2\",,web-1,,,1,4,8,Red Hat Enterprise Linux,8.6,,16384,4096,"
      "8192,12.5,80,100,50,400,200,10,5,40,20,30,20,60,40,intranet,2,"
      "\"environment:prod,owner team:x\",\n"
      ",,,,,,,1,2,,Windows,,,2048,,,,,,,,,,,,,,,,,,,,\n",
      std::nullopt);
  CHECK(plan.format == "aws-discovery");
  REQUIRE(plan.hosts.size() == 1);
  const json& h = plan.hosts[0].host;
  CHECK(h["id"] == "aws-discovery:srv-1");
  CHECK(h["cpu"]["cores"] == 8);  // logical cores
  CHECK(h["memory_bytes"] == 16384 * kMiB);
  CHECK(h["utilisation"]["cpu_ratio"]["p50"] == doctest::Approx(0.125));
  CHECK(h["utilisation"]["cpu_ratio"]["max"] == doctest::Approx(0.8));
  CHECK(h["utilisation"]["memory_ratio"]["max"] == doctest::Approx(0.5));
  CHECK(h["utilisation"]["disk_read_bytes_per_second"]["max"] == 400 * 1024);
  CHECK(h["utilisation"]["network_transmit_bytes_per_second"]["p50"] == 20 * 1024);
  CHECK(h["labels"]["environment"] == "prod");
  CHECK_FALSE(h["labels"].contains("owner team"));  // not a label name: left out
  CHECK(h["labels"]["aws.ip_addresses"] == "10.0.0.1,10.0.0.2");
  REQUIRE(plan.errors.size() == 1);
  CHECK(plan.errors[0].message ==
        "AWS Discovery CSV row 3: no ExternalId, HostName, IPAddress or MACAddress to name it");
  CHECK_THROWS_WITH_AS(plan_import("CPU.NumberOfCores,RAM.TotalSizeInMB\n2,1024\n", std::nullopt),
                       doctest::Contains("missing column 'ExternalId'"), std::invalid_argument);
}

// ---- Google Migration Center ---------------------------------------------------------------

TEST_CASE("migration center: a CSV set in a zip, perfInfo read as percentiles, tags as labels") {
  std::string perf =
      "MachineId,TimeStamp,CpuUtilizationPercentage,AvailableMemoryBytes,"
      "DiskReadOperationsPerSec,DiskWriteOperationsPerSec,NetworkBytesPerSecSent,"
      "NetworkBytesPerSecReceived\n";
  for (int i = 0; i < 100; ++i) {  // 100 samples over 99 hours: CPU 1..100 %
    perf += "m-1,2025-01-0" + std::to_string(1 + i / 24) + " " + (i % 24 < 10 ? "0" : "") +
            std::to_string(i % 24) + ":00:00," + std::to_string(i + 1) + "," +
            std::to_string(static_cast<long long>(4 * kGiB - (i + 1) * 0.04 * kGiB)) +
            ",10,5,1000,2000\n";
  }
  const auto archive = zip_of(
      {{"mc/vmInfo.csv",
        "MachineId,MachineName,PrimaryIPAddress,PublicIPAddress,IpAddressListSemiColonDelimited,"
        "TotalDiskAllocatedGiB,TotalDiskUsedGiB,MachineTypeLabel,AllocatedProcessorCoreCount,"
        "MemoryGiB,HostingLocation,OsType,OsPublisher,OsName,OsVersion,MachineStatus,"
        "ProvisioningState,CreateDate,IsPhysical,Source\n"
        "m-1,app-1,10.0.0.5,,10.0.0.5,100,40,n2-standard-2,2,4,europe-west1,Linux,Debian,"
        "Debian GNU/Linux,12,Running,,,false,\n"
        "m-2,app-2,,,,50,10,,1,2,,Windows,Microsoft,Windows Server 2019,,Running,,,true,\n"},
       {"mc/diskInfo.csv",
        "MachineId,DiskLabel,SizeInGib,UsedInGib,StorageTypeLabel\nm-1,sda,60,30,pd\n"
        "m-1,sdb,40,10,pd\n"},
       {"mc/perfInfo.csv", perf},
       {"mc/tagInfo.csv", "MachineId,Key,Value\nm-1,environment,prod\nm-1,cost center,x\n"}});
  const auto plan = plan_import(archive, std::nullopt);
  CHECK(errors_of(plan) == "");
  CHECK(plan.format == "migration-center");
  REQUIRE(plan.hosts.size() == 2);
  const json& h = plan.hosts[0].host;
  CHECK(h["id"] == "migration-center:m-1");
  CHECK(h["memory_bytes"] == 4 * kGiB);
  REQUIRE(h["disks"].size() == 2);
  CHECK(h["disks"][0]["used_bytes"] == 30 * kGiB);
  const json& u = h["utilisation"];
  CHECK(u["cpu_ratio"]["p95"] == doctest::Approx(0.95));
  CHECK(u["cpu_ratio"]["max"] == doctest::Approx(1.0));
  CHECK(u["memory_ratio"]["p50"] == doctest::Approx(0.5).epsilon(0.01));
  CHECK(u["window_days"] == doctest::Approx(99.0 / 24));
  CHECK(u["samples"] == 100);  // the data points the plan shows beside its confidence
  CHECK(u["network_receive_bytes_per_second"]["p95"] == 2000);
  CHECK(h["labels"]["environment"] == "prod");
  CHECK(plan.hosts[1].host["disks"][0]["size_bytes"] == 50 * kGiB);  // vmInfo's totals
  CHECK(plan.hosts[1].host["os"]["family"] == "windows");

  // vmInfo alone, detected by its header; a perfInfo value out of range is its row's error.
  CHECK(plan_import("MachineId,MachineName\nm-9,x\n", std::nullopt).hosts.size() == 1);
  const auto bad = plan_import(
      zip_of({{"vmInfo.csv", "MachineId,MachineName\nm-1,a\n"},
              {"perfInfo.csv", "MachineId,CpuUtilizationPercentage\nm-1,250\nm-1,abc\n"}}),
      std::nullopt);
  REQUIRE(bad.errors.size() == 2);
  CHECK(bad.errors[0].message == "perfInfo row 2, column 'CpuUtilizationPercentage': above 100");
  CHECK_THROWS_WITH_AS(
      plan_import(zip_of({{"vmInfo.csv", "MachineId,Name\nm-1,a\n"}}), std::nullopt),
      "vmInfo: missing column 'MachineName'; expected a Migration Center vmInfo file",
      std::invalid_argument);
}

// ---- OCS Inventory NG, FusionInventory and GLPI agent inventories ---------------------------

TEST_CASE("inventory: real FusionInventory XML (Linux, French Windows) and OCS-style FreeBSD") {
  const auto fedora =
      plan_import(sample("ocs-glpi/glpi-inventory_format/fusioninventory_1.xml"), std::nullopt);
  CHECK(errors_of(fedora) == "");
  CHECK(fedora.format == "fusioninventory");
  REQUIRE(fedora.hosts.size() == 1);
  const json& f = fedora.hosts[0].host;
  CHECK(f["id"] == "inventory:0055adc9-1d3a-e411-8043-b05d95113232");  // the SMBIOS UUID
  CHECK(f["os"]["name"] == "Fedora release 25 (Twenty Five)");
  CHECK(f["os"]["family"] == "linux");
  CHECK(f["cpu"]["cores"] == 4);  // logical processors
  CHECK(f["cpu"]["mhz"] == 1700);
  CHECK(f["memory_bytes"] == 7908 * kMiB);
  REQUIRE(f["disks"].size() == 3);
  CHECK(f["disks"][0]["name"] == "/");
  CHECK(f["disks"][0]["used_bytes"] == (150268 - 7914) * kMiB);
  CHECK(f["software"].size() > 10);
  CHECK(f["labels"]["inventory.tag"] == "teclib");

  const auto windows =
      plan_import(sample("ocs-glpi/glpi-inventory_format/fusioninventory_2.xml"), std::nullopt);
  REQUIRE(windows.hosts.size() == 1);
  const json& w = windows.hosts[0].host;
  CHECK(w["os"]["family"] == "windows");
  CHECK(w["os"]["name"] == "Microsoft Windows 8.1 Professionnel");
  CHECK(w["disks"][0]["name"] == "C:");
  CHECK(w["disks"].size() == 3);

  const auto bsd = plan_import(
      sample("ocs-glpi/fusioninventory-for-glpi/portdavid-freebsd-inventory.xml"), std::nullopt);
  REQUIRE(bsd.hosts.size() == 1);
  const json& b = bsd.hosts[0].host;
  CHECK(b["os"]["name"] == "freebsd");  // HARDWARE's OSNAME, the OCS field
  CHECK(b["cpu"]["cores"] == 1);        // PROCESSORN
  CHECK(b["cpu"]["model"] == "Core i7");
  CHECK(b["memory_bytes"] == 8067 * kMiB);
}

TEST_CASE("inventory: GLPI JSON inventories, one file or several in a zip") {
  const auto one =
      plan_import(sample("ocs-glpi/glpi-inventory_format/computer_1.json"), std::nullopt);
  CHECK(errors_of(one) == "");
  REQUIRE(one.hosts.size() == 1);
  const json& h = one.hosts[0].host;
  CHECK(h["id"] == "inventory:4c4c4544-0034-3010-8048-b6c04f503732");
  CHECK(h["os"]["name"] == "Fedora 31 (Workstation Edition)");
  CHECK(h["memory_bytes"] == 7800 * kMiB);
  CHECK(h["disks"].size() == 6);
  CHECK(h["labels"]["inventory.tag"] == "000005");

  const auto archive =
      zip_of({{"a/computer_1.json", sample("ocs-glpi/glpi-inventory_format/computer_1.json")},
              {"a/computer_2.json", sample("ocs-glpi/glpi-inventory_format/computer_2.json")},
              {"a/lf014.xml", sample("ocs-glpi/glpi-inventory_format/fusioninventory_1.xml")},
              {"a/broken.xml", "<REQUEST><CONTENT><HARDWARE><NAME>x</NAME>"},
              {"a/bomb.xml", std::string((64 << 20) + 1, ' ')},  // deflates to a few KB
              {"a/readme.txt", "not an inventory"}});
  const auto many = plan_import(archive, std::nullopt);
  CHECK(many.hosts.size() == 3);
  REQUIRE(many.errors.size() == 2);
  CHECK(many.errors[0].message.find("'a/bomb.xml' is larger than 64 MiB") != std::string::npos);
  CHECK(many.errors[1].message.find("a/broken.xml is not valid XML") != std::string::npos);
}

TEST_CASE("inventory: broken and hostile XML is refused with the problem named") {
  CHECK_THROWS_WITH_AS(plan_import("<html><body/></html>", std::nullopt),
                       doctest::Contains("the root element is <html>, not <REQUEST>"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(plan_import("<REQUEST><QUERY>PROLOG</QUERY></REQUEST>", std::nullopt),
                       doctest::Contains("no <CONTENT> sections"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(
      plan_import("<REQUEST><CONTENT><HARDWARE/></CONTENT><QUERY>PROLOG</QUERY></REQUEST>",
                  std::nullopt),
      doctest::Contains("a PROLOG request, not an INVENTORY"), std::invalid_argument);
  std::string deep = "<REQUEST>";
  for (int i = 0; i < 100; ++i) deep += "<A>";
  CHECK_THROWS_WITH_AS(plan_import(deep, std::nullopt),
                       doctest::Contains("nests elements more than 64 deep"),
                       std::invalid_argument);
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
      "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
      "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g "
      "\"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]>"
      "<REQUEST><CONTENT><HARDWARE><NAME>&g;</NAME></HARDWARE></CONTENT></REQUEST>";
  CHECK_THROWS_AS(plan_import(laughs, std::nullopt), std::invalid_argument);
  const auto text_in_number = plan_import(
      "<REQUEST><CONTENT><HARDWARE><NAME>x</NAME><MEMORY>lots</MEMORY></HARDWARE></CONTENT>"
      "<DEVICEID>x-1</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>",
      std::nullopt);
  REQUIRE(text_in_number.errors.size() == 1);
  CHECK(text_in_number.errors[0].message == "HARDWARE/MEMORY: expected a number, got 'lots'");
}

// The real agents from Debian (ocsinventory-agent, fusioninventory-agent) inventory this machine.
TEST_CASE("inventory: files written by the real OCS and FusionInventory agents of this machine") {
  sahab::testing::TempDir dir;
  std::vector<std::string> files;
  // Each agent in its own directory: both name their file after the machine and a date.
  const auto run = [&](const std::string& command, const std::string& name) {
    const auto out = dir.path() / name;
    std::filesystem::create_directory(out);
    const std::string line =
        command + " --local " + out.string() + " >" + (out / "log").string() + " 2>&1";
    REQUIRE_MESSAGE(std::system(line.c_str()) == 0, sahab::read_file(out / "log"));
    for (const auto& entry : std::filesystem::directory_iterator(out))
      if (entry.path().extension() == ".ocs") files.push_back(sahab::read_file(entry.path()));
  };
  run("fusioninventory-agent --no-category=process,environment,user,local_user,local_group",
      "fusioninventory");
  run("ocsinventory-agent", "ocs");
  REQUIRE(files.size() == 2);
  for (const auto& file : files) {
    const auto plan = plan_import(file, std::nullopt);
    CHECK(errors_of(plan) == "");
    REQUIRE(plan.hosts.size() == 1);
    const json& h = plan.hosts[0].host;
    CHECK(h["os"]["family"] == "linux");
    CHECK(h["cpu"]["cores"].get<int>() >= 1);
    CHECK(h["memory_bytes"].get<double>() > 256 * kMiB);
    CHECK(h["disks"].size() >= 1);
  }
}
