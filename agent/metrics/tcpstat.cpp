// tcpstat: node_tcp_connection_states{state} as node_exporter 1.5's collector/tcpstat_linux.go:
// one count per state seen, plus the summed rx_queued_bytes and tx_queued_bytes.
//
// On the live system (--path.procfs=/proc) the sockets come from the kernel's sock_diag netlink
// interface, as node_exporter 1.5 does: binary records instead of text the kernel must format
// (reading /proc/net/tcp costs ~1 ms per 1,000 sockets), and the same queue figures (sock_diag
// reports a listening socket's backlog limit as its send queue; /proc/net/tcp reports 0).
// Otherwise (fixture trees, or a kernel refusing sock_diag) /proc/net/tcp and /proc/net/tcp6 are
// read, streamed in fixed-size chunks and scanned in place, without allocating per line.
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "common/file.h"

namespace sahab::agent {
namespace {

// Index = the kernel's TCP state number (include/net/tcp_states.h).
constexpr std::array<const char*, 12> kStates = {
    nullptr,     "established", "syn_sent",   "syn_recv", "fin_wait1", "fin_wait2",
    "time_wait", "close",       "close_wait", "last_ack", "listen",    "closing"};

struct Totals {
  std::array<double, kStates.size()> states{};
  double rx_queued_bytes = 0;
  double tx_queued_bytes = 0;
};

// The next space-separated field of `line`, consumed from it.
std::string_view next_field(std::string_view& line) {
  const auto start = line.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  line.remove_prefix(start);
  const auto end = std::min(line.find(' '), line.size());
  const auto field = line.substr(0, end);
  line.remove_prefix(end);
  return field;
}

bool parse_hex(std::string_view text, unsigned long long& value) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
}

void count(Totals& totals, unsigned long long state, double rx, double tx) {
  if (state > 0 && state < kStates.size()) totals.states[state] += 1;
  totals.rx_queued_bytes += rx;
  totals.tx_queued_bytes += tx;
}

// Adds the TCP sockets of one address family as reported by sock_diag. Returns false when the
// kernel refuses the request (no sock_diag, or no such family, e.g. IPv6 disabled).
bool add_sock_diag(unsigned char family, Totals& totals) {
  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return false;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.request.sdiag_family = family;
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = ~0U;  // every state
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    return false;
  }

  Totals found = totals;  // committed only when the whole dump arrived
  std::vector<nlmsghdr> buffer(32 * 1024 / sizeof(nlmsghdr));  // aligned for the headers
  const auto bytes = reinterpret_cast<const char*>(buffer.data());
  for (;;) {
    const ssize_t received = ::recv(fd, buffer.data(), buffer.size() * sizeof(nlmsghdr), 0);
    if (received < 0 && errno == EINTR) continue;
    if (received <= 0) return false;
    size_t offset = 0;
    while (offset + sizeof(nlmsghdr) <= static_cast<size_t>(received)) {
      const auto* header = reinterpret_cast<const nlmsghdr*>(bytes + offset);
      if (header->nlmsg_len < sizeof(nlmsghdr) ||
          offset + header->nlmsg_len > static_cast<size_t>(received)) {
        throw CollectorError("sock_diag: truncated netlink message");
      }
      if (header->nlmsg_type == NLMSG_DONE) {
        totals = found;
        return true;
      }
      if (header->nlmsg_type == NLMSG_ERROR) return false;
      if (header->nlmsg_len >= NLMSG_LENGTH(sizeof(inet_diag_msg))) {
        const auto* socket = reinterpret_cast<const inet_diag_msg*>(NLMSG_DATA(header));
        count(found, socket->idiag_state, socket->idiag_rqueue, socket->idiag_wqueue);
      }
      offset += NLMSG_ALIGN(header->nlmsg_len);
    }
  }
}

class TcpstatCollector : public Collector {
 public:
  explicit TcpstatCollector(const Paths& paths)
      : tcp_(paths.proc("net/tcp")),
        tcp6_(paths.proc("net/tcp6")),
        live_(paths.procfs.lexically_normal() == "/proc" ||
              paths.procfs.lexically_normal() == "/proc/") {}

  void collect(Exposition& out) const override {
    Totals totals;
    if (!live_ || !add_sock_diag(AF_INET, totals)) {
      totals = {};
      add_file(tcp_, totals);
      if (std::filesystem::exists(tcp6_)) add_file(tcp6_, totals);  // absent without IPv6
    } else {
      add_sock_diag(AF_INET6, totals);  // refused when IPv6 is disabled: nothing to add
    }

    FamilyBuilder family(out, "node_tcp_connection_states", "Number of connection states.",
                         prometheus::MetricType::Gauge);
    for (size_t state = 1; state < kStates.size(); ++state) {
      if (totals.states[state] > 0) family.add({{"state", kStates[state]}}, totals.states[state]);
    }
    family.add({{"state", "rx_queued_bytes"}}, totals.rx_queued_bytes);
    family.add({{"state", "tx_queued_bytes"}}, totals.tx_queued_bytes);
  }

 private:
  // Lines look like "   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 ...":
  // field 3 is the state, field 4 is tx_queue:rx_queue, all hexadecimal.
  static void add_file(const std::filesystem::path& path, Totals& totals) {
    size_t line_number = 0;
    for_each_file_line(path, [&](std::string_view line) {
      if (++line_number == 1 || line.find_first_not_of(' ') == std::string_view::npos) return;
      std::string_view rest = line;
      for (int skipped = 0; skipped < 3; ++skipped) next_field(rest);
      const auto state_field = next_field(rest);
      const auto queues = next_field(rest);
      const auto colon = queues.find(':');
      unsigned long long state = 0, tx = 0, rx = 0;
      if (!parse_hex(state_field, state) || colon == std::string_view::npos ||
          !parse_hex(queues.substr(0, colon), tx) || !parse_hex(queues.substr(colon + 1), rx)) {
        throw CollectorError(path.string() + ":" + std::to_string(line_number) +
                             ": not a socket line: '" + std::string(line.substr(0, 80)) + "'");
      }
      count(totals, state, static_cast<double>(rx), static_cast<double>(tx));
    });
    if (line_number == 0) throw CollectorError(path.string() + " is empty");
  }

  std::filesystem::path tcp_;
  std::filesystem::path tcp6_;
  bool live_;  // reading this machine's /proc: ask sock_diag first
};

}  // namespace

std::unique_ptr<Collector> make_tcpstat_collector(const Paths& paths) {
  return std::make_unique<TcpstatCollector>(paths);
}

}  // namespace sahab::agent
