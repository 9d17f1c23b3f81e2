#include "collector/auth/login_throttle.h"

#include <doctest/doctest.h>

#include <thread>

#include "unit/collector/temp_store.h"

using sahab::collector::auth::LoginThrottle;
using sahab::collector::auth::ThrottleOptions;

namespace {

ThrottleOptions small_options() {
  ThrottleOptions o;
  o.max_failures_per_user = 3;
  o.max_failures_per_address = 5;
  o.window_seconds = 900;
  o.lockout_seconds = 60;
  o.max_entries = 100;
  return o;
}

}  // namespace

TEST_CASE("throttle: the Nth failure for a user locks it, with a delay doubling per failure") {
  std::int64_t now = 1000;
  sahab::testing::TempStore tmp;
  LoginThrottle throttle(tmp.store, small_options(), [&now] { return now; });
  for (int i = 0; i < 2; ++i) {
    CHECK(throttle.retry_after("vera", "10.0.0.1") == 0);
    throttle.record_failure("vera", "10.0.0.1");
  }
  CHECK(throttle.retry_after("vera", "10.0.0.1") == 0);
  throttle.record_failure("vera", "10.0.0.1");
  CHECK(throttle.retry_after("vera", "10.0.0.1") == 60);
  CHECK(throttle.retry_after("vera", "10.0.0.2") == 60);  // the user name, from anywhere
  CHECK(throttle.retry_after("ada", "10.0.0.3") == 0);    // other users are unaffected
  now += 59;
  CHECK(throttle.retry_after("vera", "10.0.0.1") == 1);
  now += 1;
  CHECK(throttle.retry_after("vera", "10.0.0.1") == 0);
  throttle.record_failure("vera", "10.0.0.2");
  CHECK(throttle.retry_after("vera", "10.0.0.2") == 120);
  now += 120;
  throttle.record_failure("vera", "10.0.0.3");
  CHECK(throttle.retry_after("vera", "10.0.0.3") == 240);
  for (const int expected : {480, 900, 900, 900}) {  // doubling, never beyond the window
    now += throttle.retry_after("vera", "10.0.0.4");
    CHECK(throttle.retry_after("vera", "10.0.0.4") == 0);
    throttle.record_failure("vera", "10.0.0.4");
    CHECK(throttle.retry_after("vera", "10.0.0.4") == expected);
  }
}

TEST_CASE("throttle: unknown and known names are counted alike, success resets the user only") {
  std::int64_t now = 1000;
  sahab::testing::TempStore tmp;
  LoginThrottle throttle(tmp.store, small_options(), [&now] { return now; });
  for (int i = 0; i < 3; ++i) throttle.record_failure("no-such-user", "10.0.0.9");
  CHECK(throttle.retry_after("no-such-user", "10.0.0.8") == 60);
  throttle.record_failure("vera", "10.0.0.9");
  throttle.record_failure("vera", "10.0.0.9");
  throttle.record_success("vera");
  throttle.record_failure("vera", "10.0.0.7");
  throttle.record_failure("vera", "10.0.0.7");
  CHECK(throttle.retry_after("vera", "10.0.0.7") == 0);  // 2 since the success, not 4
  // The address saw 5 failures (3 + 2 before the success): any name from it is refused.
  CHECK(throttle.retry_after("ada", "10.0.0.9") == 60);
  CHECK(throttle.retry_after("ada", "10.0.0.1") == 0);
}

TEST_CASE("throttle: failures are forgotten a window after the last one and its lock") {
  std::int64_t now = 1000;
  sahab::testing::TempStore tmp;
  LoginThrottle throttle(tmp.store, small_options(), [&now] { return now; });
  throttle.record_failure("vera", "10.0.0.1");
  throttle.record_failure("vera", "10.0.0.1");
  now += 900;
  throttle.record_failure("vera", "10.0.0.1");
  CHECK(throttle.retry_after("vera", "10.0.0.1") == 0);  // 1 within the window, not 3
  now += 899;
  throttle.record_failure("vera", "10.0.0.1");
  throttle.record_failure("vera", "10.0.0.1");
  CHECK(throttle.retry_after("vera", "10.0.0.1") == 60);  // a slow trickle still adds up
  now += 60 + 899;
  throttle.record_failure("vera", "10.0.0.1");
  CHECK(throttle.retry_after("vera", "10.0.0.1") == 120);  // still counted after the lock
  now += 120 + 900;
  CHECK(throttle.retry_after("vera", "10.0.0.1") == 0);
  throttle.record_failure("ada", "10.0.0.2");
  CHECK(throttle.entries() == 2);  // expired counters are dropped at the next failure
}

TEST_CASE("throttle: a spray of made-up names cannot grow the table beyond its cap") {
  std::int64_t now = 1000;
  auto options = small_options();
  options.max_failures_per_address = 1'000'000;
  sahab::testing::TempStore tmp;
  LoginThrottle throttle(tmp.store, options, [&now] { return now; });
  for (int i = 0; i < 3; ++i) throttle.record_failure("vera", "10.0.0.1");
  for (int i = 0; i < 1'000; ++i) {
    ++now;
    throttle.record_failure("sprayed-" + std::to_string(i), "10.0.0.2");
  }
  CHECK(throttle.entries() == 100);
  // The least recently failing counters went first: the oldest lock, and the first names.
  CHECK(throttle.retry_after("vera", "10.0.0.3") == 0);
  CHECK(throttle.retry_after("sprayed-999", "10.0.0.3") == 0);  // one failure: not locked
  for (int i = 0; i < 2; ++i) throttle.record_failure("sprayed-999", "10.0.0.3");
  CHECK(throttle.retry_after("sprayed-999", "10.0.0.3") == 60);  // its count survived
  CHECK(throttle.entries() == 100);
}

TEST_CASE("throttle: failures through one collector count at another on the same store") {
  std::int64_t now = 1000;
  sahab::testing::TempDir dir;
  sahab::testing::TestStoreUrl location{dir.path() / "sahab.db"};
  sahab::collector::Store store_a{location, 1};
  sahab::collector::Store store_b{location, 1};
  auto options = small_options();
  options.max_failures_per_user = 20;
  options.max_failures_per_address = 100;
  LoginThrottle a(store_a, options, [&now] { return now; });
  LoginThrottle b(store_b, options, [&now] { return now; });
  // Ten failures through each at the same time: every one is counted, none lost to the other.
  const auto guess = [](LoginThrottle& throttle, const std::string& address) {
    for (int i = 0; i < 10; ++i) throttle.record_failure("vera", address);
  };
  std::thread through_a(guess, std::ref(a), "10.0.1.1");
  std::thread through_b(guess, std::ref(b), "10.0.2.1");
  through_a.join();
  through_b.join();
  CHECK(a.retry_after("vera", "10.0.3.1") == 60);  // the 20th failure locked it, seen by both
  CHECK(b.retry_after("vera", "10.0.3.1") == 60);
  CHECK(b.retry_after("ada", "10.0.1.1") == 0);  // each address is below its limit
  b.record_success("vera");
  CHECK(a.retry_after("vera", "10.0.3.1") == 0);
}
