#include "agent/metrics/sysfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

AttributeDir::AttributeDir(const std::filesystem::path& dir)
    : fd_(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {}

AttributeDir::~AttributeDir() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> AttributeDir::read_text(const char* name) const {
  if (fd_ < 0) return std::nullopt;
  const int fd = ::openat(fd_, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[4096];
  ssize_t n = 0;
  // A read that fills the buffer may have more behind it; a shorter one is the whole attribute.
  do {
    n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) content.append(buffer, static_cast<size_t>(n));
  } while (n == static_cast<ssize_t>(sizeof buffer) || (n < 0 && errno == EINTR));
  ::close(fd);
  if (n < 0) return std::nullopt;
  const auto end = content.find('\n');
  return std::string(text::trim(std::string_view(content).substr(0, end)));
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
