#pragma once
// Reads the sheets of an .xlsx workbook (Office Open XML: a zip of XML parts) as tables of cell
// text, for imports (RVTools). The zip is read by libzip and the XML by pugixml; this file only
// walks the parts: workbook.xml names the sheets, its relationships locate them, sharedStrings.xml
// holds the strings cells refer to by index. Every read is bounded (entries, bytes per entry).
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::collector::xlsx {

// A workbook that cannot be read (not a zip, truncated, a part missing or too large).
class Error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Limits against zip bombs and absurd files: a 20,000-VM RVTools workbook has 34 entries and a
// vInfo part of ~150 MB uncompressed.
inline constexpr std::size_t kMaxEntries = 1000;
inline constexpr std::size_t kMaxEntryBytes = 512u << 20;

// One row of a sheet: its number in the sheet (1-based, as Excel shows it) and the text of each
// cell by column index (0 = A); missing or empty cells are "".
struct Row {
  std::size_t number = 0;
  std::vector<std::string> cells;
};

// True when `body` starts like a zip file ("PK\3\4"), as every .xlsx does.
bool looks_like_zip(std::string_view body);

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
  // The rows of the sheet named `name`, or nullopt when the workbook has no such sheet. Cells hold
  // shared and inline strings as text, numbers and booleans as written ("4096", "1").
  std::optional<std::vector<Row>> sheet(std::string_view name) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sahab::collector::xlsx
