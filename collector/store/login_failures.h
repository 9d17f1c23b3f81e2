#pragma once
// Failed web UI sign-ins counted per user name or client address (collector/auth/login_throttle.h),
// kept in the store so that every collector on a shared PostgreSQL throttles on the same counts:
// with N collectors behind nginx a guesser gets no more attempts than with one.
#include <cstdint>
#include <string>

#include "collector/store/database.h"

namespace sahab::collector {

// Counts one failure of `key` at `now` and returns its failures, the count starting over once
// `window_seconds` have passed since its last failure and the end of its lock. One statement
// (an upsert): two collectors counting the same key at once both count, the second waiting for
// the first's transaction.
int count_login_failure(Database& db, const std::string& key, std::int64_t now,
                        std::int64_t window_seconds);
void lock_login(Database& db, const std::string& key, std::int64_t until);
// When `key`'s lock ends (unix seconds); 0 when it has none.
std::int64_t login_locked_until(Database& db, const std::string& key);
void forget_login_failures(Database& db, const std::string& key);
// Drops the counters a window past their last failure and lock, then, when `cap` are left, the
// least recently failing ones (a spray of made-up names cannot grow the table).
void prune_login_failures(Database& db, std::int64_t now, std::int64_t window_seconds,
                          std::int64_t cap);
std::int64_t login_failure_counters(Database& db);

}  // namespace sahab::collector
