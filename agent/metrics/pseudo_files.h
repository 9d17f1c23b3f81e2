#pragma once
// Reading the /proc and /sys files of every scrape through descriptors kept open between scrapes.
// Opening one costs the kernel a walk of its path (/sys/class/net/eth0/mtu: five lookups and a
// symbolic link), which was most of a scrape's time (docs/benchmarks.md); reading a kept one
// again from offset 0 (pread) makes procfs and sysfs produce the file anew, as an open would.
#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sahab::agent {

class PseudoFiles {
 public:
  // Which files are kept open. Only procfs and sysfs files answer a pread from offset 0 with
  // what they hold now; a regular file (a fixture, /etc/os-release, a textfile *.prom) replaced
  // by rename would go on reading the old one, so it is opened on every read. kAnyFile is for
  // the tests of the keeping itself, on fixture trees.
  enum class Keep { kKernelFilesystems, kAnyFile };

  // At most `capacity` descriptors are kept (more files are opened on every read, as before);
  // one not read for `idle` is closed (a device gone, a file no collector reads any more).
  explicit PseudoFiles(std::size_t capacity, Keep keep = Keep::kKernelFilesystems,
                       std::chrono::milliseconds idle = std::chrono::minutes(10));
  ~PseudoFiles();
  PseudoFiles(const PseudoFiles&) = delete;
  PseudoFiles& operator=(const PseudoFiles&) = delete;

  // The whole file; nullopt when it cannot be opened or read (errno says why). A kept descriptor
  // whose file is gone (its device removed: ENODEV; its process exited: ESRCH) is closed and the
  // path opened again, so a file that disappears, or disappears and comes back, reads as it would
  // without keeping. A file whose read fails for now (EINVAL: the speed of a link that is down)
  // stays open and is read again next time.
  std::optional<std::string> read(const std::filesystem::path& path);

  // As read, for a procfs table whose lines are at most `longest_line` bytes (/proc/net/udp): a
  // read that the kernel stops short by more than a line is its end, so no read of an empty answer
  // follows, which some tables make as costly as the first (pseudo_files.cpp).
  std::optional<std::string> read_table(const std::filesystem::path& path,
                                        std::size_t longest_line);

  // The whole file `name` in the directory open as `dir_fd` (an O_PATH descriptor), which is the
  // directory (`device`, `inode`): kept descriptors are found by that identity, not by the
  // directory's path, so a network interface renamed and its old name taken by another is not
  // read through the first one's descriptors.
  std::optional<std::string> read_at(int dir_fd, dev_t device, ino_t inode, const char* name);

  // How many descriptors are kept now.
  std::size_t kept() const;

 private:
  struct Entry;
  std::optional<std::string> read(const std::string& key, int base, const char* relative,
                                  std::size_t longest_line);
  std::shared_ptr<Entry> find(const std::string& key);
  void keep(const std::string& key, const std::shared_ptr<Entry>& entry);
  void forget(const std::string& key, const std::shared_ptr<Entry>& entry);
  void sweep(std::chrono::steady_clock::time_point now);

  const std::size_t capacity_;
  const Keep keep_;
  const std::chrono::milliseconds idle_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;
  std::chrono::steady_clock::time_point last_sweep_;
};

// How many descriptors the agent keeps under a descriptor limit (RLIMIT_NOFILE's soft one): a
// quarter of it, 256 under the usual 1024, at most 512 (a large server's cpufreq, hwmon and
// netclass files), so the HTTP server's connections and the push never run short.
std::size_t capacity_for_limit(rlim_t descriptor_limit);

// The agent's one set of kept descriptors, shared by every collector.
PseudoFiles& pseudo_files();

// As common/file.h's try_read_file and read_file, through pseudo_files().
std::optional<std::string> try_read_pseudo_file(const std::filesystem::path& path);
std::string read_pseudo_file(const std::filesystem::path& path);

}  // namespace sahab::agent
