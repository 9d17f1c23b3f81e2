#pragma once
// POST /api/v1/import of an RVTools export (3.x to 4.7): the .xlsx workbook, or its tabs as CSV
// files (one tab saved as CSV from Excel, or RVTools' "export all to CSV" folder zipped, whose
// headers are RVTools' internal names: vInfoVMName, vInfoCPUs, ...). Each VM of vInfo becomes a
// sahab-fleet/1 host, its disks from vPartition (size and use per guest filesystem), else vDisk
// (sizes), else vInfo's Provisioned/In Use. Columns are found by header name: versions add and
// rename columns (MB -> MiB) and vCenter custom attributes are inserted mid-row. docs/imports.md
// lists what each column becomes.
#include <string_view>

#include "collector/api/fleet_import.h"
#include "collector/api/import_csv.h"

namespace sahab::collector {

// True when `body` is a zip (an .xlsx workbook, or an archive of CSV files).
bool looks_like_workbook(std::string_view body);

// Throws std::invalid_argument when the workbook as a whole is unusable (not a readable zip, no
// vInfo sheet, a required column missing); per-VM problems go to ImportPlan::errors with the
// sheet's row number.
ImportPlan plan_rvtools_import(std::string_view body);

// RVTools tabs as CSV files: `tables` has at least "vInfo", and "vPartition", "vDisk" when given.
ImportPlan plan_rvtools_csv_import(const import::CsvTables& tables);

// The RVTools tab a CSV file's name shows ("RVTools_tabvInfo" -> "vInfo"), or "".
std::string rvtools_tab_of(std::string_view file_name);

// True when a CSV header is an RVTools vInfo tab's (displayed or internal names).
bool is_rvtools_vinfo(const import::Table& header);

}  // namespace sahab::collector
