#include "common/file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/file_os.h"

namespace sahab {
namespace {

std::string errno_message(const std::string& action, const std::filesystem::path& path) {
  return action + " " + path.string() + ": " + std::strerror(errno);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

bool read_all(int fd, std::string& out) {
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

std::optional<std::string> try_read_file(const std::filesystem::path& path) {
  Fd fd(file_os::open_for_reading(path));
  if (fd.get() < 0) return std::nullopt;
  std::string content;
  if (!read_all(fd.get(), content)) return std::nullopt;
  return content;
}

std::string read_file(const std::filesystem::path& path) {
  Fd fd(file_os::open_for_reading(path));
  if (fd.get() < 0) throw FileError(errno_message("cannot open", path));
  std::string content;
  if (!read_all(fd.get(), content)) throw FileError(errno_message("cannot read", path));
  return content;
}

std::optional<std::string> try_read_line(const std::filesystem::path& path) {
  auto content = try_read_file(path);
  if (!content) return std::nullopt;
  const auto end = content->find('\n');
  if (end != std::string::npos) content->resize(end);
  return content;
}

void for_each_file_line(const std::filesystem::path& path,
                        const std::function<void(std::string_view)>& on_line) {
  constexpr size_t kChunk = 64 * 1024;
  Fd fd(file_os::open_for_reading(path));
  if (fd.get() < 0) throw FileError(errno_message("cannot open", path));
  std::vector<char> buffer(kChunk);
  size_t used = 0;  // bytes of an unfinished line kept at the front of the buffer
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data() + used, buffer.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw FileError(errno_message("cannot read", path));
    }
    if (n == 0) break;
    const std::string_view data(buffer.data(), used + static_cast<size_t>(n));
    size_t start = 0;
    for (size_t end; (end = data.find('\n', start)) != std::string_view::npos; start = end + 1) {
      on_line(data.substr(start, end - start));
    }
    used = data.size() - start;
    if (used == buffer.size()) throw FileError("line longer than 64 KiB in " + path.string());
    std::memmove(buffer.data(), buffer.data() + start, used);
  }
  if (used > 0) on_line(std::string_view(buffer.data(), used));
}

void write_file_atomic(const std::filesystem::path& path, const std::string& content,
                       std::filesystem::perms perms) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    Fd fd(file_os::create_for_writing(tmp));
    if (fd.get() < 0) throw FileError(errno_message("cannot create", tmp));
    size_t written = 0;
    while (written < content.size()) {
      const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw FileError(errno_message("cannot write", tmp));
      }
      written += static_cast<size_t>(n);
    }
    if (!file_os::sync(fd.get())) throw FileError(errno_message("cannot sync", tmp));
  }
  std::filesystem::permissions(tmp, perms);
  if (const auto problem = file_os::replace(tmp, path); !problem.empty())
    throw FileError("cannot rename " + tmp.string() + ": " + problem);
}

}  // namespace sahab
