#include "agent/metrics/pseudo_files.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

std::size_t open_descriptors() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    ++count;
  return count;
}

// A child that waits to be killed: its /proc/PID directory is a file set that goes away.
class Child {
 public:
  Child() : pid_(::fork()) {
    if (pid_ == 0) {
      ::pause();
      ::_exit(0);
    }
  }
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_;
};

// Sockets bound to loopback, each a line of this network namespace's /proc/net/udp.
class UdpSockets {
 public:
  explicit UdpSockets(int count) {
    for (int i = 0; i < count; ++i) {
      const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      REQUIRE(fd >= 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
      REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
      socklen_t size = sizeof address;
      REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
      fds_.push_back(fd);
      ports_.push_back(ntohs(address.sin_port));
    }
  }
  ~UdpSockets() {
    for (const int fd : fds_) ::close(fd);
  }
  UdpSockets(const UdpSockets&) = delete;
  UdpSockets& operator=(const UdpSockets&) = delete;
  // As /proc/net/udp writes a local port: ":" and four upper-case hexadecimal digits.
  std::vector<std::string> port_fields() const {
    std::vector<std::string> out;
    for (const int port : ports_) {
      char field[8];
      std::snprintf(field, sizeof field, ":%04X ", port);
      out.emplace_back(field);
    }
    return out;
  }

 private:
  std::vector<int> fds_;
  std::vector<int> ports_;
};

struct Dir {
  explicit Dir(const std::filesystem::path& path)
      : fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {
    struct stat identity {};
    REQUIRE(::fstat(fd, &identity) == 0);
    device = identity.st_dev;
    inode = identity.st_ino;
  }
  ~Dir() { ::close(fd); }
  Dir(const Dir&) = delete;
  Dir& operator=(const Dir&) = delete;
  int fd;
  dev_t device;
  ino_t inode;
};

}  // namespace

TEST_CASE("pseudo files: a /proc file is kept open and read anew from the start each time") {
  PseudoFiles files(8);
  const auto first = files.read("/proc/uptime");
  REQUIRE(first);
  CHECK(files.kept() == 1);
  const std::size_t descriptors = open_descriptors();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // uptime counts hundredths
  const auto second = files.read("/proc/uptime");
  REQUIRE(second);
  CHECK(*second != *first);
  CHECK(second->ends_with('\n'));
  CHECK(open_descriptors() == descriptors);  // no descriptor opened, none left behind
  CHECK(files.kept() == 1);
}

