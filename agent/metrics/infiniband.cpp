// infiniband: node_infiniband_* for each port of each InfiniBand / Omni-Path adapter in
// /sys/class/infiniband, as node_exporter 1.5's collector/infiniband_linux.go with
// prometheus/procfs 0.8's parser: the adapter's info, each port's state, physical state and rate
// (Gb/s as bytes/s), and its counters (data counters count 4-byte words: bytes are 4 times them;
// "legacy" ones come from counters_ext). Counters a port does not have, or reports as "N/A", are
// left out. Without InfiniBand there is no data (silently).
#include <array>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

struct Counter {
  const char* metric;  // node_infiniband_<metric>
  const char* file;    // under ports/<port>/
  double factor;
  const char* help;
};

constexpr std::array<Counter, 30> kCounters = {{
    {"excessive_buffer_overrun_errors_total", "counters/excessive_buffer_overrun_errors", 1,
     "Number of times that OverrunErrors consecutive flow control update periods occurred, each "
     "having at least one overrun error."},
    {"link_downed_total", "counters/link_downed", 1,
     "Number of times the link failed to recover from an error state and went down"},
    {"link_error_recovery_total", "counters/link_error_recovery", 1,
     "Number of times the link successfully recovered from an error state"},
    {"local_link_integrity_errors_total", "counters/local_link_integrity_errors", 1,
     "Number of times that the count of local physical errors exceeded the threshold specified by "
     "LocalPhyErrors."},
    {"multicast_packets_received_total", "counters/multicast_rcv_packets", 1,
     "Number of multicast packets received (including errors)"},
    {"multicast_packets_transmitted_total", "counters/multicast_xmit_packets", 1,
     "Number of multicast packets transmitted (including errors)"},
    {"port_constraint_errors_received_total", "counters/port_rcv_constraint_errors", 1,
     "Number of packets received on the switch physical port that are discarded"},
    {"port_constraint_errors_transmitted_total", "counters/port_xmit_constraint_errors", 1,
     "Number of packets not transmitted from the switch physical port"},
    {"port_data_received_bytes_total", "counters/port_rcv_data", 4,
     "Number of data octets received on all links"},
    {"port_data_transmitted_bytes_total", "counters/port_xmit_data", 4,
     "Number of data octets transmitted on all links"},
    {"port_discards_received_total", "counters/port_rcv_discards", 1,
     "Number of inbound packets discarded by the port because the port is down or congested"},
    {"port_discards_transmitted_total", "counters/port_xmit_discards", 1,
     "Number of outbound packets discarded by the port because the port is down or congested"},
    {"port_errors_received_total", "counters/port_rcv_errors", 1,
     "Number of packets containing an error that were received on this port"},
    {"port_packets_received_total", "counters/port_rcv_packets", 1,
     "Number of packets received on all VLs by this port (including errors)"},
    {"port_packets_transmitted_total", "counters/port_xmit_packets", 1,
     "Number of packets transmitted on all VLs from this port (including errors)"},
    {"port_receive_remote_physical_errors_total", "counters/port_rcv_remote_physical_errors", 1,
     "Number of packets marked with the EBP (End of Bad Packet) delimiter received on the port."},
    {"port_receive_switch_relay_errors_total", "counters/port_rcv_switch_relay_errors", 1,
     "Number of packets that could not be forwarded by the switch."},
    {"port_transmit_wait_total", "counters/port_xmit_wait", 1,
     "Number of ticks during which the port had data to transmit but no data was sent during the "
     "entire tick"},
    {"symbol_error_total", "counters/symbol_error", 1,
     "Number of minor link errors detected on one or more physical lanes."},
    {"unicast_packets_received_total", "counters/unicast_rcv_packets", 1,
     "Number of unicast packets received (including errors)"},
    {"unicast_packets_transmitted_total", "counters/unicast_xmit_packets", 1,
     "Number of unicast packets transmitted (including errors)"},
    {"vl15_dropped_total", "counters/VL15_dropped", 1,
     "Number of incoming VL15 packets dropped due to resource limitations."},
    {"legacy_data_received_bytes_total", "counters_ext/port_rcv_data_64", 4,
     "Number of data octets received on all links"},
    {"legacy_data_transmitted_bytes_total", "counters_ext/port_xmit_data_64", 4,
     "Number of data octets transmitted on all links"},
    {"legacy_multicast_packets_received_total", "counters_ext/port_multicast_rcv_packets", 1,
     "Number of multicast packets received"},
    {"legacy_multicast_packets_transmitted_total", "counters_ext/port_multicast_xmit_packets", 1,
     "Number of multicast packets transmitted"},
    {"legacy_packets_received_total", "counters_ext/port_rcv_packets_64", 1,
     "Number of data packets received on all links"},
    {"legacy_packets_transmitted_total", "counters_ext/port_xmit_packets_64", 1,
     "Number of data packets received on all links"},
    {"legacy_unicast_packets_received_total", "counters_ext/port_unicast_rcv_packets", 1,
     "Number of unicast packets received"},
    {"legacy_unicast_packets_transmitted_total", "counters_ext/port_unicast_xmit_packets", 1,
     "Number of unicast packets transmitted"},
}};

