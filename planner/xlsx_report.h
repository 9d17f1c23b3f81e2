#pragma once
// The plan as one .xlsx workbook, as Azure Migrate exports its assessments: a sheet per view
// (Hosts, Move groups, Waves, Costs by region and commune with the total), the same tables as the
// CSV files (report.h), numbers as numbers, money in the plan's currency, header rows frozen.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "planner/plan.h"
#include "planner/report.h"

namespace sahab::planner {

// One sheet of a workbook: its name and what writes its table (the header row first).
struct XlsxSheet {
  std::string name;
  std::function<void(TableSink&)> write;
};
// The sheets as one workbook in `file`, money in `currency`, header rows bold and frozen (the
// plan's workbook below, the collector's steering report). Throws FileError naming the file.
void write_xlsx(const std::vector<XlsxSheet>& sheets, const std::string& currency,
                const std::filesystem::path& file);
// The workbook's bytes: written to a file of its own in `dir`, read back and removed (the
// library writes files only).
std::string xlsx_bytes(const std::vector<XlsxSheet>& sheets, const std::string& currency,
                       const std::filesystem::path& dir);

// Throws FileError naming the file when the workbook cannot be written.
void write_plan_xlsx(const Plan& plan, const std::filesystem::path& file);
// The plan's workbook's bytes (xlsx_bytes).
std::string plan_xlsx(const Plan& plan, const std::filesystem::path& dir);

}  // namespace sahab::planner
