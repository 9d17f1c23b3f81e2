// The platform-independent half of the utilisation readings: samples (ratios and rates) from two
// readings, whichever platform took them (readings_linux.cpp, readings_windows.cpp).
#include "agent/utilisation/readings.h"

#include <algorithm>
#include <chrono>

#include "common/protocol/report.h"

namespace sahab::agent::utilisation {
namespace {

// Rate of a counter between two readings; nullopt if it went backwards.
std::optional<double> rate(std::uint64_t before, std::uint64_t after, double seconds) {
  if (after < before || seconds <= 0) return std::nullopt;
  return static_cast<double>(after - before) / seconds;
}

}  // namespace

double monotonic_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

namespace report = protocol::report;
namespace metric = protocol::report::metric;

std::map<std::string, double> sample_between(const Reading& previous, const Reading& current) {
  std::map<std::string, double> sample;
  const double seconds = current.monotonic_seconds - previous.monotonic_seconds;
  auto put = [&](const report::UtilisationMetric& metric, std::optional<double> value) {
    if (value) sample[std::string(metric.name)] = *value;
  };
  if (previous.cpu && current.cpu && current.cpu->total > previous.cpu->total &&
      current.cpu->busy >= previous.cpu->busy) {
    put(metric::kCpuRatio, static_cast<double>(current.cpu->busy - previous.cpu->busy) /
                               static_cast<double>(current.cpu->total - previous.cpu->total));
  }
  if (const auto& m = current.memory) {
    put(metric::kMemoryRatio, 1.0 - static_cast<double>(std::min(m->available, m->total)) /
                                        static_cast<double>(m->total));
    if (m->swap_known) {
      put(metric::kSwapRatio,
          m->swap_total == 0 ? 0.0
                             : 1.0 - static_cast<double>(std::min(m->swap_free, m->swap_total)) /
                                         static_cast<double>(m->swap_total));
    }
  }
  if (previous.disk && current.disk) {
    const auto &a = *previous.disk, &b = *current.disk;
    put(metric::kDiskReadIops, rate(a.reads, b.reads, seconds));
    put(metric::kDiskWriteIops, rate(a.writes, b.writes, seconds));
    put(metric::kDiskReadBytes, rate(a.read_bytes, b.read_bytes, seconds));
    put(metric::kDiskWriteBytes, rate(a.write_bytes, b.write_bytes, seconds));
  }
  if (previous.network && current.network) {
    const auto &a = *previous.network, &b = *current.network;
    put(metric::kNetworkReceiveBytes, rate(a.receive_bytes, b.receive_bytes, seconds));
    put(metric::kNetworkTransmitBytes, rate(a.transmit_bytes, b.transmit_bytes, seconds));
  }
  put(metric::kFilesystemUsedRatio, current.filesystem_used_ratio);
  return sample;
}

}  // namespace sahab::agent::utilisation
