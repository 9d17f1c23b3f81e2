#pragma once
// POST /api/v1/import of the CSV files other migration tools take as their own import, so that a
// sheet prepared for one of them needs no retyping (docs/imports.md lists the columns read):
// - Azure Migrate's import CSV ("Server name", "Cores", "Memory (In MB)", "Disk N size (In GB)",
//   utilisation percentages and throughputs),
// - AWS Application Discovery Service's import CSV ("ExternalId", "HostName",
//   "CPU.NumberOfCores", "RAM.TotalSizeInMB", "CPU.UsagePct.Avg/Max", ...),
// - Google Migration Center's CSV set: vmInfo, with diskInfo, perfInfo (a time series, read as
//   utilisation percentiles) and tagInfo when given (several files arrive as one zip archive).
#include <string>
#include <string_view>

#include "collector/api/fleet_import.h"
#include "collector/api/import_csv.h"

namespace sahab::collector {

// The table name each reader reads its single file as.
inline constexpr const char* kAzureMigrateTable = "Azure Migrate CSV";
inline constexpr const char* kAwsDiscoveryTable = "AWS Discovery CSV";

// Throw std::invalid_argument naming the missing columns when the header is not the format's;
// per-row problems go to ImportPlan::errors with their line.
ImportPlan plan_azure_migrate_import(const import::CsvTables& tables);
ImportPlan plan_aws_discovery_import(const import::CsvTables& tables);
// `tables` holds "vmInfo" and, when given, "diskInfo", "perfInfo", "tagInfo".
ImportPlan plan_migration_center_import(const import::CsvTables& tables);

// Which format a CSV header looks like: enough columns to tell, not all the format needs (the
// reader then names what is missing).
bool is_azure_migrate(const import::Table& header);
bool is_aws_discovery(const import::Table& header);
bool is_migration_center_vminfo(const import::Table& header);

// The Migration Center table a CSV file's name shows ("vmInfo", "acme-perfInfo" -> "perfInfo"),
// or "".
std::string migration_center_table_of(std::string_view file_name);

}  // namespace sahab::collector
