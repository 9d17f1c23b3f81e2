// ipvs: IP Virtual Server (the kernel load balancer behind keepalived) totals from
// /proc/net/ip_vs_stats and per-backend connections and weights from /proc/net/ip_vs, as
// node_exporter 1.5's collector/ipvs_linux.go: backends are labelled with
// --collector.ipvs.backend-labels (default: all six) and summed when two share those labels.
// Without IPVS there is no data (silently).
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

constexpr std::array<const char*, 6> kLabels = {"local_address", "local_port", "remote_address",
                                                "remote_port",   "proto",      "local_mark"};

// "C0A80016:0CEA" (IPv4, hexadecimal) or "[2620:0000:...:0001]:0050" (IPv6) -> address, port.
std::pair<std::string, std::string> address_port(std::string_view text, const std::string& where) {
  const auto colon = text.rfind(':');
  const auto port =
      colon == std::string_view::npos ? std::nullopt : hex_number(text.substr(colon + 1));
  if (!port) throw CollectorError(where + ": bad address '" + std::string(text) + "'");
  std::string host(text.substr(0, colon));
  char buffer[INET6_ADDRSTRLEN] = {};
  if (host.starts_with('[') && host.ends_with(']')) {
    in6_addr address{};
    if (::inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &address) != 1) {
      throw CollectorError(where + ": bad IPv6 address '" + host + "'");
    }
    ::inet_ntop(AF_INET6, &address, buffer, sizeof buffer);
  } else {
    const auto value = hex_number(host);
    if (!value || host.size() != 8)
      throw CollectorError(where + ": bad IPv4 address '" + host + "'");
    in_addr address{htonl(static_cast<uint32_t>(*value))};
    ::inet_ntop(AF_INET, &address, buffer, sizeof buffer);
  }
  return {buffer, std::to_string(static_cast<unsigned long long>(*port))};
}

}  // namespace

std::vector<std::string> ipvs_backend_labels(const std::string& list) {
  std::vector<std::string> labels;
  std::stringstream stream(list);
  for (std::string label; std::getline(stream, label, ',');) {
    if (std::find(kLabels.begin(), kLabels.end(), label) == kLabels.end()) {
      throw std::invalid_argument("unknown IPVS backend label '" + label + "'");
    }
    labels.push_back(label);
  }
  return labels;
}

namespace {

struct Backend {
  double active = 0, inactive = 0, weight = 0;
};

class IpvsCollector : public Collector {
 public:
  explicit IpvsCollector(const Paths& paths)
      : stats_(paths.proc("net/ip_vs_stats")),
        services_(paths.proc("net/ip_vs")),
        labels_(ipvs_backend_labels(paths.options.ipvs_backend_labels)) {}

  void collect(Exposition& out) const override {
    const auto stats = try_read_pseudo_file(stats_);
    if (!stats) return out.no_data();
    add_totals(*stats, out);
    const auto backends = read_backends();
    using prometheus::MetricType;
    FamilyBuilder active(out, "node_ipvs_backend_connections_active",
                         "The current active connections by local and remote address.",
                         MetricType::Gauge);
    FamilyBuilder inactive(out, "node_ipvs_backend_connections_inactive",
                           "The current inactive connections by local and remote address.",
                           MetricType::Gauge);
    FamilyBuilder weight(out, "node_ipvs_backend_weight",
                         "The current backend weight by local and remote address.",
                         MetricType::Gauge);
    for (const auto& [labels, backend] : backends) {
      active.add(labels, backend.active);
      inactive.add(labels, backend.inactive);
      weight.add(labels, backend.weight);
    }
  }

 private:
  // The third line holds the totals in hexadecimal: connections, packets in and out, bytes in
  // and out.
  void add_totals(const std::string& content, Exposition& out) const {
    std::vector<std::string_view> lines;
    text::for_each_line(content, [&](std::string_view line) { lines.push_back(line); });
    const auto f = lines.size() > 2 ? text::fields(lines[2]) : std::vector<std::string_view>{};
    std::array<double, 5> totals{};
    for (size_t i = 0; i < totals.size(); ++i) {
      const auto value = i < f.size() ? hex_number(f[i]) : std::nullopt;
      if (!value) throw CollectorError(stats_.string() + ": no totals on line 3");
      totals[i] = *value;
    }
    add_counter(out, "node_ipvs_connections_total", "The total number of connections made.",
                totals[0]);
    add_counter(out, "node_ipvs_incoming_packets_total", "The total number of incoming packets.",
                totals[1]);
    add_counter(out, "node_ipvs_outgoing_packets_total", "The total number of outgoing packets.",
                totals[2]);
    add_counter(out, "node_ipvs_incoming_bytes_total", "The total amount of incoming data.",
                totals[3]);
    add_counter(out, "node_ipvs_outgoing_bytes_total", "The total amount of outgoing data.",
                totals[4]);
  }

  // Services ("TCP  C0A80016:0CEA wlc", "FWM  10001000 wlc") each followed by their backends
  // ("  -> C0A85216:0CEA  Tunnel  100  248  2": address, forward, weight, active, inactive).
  std::map<Labels, Backend> read_backends() const {
    std::map<Labels, Backend> backends;
    const auto content = try_read_pseudo_file(services_);
    if (!content) return backends;
    std::map<std::string, std::string> service;
    size_t number = 0;
    text::for_each_line(*content, [&](std::string_view line) {
      if (++number <= 3) return;  // version and two header lines
      const auto f = text::fields(line);
      if (f.size() < 2) return;
      if (f[0] == "TCP" || f[0] == "UDP") {
        const auto [address, port] = address_port(f[1], services_.string());
        service = {{"local_address", address},
                   {"local_port", port},
                   {"proto", std::string(f[0])},
                   {"local_mark", ""}};
      } else if (f[0] == "FWM") {
        service = {{"local_address", ""},
                   {"local_port", "0"},
                   {"proto", "FWM"},
                   {"local_mark", std::string(f[1])}};
      } else if (f[0] == "->" && f.size() >= 6) {
        const auto [address, port] = address_port(f[1], services_.string());
        auto all = service;
        all["remote_address"] = address;
        all["remote_port"] = port;
        Labels labels;
        for (const auto& name : labels_) labels.push_back({name, all[name]});
        std::sort(labels.begin(), labels.end());
        Backend& backend = backends[labels];
        backend.weight += number_of(f[3]);
        backend.active += number_of(f[4]);
        backend.inactive += number_of(f[5]);
      }
    });
    return backends;
  }

  double number_of(std::string_view field) const {
    const auto value = text::to_double(field);
    if (!value)
      throw CollectorError(services_.string() + ": bad number '" + std::string(field) + "'");
    return *value;
  }

  std::filesystem::path stats_;
  std::filesystem::path services_;
  std::vector<std::string> labels_;
};

}  // namespace

std::unique_ptr<Collector> make_ipvs_collector(const Paths& paths) {
  return std::make_unique<IpvsCollector>(paths);
}

}  // namespace sahab::agent
