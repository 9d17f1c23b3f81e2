#include "agent/metrics/pseudo_files.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/file.h"

namespace sahab::agent {
namespace {

// A file larger than this is refused (EFBIG) rather than held in memory: no /proc or /sys file
// a collector reads whole comes near it (the large socket tables are read line by line).
constexpr std::size_t kMaxBytes = 16 * 1024 * 1024;
// The kernel's smallest page, the least a seq_file buffers per read, and this reader's first read.
constexpr std::size_t kPage = 4096;
constexpr std::size_t kAnyShortRead = kMaxBytes;
// pread, again when interrupted.
ssize_t read_at_offset(int fd, char* buffer, std::size_t size, std::size_t offset) {
  for (;;) {
    const ssize_t n = ::pread(fd, buffer, size, static_cast<off_t>(offset));
    if (n >= 0 || errno != EINTR) return n;
  }
}

// Whether a read that answered `n` bytes of `asked` ended the file (read_from_start).
bool is_end(ssize_t n, std::size_t asked, std::size_t short_end) {
  const auto got = static_cast<std::size_t>(n);
  return got == 0 || (got < asked && got <= short_end);
}

// The whole file from offset 0. A read that stops short of what was asked may be the file's end,
// saving the read of an empty answer, which procfs makes cost as much as a first one for some
// tables (each read of /proc/net/udp walks the kernel's whole UDP hash table): `short_end` is
// the longest short answer known to be the end (0: none, read up to an empty answer). A sysfs
// attribute is one page at most, produced whole by the first read, so any shorter answer is its
// end; procfs's seq_files stop a read short at the end or at a record that does not fit the
// kernel's buffer of a page or more (/proc/self/smaps), so for a table of lines of at most L
// bytes an answer of up to a page minus L is its end. Read first into a page on the stack, and
// the string made at its final size: most files fit there (a sysfs value even fits in the string
// itself), and a scrape's ~150 reads no longer allocate and clear a page of heap each.
std::optional<std::string> read_from_start(int fd, std::size_t short_end) {
  char page[kPage];
  std::size_t used = 0;
  for (;;) {
    const std::size_t asked = sizeof page - used;
    const ssize_t n = read_at_offset(fd, page + used, asked, used);
    if (n < 0) return std::nullopt;
    used += static_cast<std::size_t>(n);
    if (is_end(n, asked, short_end)) return std::string(page, used);
    if (used == sizeof page) break;
  }
  std::string content(page, used);
  for (;;) {
    if (used == content.size()) {
      if (content.size() >= kMaxBytes) {
        errno = EFBIG;
        return std::nullopt;
      }
      content.resize(content.size() * 2);
    }
    const std::size_t asked = content.size() - used;
    const ssize_t n = read_at_offset(fd, content.data() + used, asked, used);
    if (n < 0) return std::nullopt;
    used += static_cast<std::size_t>(n);
    if (is_end(n, asked, short_end)) break;
  }
  content.resize(used);
  return content;
}

// Errors after which a kept descriptor no longer reads the file its path names: its device was
// removed (ENODEV), its process exited (ESRCH), its sysctl was unregistered (ENOENT). Others,
// such as EINVAL from the speed of a link that is down, are the file's answer for now.
bool gone(int error) { return error == ENODEV || error == ESRCH || error == ENOENT; }

enum class Filesystem { kProc, kSys, kOther };

Filesystem filesystem_of(int fd) {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return Filesystem::kOther;
  if (fs.f_type == PROC_SUPER_MAGIC) return Filesystem::kProc;
  if (fs.f_type == SYSFS_MAGIC) return Filesystem::kSys;
  return Filesystem::kOther;
}

// See read_from_start. `longest_line`: 0 for a file that is not known to be a table of lines.
std::size_t short_end(Filesystem filesystem, std::size_t longest_line) {
  if (filesystem == Filesystem::kSys) return kAnyShortRead;
  if (filesystem == Filesystem::kProc && longest_line > 0 && longest_line < kPage)
    return kPage - longest_line;
  return 0;
}

}  // namespace

struct PseudoFiles::Entry {
  Entry(int descriptor, Filesystem on) : fd(descriptor), filesystem(on) {}
  ~Entry() {
    const int error = errno;  // callers report the errno of the failed read, not of close()
    ::close(fd);
    errno = error;
  }
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  const int fd;
  const Filesystem filesystem;
  std::chrono::steady_clock::time_point last_used;
};

PseudoFiles::PseudoFiles(std::size_t capacity, Keep keep, std::chrono::milliseconds idle)
    : capacity_(capacity),
      keep_(keep),
      idle_(idle),
      last_sweep_(std::chrono::steady_clock::now()) {}

PseudoFiles::~PseudoFiles() = default;

std::optional<std::string> PseudoFiles::read(const std::filesystem::path& path) {
  return read(path.string(), AT_FDCWD, path.c_str(), 0);
}

std::optional<std::string> PseudoFiles::read_table(const std::filesystem::path& path,
                                                   std::size_t longest_line) {
  return read(path.string(), AT_FDCWD, path.c_str(), longest_line);
}

std::optional<std::string> PseudoFiles::read_at(int dir_fd, dev_t device, ino_t inode,
                                                const char* name) {
  if (dir_fd < 0) return std::nullopt;
  return read(std::to_string(device) + ':' + std::to_string(inode) + '/' + name, dir_fd, name, 0);
}

std::size_t PseudoFiles::kept() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

// The descriptor is shared with the map, not borrowed from it: a sweep or a failed read on
// another thread may drop it from the map while this read still uses it.
std::optional<std::string> PseudoFiles::read(const std::string& key, int base, const char* relative,
                                             std::size_t longest_line) {
  if (const auto entry = find(key)) {
    auto content = read_from_start(entry->fd, short_end(entry->filesystem, longest_line));
    if (content || !gone(errno)) return content;
    forget(key, entry);
  }
  const int fd = ::openat(base, relative, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  const Filesystem filesystem = filesystem_of(fd);
  const auto entry = std::make_shared<Entry>(fd, filesystem);
  auto content = read_from_start(fd, short_end(filesystem, longest_line));
  const int error = errno;
  if ((content || !gone(error)) && (keep_ == Keep::kAnyFile || filesystem != Filesystem::kOther)) {
    keep(key, entry);
  }
  errno = error;
  return content;
}

std::shared_ptr<PseudoFiles::Entry> PseudoFiles::find(const std::string& key) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (now - last_sweep_ >= idle_ / 10) sweep(now);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  it->second->last_used = now;
  return it->second;
}

void PseudoFiles::keep(const std::string& key, const std::shared_ptr<Entry>& entry) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) return;  // read by path from now on, as before keeping
  entry->last_used = std::chrono::steady_clock::now();
  entries_.emplace(key, entry);
}

