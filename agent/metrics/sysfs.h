#pragma once
// Reading the one-value files and directories of /proc/sys and /sys that many collectors share.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::agent {

// The number in the first line of `path`; nullopt when the file is absent, unreadable (some
// sysfs attributes refuse reads with EINVAL when the device is down) or not a number.
std::optional<double> read_number(const std::filesystem::path& path);

// Like read_number, but a file that is not there or holds no number is a CollectorError.
double require_number(const std::filesystem::path& path);

// The first line of `path` without surrounding blanks; nullopt when unreadable.
std::optional<std::string> read_text(const std::filesystem::path& path);

// A hexadecimal field as /proc/net tables write them ("0005a59c"); nullopt if it is not one.
std::optional<double> hex_number(std::string_view text);

// The one-value readers above go through pseudo_files() (agent/metrics/pseudo_files.h): the
// descriptors of /proc and /sys files are kept open between scrapes.

// A directory of attribute files, opened once per scrape and its files read relative to it: the
// path to it (/sys/class/net/eth0, a symbolic link into /sys/devices) is resolved once, not per
// file, and the files' kept descriptors belong to this directory's identity (device, inode), not
// to its name, which a device renamed would pass on to another.
class AttributeDir {
 public:
  explicit AttributeDir(const std::filesystem::path& dir);
  ~AttributeDir();
  AttributeDir(const AttributeDir&) = delete;
  AttributeDir& operator=(const AttributeDir&) = delete;

  // As read_text, for `name` in this directory; nullopt also when the directory is absent.
  std::optional<std::string> read_text(const char* name) const;

 private:
  int fd_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

// Names of the entries of a directory, sorted; empty when the directory is absent.
// kNoRegularFiles leaves out the entries that are regular files themselves (a symbolic link to one
// is kept), as node_exporter's procfs lists /sys/class/net's devices beside bonding_masters.
enum class Listing { kAll, kNoRegularFiles };
std::vector<std::string> list_dir(const std::filesystem::path& path,
                                  Listing listing = Listing::kAll);

}  // namespace sahab::agent
