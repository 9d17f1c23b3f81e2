#pragma once
// Human outputs of a plan: CSV files that open cleanly in a spreadsheet, and a self-contained
// printable HTML report (no scripts, no external assets; every value escaped).
#include <filesystem>
#include <string>

#include "planner/plan.h"

namespace sahab::planner {

// Where the plan's tables go, row by row (the header row first): a CSV file, a sheet of a
// workbook. Each table is written once (hosts_table, ...) for every output that lists it.
class TableSink {
 public:
  virtual ~TableSink() = default;
  virtual TableSink& text(const std::string& value) = 0;
  virtual TableSink& integer(long long value) = 0;
  virtual TableSink& number(double value, int decimals) = 0;
  virtual TableSink& money(double value) = 0;  // in the plan's currency
  virtual void end() = 0;                      // of a row
};
// Hosts with strategy, move group, wave, target and costs; move groups; waves; costs by region
// and commune with the total.
void hosts_table(const Plan& plan, TableSink& table);
void groups_table(const Plan& plan, TableSink& table);
void waves_table(const Plan& plan, TableSink& table);
void costs_table(const Plan& plan, TableSink& table);

// hosts.csv, waves.csv, costs.csv in `dir` (created if needed).
void write_csv_reports(const Plan& plan, const std::filesystem::path& dir);
std::string hosts_csv(const Plan& plan);
std::string waves_csv(const Plan& plan);
std::string costs_csv(const Plan& plan);

// The report in French (what the web UI and the API give by default) or English: its own words
// and what the planner says about hosts, rules and constraints (planner/messages.json).
using ReportLanguage = Language;
std::string html_report(const Plan& plan, ReportLanguage language);

// A CSV field: quoted when needed; a leading = + - @ is neutralised so a spreadsheet never
// runs a host name as a formula.
std::string csv_field(const std::string& value);

}  // namespace sahab::planner
