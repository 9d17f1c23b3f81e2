#pragma once
// The plan as one .xlsx workbook, as Azure Migrate exports its assessments: a sheet per view
// (Hosts, Move groups, Waves, Costs by region and commune with the total), the same tables as the
// CSV files (report.h), numbers as numbers, money in the plan's currency, header rows frozen.
#include <filesystem>
#include <string>

#include "planner/plan.h"

namespace sahab::planner {

// Throws FileError naming the file when the workbook cannot be written.
void write_plan_xlsx(const Plan& plan, const std::filesystem::path& file);
// The workbook's bytes: written to a file of its own in `dir`, read back and removed (the
// library writes files only).
std::string plan_xlsx(const Plan& plan, const std::filesystem::path& dir);

}  // namespace sahab::planner
