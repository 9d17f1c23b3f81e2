#include "collector/api/import_table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "collector/ingest/document.h"
#include "common/crypto.h"
#include "common/text.h"

namespace sahab::collector::import {
namespace {

// "*Server name " -> "Server name".
std::string_view unstarred(std::string_view name) {
  name = text::trim(name);
  while (!name.empty() && name.front() == '*') name.remove_prefix(1);
  while (!name.empty() && name.back() == '*') name.remove_suffix(1);
  return text::trim(name);
}

std::string normalised(std::string_view name) { return ascii_lower(unstarred(name)); }

}  // namespace

const std::string& Row::at(std::size_t column) const {
  static const std::string empty;
  const auto it = std::lower_bound(cells.begin(), cells.end(), column,
                                   [](const auto& cell, std::size_t c) { return cell.first < c; });
  return it != cells.end() && it->first == column ? it->second : empty;
}

bool blank(const Row& row) {
  return std::all_of(row.cells.begin(), row.cells.end(),
                     [](const auto& cell) { return text::trim(cell.second).empty(); });
}

Table::Table(std::string name, const Row& header) : name_(std::move(name)) {
  for (const auto& [column, text] : header.cells) {
    const std::string key = normalised(text);
    if (key.empty()) continue;
    columns_.emplace(key, column);  // the first of two same names wins
    exact_.emplace(unstarred(text), column);
    written_.emplace(column, std::string(text::trim(text)));
  }
}

const std::pair<const std::string, std::size_t>* Table::named(Names names) const {
  for (const auto name : names) {
    if (const auto it = exact_.find(name); it != exact_.end()) return &*it;
  }
  for (const auto name : names) {
    const auto it = columns_.find(normalised(name));
    if (it != columns_.end()) return &*it;
  }
  return nullptr;
}

std::optional<std::size_t> Table::column(Names names) const {
  const auto* found = named(names);
  return found ? std::optional(found->second) : std::nullopt;
}

std::string Table::text(const Row& row, Names names) const {
  const auto* found = named(names);
  return found ? std::string(text::trim(row.at(found->second))) : std::string();
}

std::optional<double> Table::number(const Row& row, Names names) const {
  const auto* found = named(names);
  const std::string value = found ? std::string(text::trim(row.at(found->second))) : "";
  if (value.empty()) return std::nullopt;
  const auto d = parse_number(value);
  if (!d || *d < 0) {
    throw std::invalid_argument(where(row) + ", column '" + written_.at(found->second) +
                                "': expected a number, got '" + value.substr(0, 40) + "'");
  }
  return *d;
}

void Table::require(std::initializer_list<Names> required, std::string_view expected) const {
  std::string missing;
  std::size_t count = 0;
  for (const Names names : required) {
    if (has(names)) continue;
    missing += (count++ == 0 ? "'" : ", '") + std::string(*names.begin()) + "'";
  }
  if (count > 0) {
    throw std::invalid_argument(name_ + ": missing column" + (count > 1 ? "s " : " ") + missing +
                                "; expected " + std::string(expected));
  }
}

std::string Table::where(const Row& row) const {
  return name_ + " row " + std::to_string(row.number);
}

bool read_table(const TableReader& reader, const std::string& name, const RowHandler& on_row,
                const std::function<void(const Table&)>& on_header) {
  std::optional<Table> table;
  return reader(name, [&](const Row& row) {
    if (!table) {
      table.emplace(name, row);
      if (on_header) on_header(*table);
    } else if (!blank(row)) {
      on_row(*table, row);
    }
  });
}

std::optional<double> parse_number(std::string_view text) {
  text = text::trim(text);
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ') continue;
    // U+00A0 and U+202F, the no-break spaces French spreadsheets put between thousands.
    if (text.substr(i).starts_with("\xC2\xA0")) {
      ++i;
      continue;
    }
    if (text.substr(i).starts_with("\xE2\x80\xAF")) {
      i += 2;
      continue;
    }
    digits += text[i];
  }
  if (digits.find(',') != std::string::npos) {
    // A decimal comma, never a thousands separator: "1,024" is ambiguous and read as 1.024 only
    // when no '.' is present; "1,024.5" is refused rather than guessed.
    if (std::count(digits.begin(), digits.end(), ',') > 1 ||
        digits.find('.') != std::string::npos) {
      return std::nullopt;
    }
    std::replace(digits.begin(), digits.end(), ',', '.');
  }
  const auto d = text::to_double(digits);
  if (!d || !std::isfinite(*d)) return std::nullopt;
  return d;
}

std::string host_id(std::string_view prefix, std::string_view identity) {
  const std::string id = std::string(prefix) + ":" + std::string(identity);
  if (valid_host_id(id)) return id;
  std::string safe;
  for (const char c : identity.substr(0, 96))
    safe += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  return std::string(prefix) + ":" + safe + "-" +
         crypto::sha256_hex(std::string(identity)).substr(0, 12);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string table_named(std::string_view file_name, std::initializer_list<const char*> tables) {
  const std::string name = ascii_lower(file_name);
  for (const char* table : tables)
    if (name.ends_with(ascii_lower(table))) return table;
  return "";
}

std::string os_family(std::string_view os_name) {
  const std::string name = ascii_lower(os_name);
  if (name.find("windows") != std::string::npos) return "windows";
  for (const char* distribution : {"linux", "debian", "ubuntu", "centos", "red hat", "rhel",
                                   "fedora", "suse", "rocky", "alma"}) {
    if (name.find(distribution) != std::string::npos) return "linux";
  }
  return "";
}

}  // namespace sahab::collector::import
