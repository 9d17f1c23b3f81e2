#include "collector/api/import_csv.h"

#include <array>
#include <stdexcept>

#include "collector/api/import_zip.h"
#include "common/text.h"

namespace sahab::collector::import {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Windows-1252's 0x80..0x9F as Unicode code points (0 for the five unassigned bytes); the other
// bytes are Latin-1, their own code points.
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::string from_cp1252(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (const char b : bytes) {
    const auto u = static_cast<unsigned char>(b);
    char32_t c = u;
    if (u >= 0x80 && u < 0xA0) c = kCp1252High[u - 0x80] ? kCp1252High[u - 0x80] : 0xFFFD;
    text::append_utf8(out, c);
  }
  return out;
}

// The separator of the header line: the most frequent of ',' ';' and tab outside quotes (French
// Excel writes ';' because ',' is its decimal mark); ',' when none appears.
char header_separator(std::string_view text) {
  std::size_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

// Reads one record starting at `pos` into `row` (cells by column); advances `pos` past it and
// counts the lines it spans in `line`.
void read_record(std::string_view text, std::size_t& pos, char separator, std::size_t& line,
                 Row& row) {
  const std::size_t first_line = line;
  row.number = line;
  row.cells.assign(1, {0, std::string()});
  bool quoted = false;
  const auto fail = [&](const std::string& why) {
    throw CsvError("line " + std::to_string(first_line) + ": " + why);
  };
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"' && pos < text.size() && text[pos] == '"') {
        row.cells.back().second += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        line += c == '\n';
        row.cells.back().second += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == separator) {
      if (row.cells.size() == kMaxCsvFields)
        fail("more than " + std::to_string(kMaxCsvFields) + " fields");
      row.cells.emplace_back(row.cells.size(), std::string());
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c != '\r') {
      row.cells.back().second += c;
    }
    if (row.cells.back().second.size() > kMaxCsvFieldBytes)
      fail("a field is longer than " + std::to_string(kMaxCsvFieldBytes >> 20) + " MiB");
  }
  if (quoted) fail("a quoted field is not closed");
}

}  // namespace

CsvFile::CsvFile(std::string_view body) {
  if (body.starts_with(kBom)) body.remove_prefix(kBom.size());
  if (text::first_invalid_utf8(body)) {
    decoded_ = from_cp1252(body);
    text_ = decoded_;
    encoding_ = "Windows-1252";
  } else {
    text_ = body;
  }
  if (text::trim(text_).empty()) throw std::invalid_argument("the file is empty");
  separator_ = header_separator(text_);
}

Row CsvFile::header() const {
  std::size_t pos = 0, line = 1;
  Row row;
  read_record(text_, pos, separator_, line, row);
  return row;
}

void CsvFile::for_each_row(const std::function<void(const Row&)>& on_row) const {
  std::size_t pos = 0, line = 1;
  Row row;
  read_record(text_, pos, separator_, line, row);
  on_row(row);  // the header
  while (pos < text_.size()) {
    read_record(text_, pos, separator_, line, row);
    if (!blank(row)) on_row(row);
  }
}

bool looks_like_csv(std::string_view body) {
  if (body.starts_with(kBom)) body.remove_prefix(kBom.size());
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || body[first] == '{' || body[first] == '<' ||
      body[first] == '[')
    return false;
  const auto line = body.substr(first, body.find('\n', first) - first);
  return line.find_first_of(",;\t") != std::string_view::npos;
}

}  // namespace sahab::collector::import

namespace sahab::collector::import {

void CsvTables::add(const std::string& name, std::string_view body) {
  if (!files_.try_emplace(name, body).second)
    throw std::invalid_argument("two files give the table '" + name + "'");
}

TableReader CsvTables::reader() const {
  return [this](const std::string& table, const std::function<void(const Row&)>& on_row) {
    const auto it = files_.find(table);
    if (it == files_.end()) return false;
    try {
      it->second.for_each_row(on_row);
    } catch (const CsvError& e) {
      throw CsvError(table + " " + e.what());
    }
    return true;
  };
}

std::vector<std::string> CsvTables::names() const {
  std::vector<std::string> out;
  for (const auto& [name, file] : files_) out.push_back(name);
  return out;
}

CsvTables csv_tables(std::string_view zip_body,
                     const std::function<std::string(std::string_view file)>& table_of,
                     std::vector<std::string>& texts) {
  const Zip zip(zip_body, "zip archive");
  std::vector<std::pair<std::string, std::string>> wanted;  // table, entry
  for (const auto& entry : zip.names()) {
    std::string_view file = entry;
    if (const auto slash = file.rfind('/'); slash != std::string_view::npos)
      file.remove_prefix(slash + 1);
    if (file.size() < 5 || !text::equals_ignoring_case(file.substr(file.size() - 4), ".csv"))
      continue;
    const std::string table = table_of(file.substr(0, file.size() - 4));
    if (!table.empty()) wanted.emplace_back(table, entry);
  }
  texts.reserve(wanted.size());  // the tables keep views into these strings
  std::size_t total = 0;
  CsvTables tables;
  for (const auto& [table, entry] : wanted) {
    texts.push_back(zip.read(entry));
    total += texts.back().size();
    if (total > kMaxCsvSetBytes) {
      throw std::invalid_argument("the CSV files of the archive are larger than " +
                                  std::to_string(kMaxCsvSetBytes >> 20) + " MiB uncompressed");
    }
    tables.add(table, texts.back());
  }
  return tables;
}

}  // namespace sahab::collector::import
