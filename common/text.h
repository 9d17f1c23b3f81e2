#pragma once
// Small string helpers for parsing /proc-style text without allocating per field.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::text {

std::string_view trim(std::string_view s);
// ASCII case-insensitive equality, for protocol tokens HTTP compares so (auth schemes, encodings).
bool equals_ignoring_case(std::string_view a, std::string_view b);

// Splits on runs of spaces and tabs; never yields empty fields.
std::vector<std::string_view> fields(std::string_view line);
// The same into `out`, emptied first: a caller splitting a file's lines keeps one vector for all
// of them instead of allocating one per line (/proc/vmstat's 190 lines every scrape).
void fields(std::string_view line, std::vector<std::string_view>& out);

// Splits on one character; keeps empty fields.
std::vector<std::string_view> split(std::string_view s, char separator);

// Calls `on_line` for each line of `content`, without the newline.
template <typename F>
void for_each_line(std::string_view content, F&& on_line) {
  while (!content.empty()) {
    const auto end = content.find('\n');
    on_line(content.substr(0, end));
    if (end == std::string_view::npos) break;
    content.remove_prefix(end + 1);
  }
}

std::optional<double> to_double(std::string_view s);
std::optional<unsigned long long> to_u64(std::string_view s);
std::optional<long long> to_i64(std::string_view s);

// "1,2,3": the numbers in decimal, joined by `separator`. Appended piece by piece: the shorter
// `(out.empty() ? "" : ",") + std::to_string(n)` trips GCC 12's false -Werror=restrict in
// Release builds (GCC bug 105329).
template <typename Integers>
std::string join_integers(const Integers& numbers, char separator = ',') {
  std::string out;
  for (const auto n : numbers) {
    if (!out.empty()) out += separator;
    out += std::to_string(n);
  }
  return out;
}

// The byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates and code points
// past U+10FFFF are invalid); nullopt when all of `s` is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view s);
// Appends the UTF-8 encoding of the code point `c` (converters from UTF-16 and Windows-1252).
void append_utf8(std::string& out, char32_t c);

// `s` for HTML or XML text and attribute values: & < > " ' as character references (&#39; for
// the apostrophe, which HTML 4 lacks a name for).
std::string markup_escape(std::string_view s);

// Undoes the octal escapes (\040 for space) that /proc/mounts uses in paths.
std::string unescape_octal(std::string_view s);

}  // namespace sahab::text
