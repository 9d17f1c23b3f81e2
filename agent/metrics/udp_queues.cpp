// udp_queues: node_udp_queues{ip,queue} from /proc/net/udp and /proc/net/udp6, the bytes queued
// for sending (tx) and reading (rx) summed over sockets, as node_exporter 1.5's
// collector/udp_queues_linux.go. A missing file (IPv6 disabled) is skipped.
#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

// A socket's line: ~128 bytes for IPv4 (padded to that width), ~170 for IPv6, every field bounded
// by its format (the kernel's __ip6_dgram_sock_seq_show).
constexpr std::size_t kLongestSocketLine = 256;

class UdpQueuesCollector : public Collector {
 public:
  explicit UdpQueuesCollector(const Paths& paths)
      : files_{{{"v4", paths.proc("net/udp")}, {"v6", paths.proc("net/udp6")}}} {}

  void collect(Exposition& out) const override {
    FamilyBuilder family(out, "node_udp_queues",
                         "Number of allocated memory in the kernel for UDP datagrams in bytes.",
                         prometheus::MetricType::Gauge);
    bool any = false;
    for (const auto& [ip, path] : files_) {
      // Read whole through a kept descriptor, as node_exporter reads it: opening the file and
      // reading it in 64 KiB chunks mapped and cleared a buffer twice a scrape, and each open
      // made the kernel walk the UDP hash table once more; as a table, without the read of an
      // empty answer that walks it again (docs/benchmarks.md).
      const auto content = pseudo_files().read_table(path, kLongestSocketLine);
      if (!content && errno == ENOENT) continue;
      if (!content)
        throw CollectorError("cannot read " + path.string() + ": " + std::strerror(errno));
      any = true;
      double tx = 0, rx = 0;
      sum_queues(*content, path, tx, rx);
      family.add({{"ip", ip}, {"queue", "rx"}}, rx);
      family.add({{"ip", ip}, {"queue", "tx"}}, tx);
    }
    if (!any) return out.no_data();
  }

 private:
  // Socket lines look like "   0: 00000000:0044 00000000:0000 07 00000000:00000000 ...": the
  // fifth field is tx_queue:rx_queue in hexadecimal.
  static void sum_queues(std::string_view content, const std::filesystem::path& path, double& tx,
                         double& rx) {
    size_t line_number = 0;
    text::for_each_line(content, [&](std::string_view line) {
      if (++line_number == 1) return;
      const auto f = text::fields(line);
      if (f.empty()) return;
      const auto colon = f.size() > 4 ? f[4].find(':') : std::string_view::npos;
      const auto t =
          colon != std::string_view::npos ? hex_number(f[4].substr(0, colon)) : std::nullopt;
      const auto r = t ? hex_number(f[4].substr(colon + 1)) : std::nullopt;
      if (!r) {
        throw CollectorError(path.string() + ":" + std::to_string(line_number) +
                             ": not a socket line");
      }
      tx += *t;
      rx += *r;
    });
  }

  std::array<std::pair<std::string, std::filesystem::path>, 2> files_;
};

}  // namespace

std::unique_ptr<Collector> make_udp_queues_collector(const Paths& paths) {
  return std::make_unique<UdpQueuesCollector>(paths);
}

}  // namespace sahab::agent