void PseudoFiles::forget(const std::string& key, const std::shared_ptr<Entry>& entry) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it != entries_.end() && it->second == entry) entries_.erase(it);
}

void PseudoFiles::sweep(std::chrono::steady_clock::time_point now) {
  last_sweep_ = now;
  std::erase_if(entries_, [&](const auto& item) { return now - item.second->last_used > idle_; });
}

std::size_t capacity_for_limit(rlim_t descriptor_limit) {
  constexpr std::size_t kMost = 512;
  if (descriptor_limit == RLIM_INFINITY) return kMost;
  return std::min<std::size_t>(kMost, static_cast<std::size_t>(descriptor_limit / 4));
}

PseudoFiles& pseudo_files() {
  // Ten minutes idle: longer than any scrape interval, so what every scrape reads stays open.
  static PseudoFiles files([] {
    struct rlimit limit {};
    return capacity_for_limit(::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur
                                                                      : RLIM_INFINITY);
  }());
  return files;
}

std::optional<std::string> try_read_pseudo_file(const std::filesystem::path& path) {
  return pseudo_files().read(path);
}

std::string read_pseudo_file(const std::filesystem::path& path) {
  auto content = pseudo_files().read(path);
  if (!content) throw FileError("cannot read " + path.string() + ": " + std::strerror(errno));
  return std::move(*content);
}

}  // namespace sahab::agent
