#include "collector/auth/login_throttle.h"

#include <algorithm>

namespace sahab::collector::auth {
namespace {

// Users and addresses share one table; the prefixes keep their keys apart.
std::string user_key(const std::string& user) { return "user:" + user; }
std::string address_key(const std::string& address) { return "addr:" + address; }

}  // namespace

LoginThrottle::LoginThrottle(ThrottleOptions options, std::function<std::int64_t()> now)
    : options_(options), now_(std::move(now)) {}

std::int64_t LoginThrottle::retry_after(const std::string& user, const std::string& address) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = now_();
  return std::max(wait_for(user_key(user), now), wait_for(address_key(address), now));
}

void LoginThrottle::record_failure(const std::string& user, const std::string& address) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = now_();
  fail(user_key(user), options_.max_failures_per_user, now);
  fail(address_key(address), options_.max_failures_per_address, now);
}

void LoginThrottle::record_success(const std::string& user) {
  std::lock_guard lock(mutex_);
  forget(user_key(user));
}

std::size_t LoginThrottle::entries() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::int64_t LoginThrottle::wait_for(const std::string& key, std::int64_t now) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  const Counter& c = it->second.counter;
  if (c.locked_until > now) return c.locked_until - now;
  if (expired(c, now)) forget(key);
  return 0;
}

void LoginThrottle::fail(const std::string& key, int max_failures, std::int64_t now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    // The least recently failing counter makes room: a spray of made-up names cannot grow the
    // table, and what it evicts is what would expire first anyway.
    if (entries_.size() >= options_.max_entries && !order_.empty())
      forget(std::string(order_.front()));
    order_.push_back(key);
    it = entries_.emplace(key, Entry{{}, std::prev(order_.end())}).first;
  } else {
    order_.splice(order_.end(), order_, it->second.position);
  }
  Counter& c = it->second.counter;
  if (expired(c, now)) c.failures = 0;
  c.failures += 1;
  c.last_failure = now;
  if (c.failures >= max_failures) c.locked_until = now + lockout_for(c.failures, max_failures);
}

// A window has passed since the last failure and since the end of its lock: a lock does not
// wipe the slate, so an attacker who waits out the longest lockout is locked again at once.
bool LoginThrottle::expired(const Counter& c, std::int64_t now) const {
  return now - std::max(c.last_failure, c.locked_until) >= options_.window_seconds;
}

void LoginThrottle::forget(const std::string& key) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return;
  order_.erase(it->second.position);
  entries_.erase(it);
}

// lockout, 2×lockout, 4×lockout… for the Nth, N+1th, N+2th… failure, at most the window (or the
// lockout itself when the window is shorter).
std::int64_t LoginThrottle::lockout_for(int failures, int max_failures) const {
  const std::int64_t cap = std::max(options_.window_seconds, options_.lockout_seconds);
  const int doublings = std::min(failures - max_failures, 30);
  return std::min(cap, options_.lockout_seconds << doublings);
}

}  // namespace sahab::collector::auth