TEST_CASE("pseudo files: a kept sysfs attribute shows its new value on the next read") {
  const std::filesystem::path counter = "/sys/class/net/lo/statistics/tx_packets";
  PseudoFiles files(8);
  const auto before = files.read(counter);
  REQUIRE(before);
  CHECK(files.kept() == 1);
  // One datagram over loopback: lo's transmit counter moves.
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(9);  // discard: nobody needs to listen for the packet to be sent
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  CHECK(::sendto(fd, "x", 1, 0, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 1);
  ::close(fd);
  const auto after = files.read(counter);
  REQUIRE(after);
  CHECK(std::stoull(*after) > std::stoull(*before));
  CHECK(files.kept() == 1);
}

TEST_CASE("pseudo files: a regular file is opened on every read, so a file replaced reads new") {
  TempTree tree;
  tree.write("etc/os-release", "NAME=one\n");
  PseudoFiles files(8);
  CHECK(files.read(tree.base / "etc/os-release") == "NAME=one\n");
  CHECK(files.kept() == 0);
  tree.write("etc/os-release.new", "NAME=two\n");
  std::filesystem::rename(tree.base / "etc/os-release.new", tree.base / "etc/os-release");
  CHECK(files.read(tree.base / "etc/os-release") == "NAME=two\n");
  std::filesystem::remove(tree.base / "etc/os-release");
  CHECK_FALSE(files.read(tree.base / "etc/os-release"));
  CHECK(errno == ENOENT);
}

TEST_CASE("pseudo files: the kept file of a process that exits reads as absent and is closed") {
  Child child;
  REQUIRE(child.pid() > 0);
  PseudoFiles files(8);
  const std::filesystem::path comm = "/proc/" + std::to_string(child.pid()) + "/comm";
  REQUIRE(files.read(comm));
  CHECK(files.kept() == 1);
  child.stop();
  CHECK_FALSE(files.read(comm));
  CHECK(errno == ENOENT);  // from opening the path again, after ESRCH on the kept descriptor
  CHECK(files.kept() == 0);
}

TEST_CASE("pseudo files: a kept file whose read fails for now stays open and fails again") {
  PseudoFiles files(8);
  // Offset 0 of a process's memory is never mapped: EIO, an answer of the file, not its end.
  CHECK_FALSE(files.read("/proc/self/mem"));
  CHECK(errno == EIO);
  CHECK(files.kept() == 1);
  CHECK_FALSE(files.read("/proc/self/mem"));
  CHECK(errno == EIO);
  CHECK(files.kept() == 1);
}

TEST_CASE("pseudo files: files past the capacity are read but not kept") {
  PseudoFiles files(1);
  CHECK(files.read("/proc/uptime"));
  CHECK(files.read("/proc/loadavg"));
  CHECK(files.read("/proc/loadavg"));
  CHECK(files.kept() == 1);
}

TEST_CASE("pseudo files: a descriptor not read for the idle time is closed by a later read") {
  PseudoFiles files(8, PseudoFiles::Keep::kKernelFilesystems, std::chrono::milliseconds(50));
  REQUIRE(files.read("/proc/uptime"));
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  REQUIRE(files.read("/proc/loadavg"));
  CHECK(files.kept() == 1);  // uptime closed, loadavg kept
  REQUIRE(files.read("/proc/uptime"));
  CHECK(files.kept() == 2);
}

TEST_CASE("pseudo files: files longer than one read are read whole, up to 16 MiB") {
  CHECK(PseudoFiles(8).read("/proc/self/smaps").value_or("").size() > 8192);
  TempTree tree;
  const std::string large(100'000, 'x');
  tree.write("big", large);
  PseudoFiles files(8, PseudoFiles::Keep::kAnyFile);
  CHECK(files.read(tree.base / "big") == large);
  CHECK(files.read(tree.base / "big") == large);  // again, through the kept descriptor
  tree.write("huge", std::string(16 * 1024 * 1024 + 1, 'x'));
  CHECK_FALSE(files.read(tree.base / "huge"));
  CHECK(errno == EFBIG);
}

// Each read of /proc/net/udp walks the kernel's whole UDP hash table, the read of the empty
// answer after the last line too: read as a table of bounded lines, the short first answer ends it.
TEST_CASE("pseudo files: a procfs table of bounded lines ends at a short answer, one read") {
  PseudoFiles files(8);
  REQUIRE(files.read_table("/proc/loadavg", 128));  // opened and kept: not counted below
  REQUIRE(files.read("/proc/uptime"));
  CHECK(reads_made([&] { CHECK(files.read_table("/proc/loadavg", 128)); }) == 1);
  CHECK(reads_made([&] { CHECK(files.read("/proc/uptime")); }) == 2);  // up to an empty answer
  // Lines that may be as long as a page: a short answer is no proof of the end.
  CHECK(reads_made([&] { CHECK(files.read_table("/proc/loadavg", 4096)); }) == 2);
}

// The kernel stops a read of /proc/net/udp at the first line that does not fit its page: 80
// sockets make ~10 KB, three pages' worth of short answers, each to be followed.
TEST_CASE("pseudo files: a procfs table longer than a page is read whole as a table") {
  const UdpSockets sockets(80);
  PseudoFiles files(8);
  for (int round = 0; round < 2; ++round) {  // opened, then through the kept descriptor
    const auto table = files.read_table("/proc/self/net/udp", 256);
    REQUIRE(table);
    CHECK(table->size() > 3 * 4096 / 2);
    CHECK(table->ends_with('\n'));
    for (const auto& port : sockets.port_fields()) CHECK(table->find(port) != std::string::npos);
  }
}

// The first page is read on the stack and the rest into the string: the sizes around that edge.
TEST_CASE("pseudo files: files of one page, one byte less and one byte more are read whole") {
  TempTree tree;
  PseudoFiles files(8, PseudoFiles::Keep::kAnyFile);
  for (const std::size_t size : {std::size_t{0}, std::size_t{4095}, std::size_t{4096},
                                 std::size_t{4097}, std::size_t{8192}}) {
    std::string content(size, 'a');
    for (std::size_t i = 0; i < size; ++i) content[i] = static_cast<char>('a' + i % 26);
    const std::string name = "file" + std::to_string(size);
    tree.write(name, content);
    CHECK(files.read(tree.base / name) == content);
    CHECK(files.read(tree.base / name) == content);  // again, through the kept descriptor
  }
}

TEST_CASE("pseudo files: a directory's files are kept by its identity, not by its name") {
  // A network interface renamed and its old name taken by another: the new eth0 must not be
  // read through descriptors kept for the old one. Regular files stand in for sysfs here.
  TempTree tree;
  tree.write("net/eth0/mtu", "1500\n");
  PseudoFiles files(8, PseudoFiles::Keep::kAnyFile);
  {
    const Dir eth0(tree.base / "net/eth0");
    CHECK(files.read_at(eth0.fd, eth0.device, eth0.inode, "mtu") == "1500\n");
  }
  std::filesystem::rename(tree.base / "net/eth0", tree.base / "net/wan0");
  tree.write("net/eth0/mtu", "9000\n");
  const Dir eth0(tree.base / "net/eth0");
  CHECK(files.read_at(eth0.fd, eth0.device, eth0.inode, "mtu") == "9000\n");
  const Dir wan0(tree.base / "net/wan0");
  CHECK(files.read_at(wan0.fd, wan0.device, wan0.inode, "mtu") == "1500\n");
  CHECK(files.kept() == 2);
  CHECK_FALSE(files.read_at(-1, 0, 0, "mtu"));  // a directory that could not be opened
}

TEST_CASE("pseudo files: the agent keeps at most a quarter of its descriptor limit, 512 at most") {
  CHECK(capacity_for_limit(1024) == 256);
  CHECK(capacity_for_limit(65536) == 512);
  CHECK(capacity_for_limit(RLIM_INFINITY) == 512);
  CHECK(capacity_for_limit(8) == 2);
  CHECK(capacity_for_limit(3) == 0);  // keeps nothing: every read opens its file
}
