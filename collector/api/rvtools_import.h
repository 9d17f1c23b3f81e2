#pragma once
// POST /api/v1/import of an RVTools workbook (.xlsx, RVTools 3.x to 4.7): each VM of the vInfo
// sheet becomes a sahab-fleet/1 host, its disks from vPartition (size and use per guest
// filesystem), else vDisk (sizes), else vInfo's Provisioned/In Use. Columns are found by header
// name: versions add and rename columns (MB -> MiB) and vCenter custom attributes are inserted
// mid-row. docs/api.md lists what each column becomes.
#include <string_view>

#include "collector/api/fleet_import.h"

namespace sahab::collector {

// True when `body` is a zip (an .xlsx workbook) rather than JSON or CSV text.
bool looks_like_workbook(std::string_view body);

// Throws std::invalid_argument when the workbook as a whole is unusable (not a readable zip, no
// vInfo sheet, a required column missing); per-VM problems go to ImportPlan::errors with the
// sheet's row number.
ImportPlan plan_rvtools_import(std::string_view body);

}  // namespace sahab::collector
