#pragma once
// Reads the sheets of an .xlsx workbook (Office Open XML: a zip of XML parts) as rows of cell
// text, for imports (RVTools). The zip is read by libzip and the XML by expat, streamed from the
// zip's inflater (a sheet is never held whole, as text or as a tree); this file only
// walks the parts (import_zip.h bounds the zip): workbook.xml names the sheets, its relationships
// locate them, sharedStrings.xml holds the strings cells refer to by index. Every read is bounded
// (entries, bytes per entry).
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/api/import_table.h"
#include "collector/api/import_zip.h"

namespace sahab::collector::xlsx {

// A workbook that cannot be read (not a zip, truncated, a part missing or too large).
class Error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// One row of a sheet: its number (1-based, as Excel shows it) and its cells by column index in
// column order. Only the cells the sheet has are kept: a cell at column XFD costs one entry, not
// 16,384.
using Row = import::Row;

using import::looks_like_zip;

class Workbook {
 public:
  // Opens the zip in `body` (kept by reference: it must outlive the workbook) and reads the sheet
  // list and shared strings. Throws Error when it is not a readable workbook.
  explicit Workbook(std::string_view body);
  ~Workbook();
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  // The sheet names in workbook order.
  std::vector<std::string> sheet_names() const;
  // Calls `on_row` with each row of the sheet named `name`, in order, as the part is read (a
  // sheet is never held whole: a 20,000-VM vInfo is ~100 MB of XML). Cells hold shared and inline
  // strings as text, numbers and booleans as written ("4096", "1"). False when the workbook has
  // no such sheet; an exception from `on_row` stops the reading and propagates.
  bool for_each_row(std::string_view name, const std::function<void(const Row&)>& on_row) const;
  // What the sheets read so far hold that their rows cannot show, for the user to check: merged
  // cells (only the first holds the value, the others read as empty) and formulas saved without
  // their computed value (read as empty), e.g. "sheet 'vInfo': merged cells F2:F4 ...".
  std::vector<std::string> notes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sahab::collector::xlsx
