#pragma once
// Per-agent token buckets: an agent may push `burst` batches back to back (a spool replay), then
// `rate` per second. Beyond that the collector answers 429 and the agent retries later.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace sahab::collector {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double rate_per_second, double burst);
  bool allow(std::int64_t agent_id, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  double rate_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, Bucket> buckets_;
};

}  // namespace sahab::collector
