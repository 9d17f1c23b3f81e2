#include "collector/api/import_formats.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "collector/api/import_csv.h"
#include "collector/api/import_zip.h"
#include "collector/api/inventory_import.h"
#include "collector/api/rvtools_import.h"
#include "collector/api/tabular_imports.h"
#include "common/bounded_json.h"
#include "common/text.h"

namespace sahab::collector {
namespace {

ImportPlan single_csv(std::string_view body, const char* table,
                      ImportPlan (*reader)(const import::CsvTables&)) {
  import::CsvTables tables;
  tables.add(table, body);
  return reader(tables);
}

// A CSV file by its header.
ImportPlan csv_by_header(std::string_view body) {
  const import::Row first = import::CsvFile(body).header();
  const import::Table header("CSV header", first);
  // Sahab's own: every column one of its names (the reader then needs "id").
  const bool sahab = std::all_of(first.cells.begin(), first.cells.end(), [](const auto& cell) {
    const auto& names = csv_columns();
    return std::find(names.begin(), names.end(), text::trim(cell.second)) != names.end();
  });
  if (sahab) return plan_csv_import(body);
  if (is_rvtools_vinfo(header)) return single_csv(body, "vInfo", plan_rvtools_csv_import);
  if (is_azure_migrate(header))
    return single_csv(body, kAzureMigrateTable, plan_azure_migrate_import);
  if (is_aws_discovery(header))
    return single_csv(body, kAwsDiscoveryTable, plan_aws_discovery_import);
  if (is_migration_center_vminfo(header))
    return single_csv(body, "vmInfo", plan_migration_center_import);
  // An "id" column among unknown ones: Sahab's CSV with a column it lacks, named by its reader.
  if (header.has({"id"})) return plan_csv_import(body);
  throw std::invalid_argument(
      "CSV header matches no known format: Sahab (id, hostname, ...), RVTools vInfo (VM, CPUs, "
      "Memory), Azure Migrate (Server name, Cores, Memory (In MB)), AWS Discovery (ExternalId, "
      "HostName, CPU.NumberOfCores, RAM.TotalSizeInMB), Migration Center vmInfo (MachineId, "
      "MachineName); name it with ?format=");
}

// A zip: a workbook, or CSV files of one tool, or inventories.
ImportPlan zip_by_content(std::string_view body, const std::optional<std::string>& format) {
  const import::Zip zip(body, "zip archive");
  std::vector<std::string> texts;
  for (const auto& entry : zip.names()) {
    if (entry == "xl/workbook.xml") return plan_rvtools_import(body);
  }
  if (!format || *format == "rvtools") {
    const auto tables = import::csv_tables(body, rvtools_tab_of, texts);
    if (tables.has("vInfo") || format) return plan_rvtools_csv_import(tables);
  }
  if (!format || *format == "migration-center") {
    texts.clear();
    const auto tables = import::csv_tables(body, migration_center_table_of, texts);
    if (tables.has("vmInfo") || format) return plan_migration_center_import(tables);
  }
  return plan_inventory_archive_import(body);
}

ImportPlan json_by_content(std::string_view body) {
  nlohmann::json document;
  try {
    // The fleet import's limits: the larger of the two JSON formats.
    document = bounded_json::parse(
        body, {.max_depth = 32, .max_values = 20'000'000, .max_string_bytes = 1 << 20});
  } catch (const bounded_json::Error& e) {
    throw std::invalid_argument(e.what());
  }
  if (is_glpi_inventory(document)) return plan_inventory_json_import(document);
  return plan_fleet_document(document);
}

}  // namespace

ImportPlan plan_import(std::string_view body, const std::optional<std::string>& format) {
  if (!format) {
    if (import::looks_like_zip(body)) return zip_by_content(body, format);
    if (looks_like_xml(body)) return plan_inventory_xml_import(body);
    if (import::looks_like_csv(body)) return csv_by_header(body);
    return json_by_content(body);
  }
  const std::string& f = *format;
  if (f == "json") return json_by_content(body);
  if (f == "csv") return plan_csv_import(body);
  if (f == "rvtools" || f == "migration-center")
    return import::looks_like_zip(body) ? zip_by_content(body, format)
           : f == "rvtools"             ? single_csv(body, "vInfo", plan_rvtools_csv_import)
                                        : single_csv(body, "vmInfo", plan_migration_center_import);
  if (f == "azure-migrate") return single_csv(body, kAzureMigrateTable, plan_azure_migrate_import);
  if (f == "aws-discovery") return single_csv(body, kAwsDiscoveryTable, plan_aws_discovery_import);
  if (f == "inventory" || f == "ocs" || f == "glpi") {
    return import::looks_like_zip(body) ? plan_inventory_archive_import(body)
           : looks_like_xml(body)       ? plan_inventory_xml_import(body)
                                        : json_by_content(body);
  }
  throw std::invalid_argument("format: expected one of " + std::string(kImportFormats));
}

}  // namespace sahab::collector
