// timex: node_timex_* from the adjtimex(2) system call (the kernel's clock discipline: offset,
// frequency, error bounds, PPS state, sync status), as node_exporter 1.5's collector/timex.go.
// There is nothing to read in /proc, so fixture trees cannot stand in for it.
#include <sys/timex.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"

namespace sahab::agent {
namespace {

// Frequencies come in parts per million with a 16-bit fraction.
constexpr double kPpm16Fraction = 1000000.0 * 65536.0;

class TimexCollector : public Collector {
 public:
  void collect(Exposition& out) const override {
    struct timex tx {};
    const int state = ::adjtimex(&tx);
    if (state < 0) {
      if (errno == EPERM) return out.no_data();
      throw CollectorError(std::string("adjtimex: ") + std::strerror(errno));
    }
    // offset and jitter are in nanoseconds when the kernel says STA_NANO, else microseconds.
    const double divisor = (tx.status & STA_NANO) ? 1e9 : 1e6;
    auto gauge = [&](const char* name, const char* help, double value) {
      add_gauge(out, std::string("node_timex_") + name, help, value);
    };
    auto counter = [&](const char* name, const char* help, double value) {
      add_counter(out, std::string("node_timex_") + name, help, value);
    };
    gauge("sync_status", "Is clock synchronized to a reliable server (1 = yes, 0 = no).",
          state == TIME_ERROR ? 0 : 1);
    gauge("offset_seconds", "Time offset in between local system and reference clock.",
          static_cast<double>(tx.offset) / divisor);
    gauge("frequency_adjustment_ratio", "Local clock frequency adjustment.",
          1 + static_cast<double>(tx.freq) / kPpm16Fraction);
    gauge("maxerror_seconds", "Maximum error in seconds.", static_cast<double>(tx.maxerror) / 1e6);
    gauge("estimated_error_seconds", "Estimated error in seconds.",
          static_cast<double>(tx.esterror) / 1e6);
    gauge("status", "Value of the status array bits.", tx.status);
    gauge("loop_time_constant", "Phase-locked loop time constant.",
          static_cast<double>(tx.constant));
    gauge("tick_seconds", "Seconds between clock ticks.", static_cast<double>(tx.tick) / 1e6);
    gauge("pps_frequency_hertz", "Pulse per second frequency.",
          static_cast<double>(tx.ppsfreq) / kPpm16Fraction);
    gauge("pps_jitter_seconds", "Pulse per second jitter.",
          static_cast<double>(tx.jitter) / divisor);
    gauge("pps_shift_seconds", "Pulse per second interval duration.", tx.shift);
    gauge("pps_stability_hertz", "Pulse per second stability, average of recent frequency changes.",
          static_cast<double>(tx.stabil) / kPpm16Fraction);
    counter("pps_jitter_total", "Pulse per second count of jitter limit exceeded events.",
            static_cast<double>(tx.jitcnt));
    counter("pps_calibration_total", "Pulse per second count of calibration intervals.",
            static_cast<double>(tx.calcnt));
    counter("pps_error_total", "Pulse per second count of calibration errors.",
            static_cast<double>(tx.errcnt));
    counter("pps_stability_exceeded_total",
            "Pulse per second count of stability limit exceeded events.",
            static_cast<double>(tx.stbcnt));
    gauge("tai_offset_seconds", "International Atomic Time (TAI) offset.", tx.tai);
  }
};

}  // namespace

std::unique_ptr<Collector> make_timex_collector(const Paths&) {
  return std::make_unique<TimexCollector>();
}

}  // namespace sahab::agent