// "4: ACTIVE" -> 4.
std::optional<double> state_id(const std::filesystem::path& path) {
  const auto text = read_text(path);
  if (!text) return std::nullopt;
  const auto colon = text->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return text::to_double(text->substr(0, colon));
}

// "100 Gb/sec (4X EDR)" -> 12.5e9 bytes per second.
std::optional<double> rate(const std::filesystem::path& path) {
  const auto text = read_text(path);
  const auto space = text ? text->find(' ') : std::string::npos;
  if (space == std::string::npos) return std::nullopt;
  const auto gigabits = text::to_double(text->substr(0, space));
  if (!gigabits) return std::nullopt;
  return static_cast<double>(static_cast<unsigned long long>(*gigabits * 125000000));
}

class InfinibandCollector : public Collector {
 public:
  explicit InfinibandCollector(const Paths& paths) : dir_(paths.sys("class/infiniband")) {}

  void collect(Exposition& out) const override {
    if (!std::filesystem::is_directory(dir_)) return out.no_data();
    FamilySet families(out);
    for (const auto& device : list_dir(dir_)) {
      const auto dir = dir_ / device;
      const auto text = [&](const char* file) { return read_text(dir / file).value_or(""); };
      families.add("node_infiniband_info",
                   "Non-numeric data from /sys/class/infiniband/<device>, value is always 1.",
                   {{"board_id", text("board_id")},
                    {"device", device},
                    {"firmware_version", text("fw_ver")},
                    {"hca_type", text("hca_type")}},
                   1);
      for (const auto& port : list_dir(dir / "ports")) add_port(families, device, port);
    }
  }

 private:
  void add_port(FamilySet& families, const std::string& device, const std::string& port) const {
    const auto dir = dir_ / device / "ports" / port;
    const Labels labels = {{"device", device}, {"port", port}};
    if (const auto id = state_id(dir / "state")) {
      families.add("node_infiniband_state_id",
                   "State of the InfiniBand port (0: no change, 1: down, 2: init, 3: armed, 4: "
                   "active, 5: act defer)",
                   labels, *id);
    }
    if (const auto id = state_id(dir / "phys_state")) {
      families.add("node_infiniband_physical_state_id",
                   "Physical state of the InfiniBand port (0: no change, 1: sleep, 2: polling, 3: "
                   "disable, 4: shift, 5: link up, 6: link error recover, 7: phytest)",
                   labels, *id);
    }
    if (const auto bytes = rate(dir / "rate")) {
      families.add("node_infiniband_rate_bytes_per_second", "Maximum signal transfer rate", labels,
                   *bytes);
    }
    for (const auto& counter : kCounters) {
      if (const auto value = read_number(dir / counter.file)) {
        families.add(std::string("node_infiniband_") + counter.metric, counter.help, labels,
                     *value * counter.factor, prometheus::MetricType::Counter);
      }
    }
  }

  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_infiniband_collector(const Paths& paths) {
  return std::make_unique<InfinibandCollector>(paths);
}

}  // namespace sahab::agent
