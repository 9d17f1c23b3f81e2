#include "agent/metrics/sysfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include "agent/metrics/collector.h"
#include "agent/metrics/pseudo_files.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

std::optional<std::string> first_line_trimmed(const std::optional<std::string>& content) {
  if (!content) return std::nullopt;
  const std::string_view view(*content);
  return std::string(text::trim(view.substr(0, view.find('\n'))));
}

// The entry's own type, as the directory gives it (a symbolic link is not followed); asked of the
// file when the filesystem does not say (DT_UNKNOWN), as Go's os.ReadDir does.
bool is_regular_entry(DIR* dir, const dirent& entry) {
  if (entry.d_type != DT_UNKNOWN) return entry.d_type == DT_REG;
  struct stat status {};
  return ::fstatat(::dirfd(dir), entry.d_name, &status, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISREG(status.st_mode);
}

}  // namespace

std::optional<double> read_number(const std::filesystem::path& path) {
  const auto line = read_text(path);
  if (!line) return std::nullopt;
  return text::to_double(*line);
}

double require_number(const std::filesystem::path& path) {
  const auto value = read_number(path);
  if (!value) throw CollectorError("no number in " + path.string());
  return *value;
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
  return first_line_trimmed(try_read_pseudo_file(path));
}

std::optional<double> hex_number(std::string_view text) {
  unsigned long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return static_cast<double>(value);
}

AttributeDir::AttributeDir(const std::filesystem::path& dir)
    : fd_(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {
  struct stat identity {};
  if (fd_ >= 0 && ::fstat(fd_, &identity) == 0) {
    device_ = identity.st_dev;
    inode_ = identity.st_ino;
  }
}

AttributeDir::~AttributeDir() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> AttributeDir::read_text(const char* name) const {
  return first_line_trimmed(pseudo_files().read_at(fd_, device_, inode_, name));
}

// readdir rather than std::filesystem::directory_iterator, which makes a path of each entry, and
// whose file types follow symbolic links (a stat of each device's link, its target's path walked).
std::vector<std::string> list_dir(const std::filesystem::path& path, Listing listing) {
  std::vector<std::string> names;
  const std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
  if (!dir) return names;
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (listing == Listing::kNoRegularFiles && is_regular_entry(dir.get(), *entry)) continue;
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace sahab::agent
