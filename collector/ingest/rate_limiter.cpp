#include "collector/ingest/rate_limiter.h"

#include <algorithm>

namespace sahab::collector {

RateLimiter::RateLimiter(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)) {}

bool RateLimiter::allow(std::int64_t agent_id, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = buckets_.try_emplace(agent_id, Bucket{burst_, now});
  Bucket& bucket = it->second;
  const std::chrono::duration<double> elapsed = now - bucket.updated;
  bucket.tokens = std::min(burst_, bucket.tokens + elapsed.count() * rate_);
  bucket.updated = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

}  // namespace sahab::collector
