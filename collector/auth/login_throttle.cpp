#include "collector/auth/login_throttle.h"

#include <algorithm>

#include "collector/store/login_failures.h"

namespace sahab::collector::auth {
namespace {

// Users and addresses share one table; the prefixes keep their keys apart.
std::string user_key(const std::string& user) { return "user:" + user; }
std::string address_key(const std::string& address) { return "addr:" + address; }

}  // namespace

LoginThrottle::LoginThrottle(Store& store, ThrottleOptions options,
                             std::function<std::int64_t()> now)
    : store_(store), options_(options), now_(std::move(now)) {}

std::int64_t LoginThrottle::retry_after(const std::string& user, const std::string& address) {
  const std::int64_t now = now_();
  const std::int64_t until = store_.read([&](Database& db) {
    return std::max(login_locked_until(db, user_key(user)),
                    login_locked_until(db, address_key(address)));
  });
  return std::max<std::int64_t>(0, until - now);
}

void LoginThrottle::record_failure(const std::string& user, const std::string& address) {
  const std::int64_t now = now_();
  // Pruned after counting: the counters just counted are the newest, never the ones dropped.
  store_.write([&](Database& db) {
    fail(db, user_key(user), options_.max_failures_per_user, now);
    fail(db, address_key(address), options_.max_failures_per_address, now);
    prune_login_failures(db, now, options_.window_seconds,
                         static_cast<std::int64_t>(options_.max_entries));
  });
}

void LoginThrottle::record_success(const std::string& user) {
  store_.write([&](Database& db) { forget_login_failures(db, user_key(user)); });
}

std::size_t LoginThrottle::entries() {
  return static_cast<std::size_t>(store_.read(login_failure_counters));
}

// A lock does not wipe the slate (count_login_failure starts over a window after the lock's
// end), so an attacker who waits out the longest lockout is locked again at once.
void LoginThrottle::fail(Database& db, const std::string& key, int max_failures,
                         std::int64_t now) const {
  const int failures = count_login_failure(db, key, now, options_.window_seconds);
  if (failures >= max_failures) lock_login(db, key, now + lockout_for(failures, max_failures));
}

// lockout, 2×lockout, 4×lockout… for the Nth, N+1th, N+2th… failure, at most the window (or the
// lockout itself when the window is shorter).
std::int64_t LoginThrottle::lockout_for(int failures, int max_failures) const {
  const std::int64_t cap = std::max(options_.window_seconds, options_.lockout_seconds);
  const int doublings = std::min(failures - max_failures, 30);
  return std::min(cap, options_.lockout_seconds << doublings);
}

}  // namespace sahab::collector::auth
