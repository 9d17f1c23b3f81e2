#pragma once
// Pure parsers for the text files the inventory reads. They never throw on bad input: they keep
// what they could read and note what they could not in `Problems`, so a truncated or damaged file
// still yields a partial inventory with a clear message. They depend on nothing but the standard
// library and common/text, so the fuzz targets (tests/fuzz/) link them alone.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::agent::inventory {

// Problems met while collecting, capped so that a garbage file cannot bloat the inventory.
class Problems {
 public:
  static constexpr std::size_t kMax = 20;
  void add(std::string message);
  const std::vector<std::string>& messages() const { return messages_; }
  std::size_t dropped() const { return dropped_; }
  bool empty() const { return messages_.empty(); }

 private:
  std::vector<std::string> messages_;
  std::size_t dropped_ = 0;
};

// /etc/os-release: KEY=value lines, values optionally quoted with shell-style escapes.
std::map<std::string, std::string> parse_os_release(std::string_view content, Problems& problems);

struct Package {
  std::string name;
  std::string version;
  std::string arch;
  std::string status;  // dpkg's status word: "installed", "config-files", ...; rpm: "installed"

  auto operator<=>(const Package&) const = default;
};

// /var/lib/dpkg/status: every package dpkg knows except "not-installed" ones, as `dpkg-query -W`.
std::vector<Package> parse_dpkg_status(std::string_view content, Problems& problems);

// The output of `rpm -qa --queryformat '%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}\n'`.
std::vector<Package> parse_rpm_query(std::string_view content, Problems& problems);

// The upstream part of a dpkg or rpm version: no epoch, no packaging revision ("1:15.4-1" ->
// "15.4").
std::string upstream_version(std::string_view version);

// One line of /proc/net/{tcp,tcp6,udp,udp6}.
struct SocketEntry {
  std::string local_address;  // printable: "127.0.0.1", "::1"
  std::uint16_t local_port = 0;
  std::string remote_address;
  std::uint16_t remote_port = 0;
  int state = 0;  // kernel TCP state number: 1 established, 10 listen; UDP unconnected is 7
  std::uint64_t inode = 0;
};
inline constexpr int kTcpEstablished = 1;
inline constexpr int kTcpListen = 10;
inline constexpr int kUdpUnconnected = 7;

// An address in network order (4 or 16 bytes) as inet_ntop writes it: dotted IPv4; IPv6 per
// RFC 5952 (lower case, the longest run of two or more zero groups as "::"), IPv4-mapped ones as
// "::ffff:a.b.c.d". Written out so that the Linux and the Windows agents name addresses alike.
std::string address_text(const unsigned char* address, bool ipv6);

// Lines whose state bit is not in `state_mask` (bit n = state n) are skipped early.
std::vector<SocketEntry> parse_proc_net(std::string_view content, bool ipv6, Problems& problems,
                                        std::uint32_t state_mask = ~0u);

struct CpuInfo {
  std::string model;
  int sockets = 0;
  int cores = 0;
  int threads = 0;
  double mhz = 0;
  bool hypervisor = false;  // the "hypervisor" CPU flag: running under some virtual machine
};

CpuInfo parse_cpuinfo(std::string_view content, Problems& problems);

}  // namespace sahab::agent::inventory
