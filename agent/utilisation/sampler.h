#pragma once
// The sampler thread: every sample_interval it takes a reading, turns it into a sample against
// the previous reading, feeds the connection tracker (so short-lived connections become edges),
// and every report_interval closes a Summary into the ring.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "agent/metrics/collector.h"
#include "agent/utilisation/readings.h"
#include "agent/utilisation/summary.h"

namespace sahab::agent {
class DurationHistogram;  // agent/self_metrics.h
}

namespace sahab::agent::utilisation {

struct SamplerOptions {
  std::chrono::milliseconds sample_interval{15'000};
  std::chrono::milliseconds report_interval{60'000};
  std::size_t ring_capacity = 1440;  // one day of 60 s summaries
};

class Sampler {
 public:
  // `extra` runs after each reading (the connection tracker); `duration` (optional) observes how
  // long each sample took, in seconds.
  Sampler(Paths paths, SamplerOptions options, std::function<void()> extra = {},
          DurationHistogram* duration = nullptr);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  void start();
  void stop();  // closes the current window into the ring if it holds samples

  // One sampling step; the first call only takes the baseline reading.
  void sample();
  // Closes the current window into the ring (nothing if it has no samples); returns its sequence.
  std::optional<std::uint64_t> close_window();

  SummaryRing& ring() { return ring_; }

 private:
  void run();

  Paths paths_;
  SamplerOptions options_;
  std::function<void()> extra_;
  DurationHistogram* duration_;
  SummaryRing ring_;

  std::mutex mutex_;  // guards previous_ and current_
  std::optional<Reading> previous_;
  std::int64_t previous_wall_ = 0;  // unix seconds of previous_
  Summary current_;

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// --once: one summary of two readings a second apart (long enough for meaningful rates), as
// JSON; null when the two readings gave no sample.
nlohmann::json summary_of_one_second(const Paths& paths);

}  // namespace sahab::agent::utilisation
