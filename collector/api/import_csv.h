#pragma once
// CSV files as spreadsheets and export tools write them: ',' ';' or tab separators (found from the
// header line), RFC 4180 quoting, CRLF or LF, UTF-8 with or without a byte order mark, or
// Windows-1252 (Excel's "CSV" on a French Windows) converted to UTF-8. Bounded: fields per record
// and bytes per field are capped; the whole file is capped by the import's body cap.
#include <cstddef>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "collector/api/import_table.h"

namespace sahab::collector::import {

inline constexpr std::size_t kMaxCsvFields = 4096;

// A file that is not readable CSV (a quote left open, a bound broken): "line 12: ...".
class CsvError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};
inline constexpr std::size_t kMaxCsvFieldBytes = 1 << 20;

class CsvFile {
 public:
  // Decodes `body` (kept by reference when it is UTF-8: it must outlive the file). Throws
  // std::invalid_argument when it is empty.
  explicit CsvFile(std::string_view body);
  // Not copied or moved: the text may point into the object itself.
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  char separator() const { return separator_; }
  // "UTF-8" or "Windows-1252": what the bytes were read as.
  std::string_view encoding() const { return encoding_; }
  // The first record (line 1).
  Row header() const;
  // Calls `on_row` with each record, the header first, numbered by the line it starts on, blank
  // lines left out (a TableReader's contract). Throws std::invalid_argument naming the line of a
  // record that breaks a bound or leaves a quote open; an exception from `on_row` propagates.
  void for_each_row(const std::function<void(const Row&)>& on_row) const;

 private:
  std::string decoded_;  // the text converted from Windows-1252, when it was
  std::string_view text_;
  char separator_ = ',';
  std::string_view encoding_ = "UTF-8";
};

// True when `body` reads as text whose first line has a separator (',' ';' or tab): a CSV file
// rather than JSON, XML or a zip.
bool looks_like_csv(std::string_view body);

// CSV files by table name ("vInfo", "vmInfo"), each read as a table by name.
class CsvTables {
 public:
  // Adds the file `body` (kept by reference) as the table `name`; a second file of that name is
  // refused with std::invalid_argument.
  void add(const std::string& name, std::string_view body);
  bool has(const std::string& name) const { return files_.count(name) > 0; }
  TableReader reader() const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, CsvFile> files_;
};

// The CSV files of a zip archive (directories and other entries left out) as tables named by
// `table_of` from each file's name (without directory and extension); "" leaves a file out.
// Their total uncompressed size is capped (kMaxCsvSetBytes). `texts` keeps the files' bytes.
inline constexpr std::size_t kMaxCsvSetBytes = 256u << 20;
CsvTables csv_tables(std::string_view zip_body,
                     const std::function<std::string(std::string_view file)>& table_of,
                     std::vector<std::string>& texts);

}  // namespace sahab::collector::import
