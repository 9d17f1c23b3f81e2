#include "agent/metrics/sysfs.h"

#include <algorithm>
#include <charconv>

#include "agent/metrics/collector.h"
#include "common/file.h"
#include "common/text.h"

namespace sahab::agent {

std::optional<double> read_number(const std::filesystem::path& path) {
  const auto line = try_read_line(path);
  if (!line) return std::nullopt;
  return text::to_double(text::trim(*line));
}

double require_number(const std::filesystem::path& path) {
  const auto value = read_number(path);
  if (!value) throw CollectorError("no number in " + path.string());
  return *value;
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
  const auto line = try_read_line(path);
  if (!line) return std::nullopt;
  return std::string(text::trim(*line));
}

std::optional<double> hex_number(std::string_view text) {
  unsigned long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return static_cast<double>(value);
}

std::vector<std::string> list_dir(const std::filesystem::path& path) {
  std::vector<std::string> names;
  std::error_code error;
  for (std::filesystem::directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace sahab::agent
