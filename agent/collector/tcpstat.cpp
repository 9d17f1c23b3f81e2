// tcpstat: node_tcp_connection_states{state} from /proc/net/tcp and /proc/net/tcp6, as
// node_exporter 1.5's collector/tcpstat_linux.go: one count per state seen, plus the summed
// rx_queued_bytes and tx_queued_bytes. Servers may hold 100,000s of connections, so the files are
// streamed in fixed-size chunks and each line is scanned in place, without allocating.
#include <array>
#include <charconv>
#include <string>

#include "agent/collector/collector.h"
#include "agent/collector/metric_builder.h"
#include "agent/collector/registry.h"
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

class TcpstatCollector : public Collector {
 public:
  explicit TcpstatCollector(const Paths& paths)
      : tcp_(paths.proc("net/tcp")), tcp6_(paths.proc("net/tcp6")) {}

  void collect(MetricFamilies& out) const override {
    Totals totals;
    add_file(tcp_, totals);
    if (std::filesystem::exists(tcp6_)) add_file(tcp6_, totals);  // absent without IPv6

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
      if (state > 0 && state < kStates.size()) totals.states[state] += 1;
      totals.tx_queued_bytes += static_cast<double>(tx);
      totals.rx_queued_bytes += static_cast<double>(rx);
    });
    if (line_number == 0) throw CollectorError(path.string() + " is empty");
  }

  std::filesystem::path tcp_;
  std::filesystem::path tcp6_;
};

}  // namespace

std::unique_ptr<Collector> make_tcpstat_collector(const Paths& paths) {
  return std::make_unique<TcpstatCollector>(paths);
}

}  // namespace sahab::agent
