#pragma once
// The tables imports read (a workbook's sheet, a CSV file): rows of cell text whose columns are
// found by header name, never by position (tools rename, add and insert columns across versions),
// with the numbers as spreadsheets write them. Shared by every tabular reader so that all of them
// name a bad cell and a missing column the same way.
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sahab::collector::import {

// One row: its number as the user's tool shows it (the sheet's row, the file's line) and its cells
// by column index (0 = A) in column order. Only the cells the row has are kept.
struct Row {
  std::size_t number = 0;
  std::vector<std::pair<std::size_t, std::string>> cells;

  // The text of the cell in `column`, "" when the row has none there.
  const std::string& at(std::size_t column) const;
};

bool blank(const Row& row);

// The names of one column: the current one first, then older or other spellings ("Capacity MiB",
// "Capacity MB"). Compared trimmed, ASCII case-insensitively, without the '*' some templates put
// on mandatory columns ("*Server name", "ExternalId*").
using Names = std::initializer_list<std::string_view>;

// A header row: cells of the rows below looked up by column name.
class Table {
 public:
  // `name` says where a row is in messages: "vInfo", "azure-migrate.csv".
  Table(std::string name, const Row& header);

  const std::string& name() const { return name_; }
  // The column named by the first of `names` the header has.
  std::optional<std::size_t> column(Names names) const;
  bool has(Names names) const { return column(names).has_value(); }
  // The trimmed text of the row's cell in that column; "" when the column or the cell is absent.
  std::string text(const Row& row, Names names) const;
  // The cell as a non-negative number; nullopt when empty or absent; throws naming the row, the
  // column and the text when it is not a number.
  std::optional<double> number(const Row& row, Names names) const;
  // Throws std::invalid_argument naming every column of `required` the header lacks (by its first
  // name) and what the file was expected to be.
  void require(std::initializer_list<Names> required, std::string_view expected) const;
  // "vInfo row 12": where a row is, for messages and provenance.
  std::string where(const Row& row) const;

 private:
  const std::pair<const std::string, std::size_t>* named(Names names) const;

  std::string name_;
  // Looked up by every cell read: the name as written (trimmed, without '*') first, found without
  // building a string; the normalised one when the case differs.
  std::map<std::string, std::size_t, std::less<>> exact_;
  std::map<std::string, std::size_t> columns_;  // normalised name -> column
  std::map<std::size_t, std::string> written_;  // column -> name as the header wrote it
};

// Reads a table's rows wherever they are (a workbook's sheet, a CSV file): calls `on_row` with
// each row, the header first; false when there is no such table.
using TableReader =
    std::function<bool(const std::string& table, const std::function<void(const Row&)>& on_row)>;
using RowHandler = std::function<void(const Table&, const Row&)>;

// Reads the table `name`: its first row is the header (`on_header` may refuse it by throwing),
// then `on_row` for each row that is not blank (spreadsheets keep formatted empty rows). False
// when `reader` has no such table.
bool read_table(const TableReader& reader, const std::string& name, const RowHandler& on_row,
                const std::function<void(const Table&)>& on_header = {});

// A number as a spreadsheet shows it: "12.5", "12,5" (decimal comma), "1 024" or "1 024,5" (spaces
// or no-break spaces between thousands); nullopt when the text is not one.
std::optional<double> parse_number(std::string_view text);

// A host id "<prefix>:<identity>": kept as is when valid, else the identity's safe characters plus
// a digest of it, so that two names differing only in unsafe characters (accents, spaces) stay
// apart and the same name always gives the same id.
std::string host_id(std::string_view prefix, std::string_view identity);

std::string ascii_lower(std::string_view s);

// The first of `tables` the file name (without directory and extension) ends with, compared
// case-insensitively ("RVTools_tabvInfo" -> "vInfo"); "" when none.
std::string table_named(std::string_view file_name, std::initializer_list<const char*> tables);

// "windows", "linux", or "" from an operating system's name as inventories write it.
std::string os_family(std::string_view os_name);

}  // namespace sahab::collector::import
