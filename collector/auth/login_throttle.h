#pragma once
// Throttles web UI sign-in attempts (docs/login-throttling.md): after too many failures for one
// user name, or from one client address, within a window, further attempts are refused for a
// delay that doubles with each further failure (capped at the window); after each delay one more
// attempt is allowed. Unknown user names are counted like known ones, so refusals never tell
// which names exist. The counters are in the store (collector/store/login_failures.h), so every
// collector on a shared PostgreSQL counts the failures made through the others. The table is
// bounded: counters are dropped a window after their last failure and lock, and past
// `max_entries` the least recently failing ones first.
#include <cstdint>
#include <functional>
#include <string>

#include "collector/store/store.h"

namespace sahab::collector::auth {

struct ThrottleOptions {
  int max_failures_per_user = 5;
  int max_failures_per_address = 20;  // higher: an office behind one NAT address shares it
  // Failures are forgotten this long after the last one and the end of its lock; also the longest
  // lockout.
  std::int64_t window_seconds = 15 * 60;
  std::int64_t lockout_seconds = 60;  // the first refusal; doubles per further failure
  std::size_t max_entries = 10'000;
};

class LoginThrottle {
 public:
  LoginThrottle(Store& store, ThrottleOptions options, std::function<std::int64_t()> now);

  // Seconds to wait before `user` may try again from `address`; 0 when an attempt is allowed.
  std::int64_t retry_after(const std::string& user, const std::string& address);
  // One store transaction for both counters.
  void record_failure(const std::string& user, const std::string& address);
  // A successful sign-in clears the user name's failures (not the address's).
  void record_success(const std::string& user);

  std::size_t entries();  // for tests: counters held

 private:
  void fail(Database& db, const std::string& key, int max_failures, std::int64_t now) const;
  std::int64_t lockout_for(int failures, int max_failures) const;

  Store& store_;
  ThrottleOptions options_;
  std::function<std::int64_t()> now_;
};

}  // namespace sahab::collector::auth
