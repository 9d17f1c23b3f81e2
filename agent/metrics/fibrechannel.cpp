// fibrechannel: node_fibrechannel_info and the port counters of each Fibre Channel host in
// /sys/class/fc_host, as node_exporter 1.5's collector/fibrechannel_linux.go (sysfs writes the
// counters and identifiers in 0x-prefixed hexadecimal; the identifiers lose the prefix). Without
// Fibre Channel there is no data (silently).
#include <array>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

struct Counter {
  const char* metric;  // node_fibrechannel_<metric>
  const char* file;    // in statistics/
  const char* help;
};

constexpr std::array<Counter, 13> kCounters = {{
    {"error_frames_total", "error_frames", "Number of errors in frames"},
    {"fcp_packet_aborts_total", "fcp_packet_aborts", "Number of aborted packets"},
    {"invalid_crc_total", "invalid_crc_count", "Invalid Cyclic Redundancy Check count"},
    {"invalid_tx_words_total", "invalid_tx_word_count",
     "Number of invalid words transmitted by host port"},
    {"link_failure_total", "link_failure_count", "Number of times the host port link has failed"},
    {"loss_of_signal_total", "loss_of_signal_count", "Number of times signal has been lost"},
    {"loss_of_sync_total", "loss_of_sync_count",
     "Number of failures on either bit or transmission word boundaries"},
    {"nos_total", "nos_count", "Number Not_Operational Primitive Sequence received by host port"},
    {"rx_frames_total", "rx_frames", "Number of frames received"},
    {"rx_words_total", "rx_words", "Number of words received by host port"},
    {"seconds_since_last_reset_total", "seconds_since_last_reset",
     "Number of seconds since last host port reset"},
    {"tx_frames_total", "tx_frames", "Number of frames transmitted by host port"},
    {"tx_words_total", "tx_words", "Number of words transmitted by host port"},
}};

constexpr std::array<const char*, 10> kInfo = {
    "dev_loss_tmo", "fabric_name", "port_id",           "port_name",        "port_state",
    "port_type",    "speed",       "supported_classes", "supported_speeds", "symbolic_name"};

class FibrechannelCollector : public Collector {
 public:
  explicit FibrechannelCollector(const Paths& paths) : dir_(paths.sys("class/fc_host")) {}

  void collect(Exposition& out) const override {
    if (!std::filesystem::is_directory(dir_)) return out.no_data();
    const auto hosts = list_dir(dir_);
    FamilyBuilder info(out, "node_fibrechannel_info",
                       "Non-numeric data from /sys/class/fc_host/<host>, value is always 1.",
                       prometheus::MetricType::Gauge);
    for (const auto& host : hosts) {
      Labels labels = {{"fc_host", host}};
      for (const char* field : kInfo) {
        std::string text = read_text(dir_ / host / field).value_or("");
        if (text.starts_with("0x")) text.erase(0, 2);
        labels.push_back({field, text});
      }
      info.add(std::move(labels), 1);
    }
    for (const auto& counter : kCounters) {
      FamilyBuilder family(out, std::string("node_fibrechannel_") + counter.metric, counter.help,
                           prometheus::MetricType::Counter);
      for (const auto& host : hosts) {
        const auto text = read_text(dir_ / host / "statistics" / counter.file);
        const auto value =
            text ? hex_number(text->starts_with("0x") ? text->substr(2) : *text) : std::nullopt;
        if (value) family.add({{"fc_host", host}}, *value);
      }
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_fibrechannel_collector(const Paths& paths) {
  return std::make_unique<FibrechannelCollector>(paths);
}

}  // namespace sahab::agent
