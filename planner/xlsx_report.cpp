#include "planner/xlsx_report.h"

#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>

#include "common/file.h"
#include "planner/report.h"

namespace sahab::planner {
namespace {

// The number formats a sheet needs, made once per workbook (libxlsxwriter owns them).
struct Formats {
  lxw_format* header;
  lxw_format* money;
  lxw_format* decimals[3];  // 0, 1 and 2 decimals
};

Formats make_formats(lxw_workbook* book, const std::string& currency) {
  Formats f{};
  f.header = workbook_add_format(book);
  format_set_bold(f.header);
  f.money = workbook_add_format(book);
  // Thousands grouped, two decimals, the currency after the amount as Moroccan invoices write it.
  const std::string money = "#,##0.00 \"" + currency + "\"";
  format_set_num_format(f.money, money.c_str());
  const char* decimals[] = {"0", "0.0", "0.00"};
  for (int i = 0; i < 3; ++i) {
    f.decimals[i] = workbook_add_format(book);
    format_set_num_format(f.decimals[i], decimals[i]);
  }
  return f;
}

// One sheet: the first row is the header (bold, frozen so it stays while scrolling).
class Sheet : public TableSink {
 public:
  Sheet(lxw_worksheet* sheet, const Formats& formats) : sheet_(sheet), formats_(formats) {}
  TableSink& text(const std::string& value) override {
    // Written as a string whatever it starts with: a host name is never run as a formula.
    if (!value.empty())
      worksheet_write_string(sheet_, row_, col_, value.c_str(),
                             row_ == 0 ? formats_.header : nullptr);
    return next();
  }
  TableSink& integer(long long value) override {
    worksheet_write_number(sheet_, row_, col_, static_cast<double>(value), nullptr);
    return next();
  }
  TableSink& number(double value, int decimals) override {
    worksheet_write_number(sheet_, row_, col_, value,
                           formats_.decimals[std::clamp(decimals, 0, 2)]);
    return next();
  }
  TableSink& money(double value) override {
    worksheet_write_number(sheet_, row_, col_, value, formats_.money);
    return next();
  }
  void end() override {
    if (row_ == 0) {
      worksheet_freeze_panes(sheet_, 1, 0);
      // Wide enough for most names and amounts; the user widens the rest.
      worksheet_set_column(sheet_, 0, static_cast<lxw_col_t>(col_ ? col_ - 1 : 0), 16, nullptr);
    }
    ++row_;
    col_ = 0;
  }

 private:
  TableSink& next() {
    ++col_;
    return *this;
  }
  lxw_worksheet* sheet_;
  const Formats& formats_;
  lxw_row_t row_ = 0;
  lxw_col_t col_ = 0;
};

}  // namespace

void write_xlsx(const std::vector<XlsxSheet>& sheets, const std::string& currency,
                const std::filesystem::path& file) {
  lxw_workbook* book = workbook_new(file.c_str());
  if (!book) throw FileError(file.string() + ": cannot create the workbook");
  try {
    const Formats formats = make_formats(book, currency);
    for (const auto& [name, write] : sheets) {
      lxw_worksheet* added = workbook_add_worksheet(book, name.c_str());
      // NULL for a name Excel refuses (over 31 characters, a duplicate, one of []:*?/ or a
      // backslash): writing into it would dereference NULL.
      if (!added) throw FileError(file.string() + ": no sheet can be named '" + name + "'");
      Sheet sheet(added, formats);
      write(sheet);
    }
  } catch (...) {
    lxw_workbook_free(book);
    throw;
  }
  // Writes the file and frees the workbook, whatever it returns.
  if (const lxw_error error = workbook_close(book); error != LXW_NO_ERROR)
    throw FileError(file.string() + ": cannot write the workbook: " + lxw_strerror(error));
}

std::string xlsx_bytes(const std::vector<XlsxSheet>& sheets, const std::string& currency,
                       const std::filesystem::path& dir) {
  // A name no one else can have chosen: created here, exclusively, before the library opens it.
  std::string name = (dir / "sahab-XXXXXX.xlsx").string();
  const int fd = mkstemps(name.data(), 5);
  if (fd < 0) throw FileError(dir.string() + ": cannot create a temporary workbook");
  close(fd);
  struct Remove {
    std::filesystem::path file;
    ~Remove() {
      std::error_code ignored;
      std::filesystem::remove(file, ignored);
    }
  } remove{name};
  write_xlsx(sheets, currency, name);
  return read_file(name);
}

namespace {

std::vector<XlsxSheet> plan_sheets(const Plan& plan) {
  std::vector<XlsxSheet> sheets;
  const std::pair<const char*, void (*)(const Plan&, TableSink&)> views[] = {
      {"Hosts", hosts_table},
      {"Move groups", groups_table},
      {"Waves", waves_table},
      {"Costs", costs_table}};
  for (const auto& [name, table] : views) {
    sheets.push_back({name, [&plan, table](TableSink& sink) { table(plan, sink); }});
  }
  return sheets;
}

}  // namespace

void write_plan_xlsx(const Plan& plan, const std::filesystem::path& file) {
  write_xlsx(plan_sheets(plan), plan.currency, file);
}

std::string plan_xlsx(const Plan& plan, const std::filesystem::path& dir) {
  return xlsx_bytes(plan_sheets(plan), plan.currency, dir);
}

}  // namespace sahab::planner
