// collector/auth/sessions over collector/store/ui_sessions: sessions kept in the store (both
// engines), found by their token only (its SHA-256 is what is stored), expiring, closed, capped,
// and shared by two collectors' Sessions on one store, across a restart.
#include "collector/store/ui_sessions.h"

#include <doctest/doctest.h>

#include "collector/auth/sessions.h"
#include "common/crypto.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using namespace sahab::collector::auth;

TEST_CASE("ui sessions: kept in the store by the token's hash, expire and close") {
  testing::TempStore s;
  std::int64_t now = 1000;
  Sessions sessions(s.store, 60, [&now] { return now; });
  const auto token = sessions.open("vera", Role::kPlanner);
  CHECK(token.size() == 64);
  const auto found = sessions.find(token);
  REQUIRE(found);
  CHECK(found->user == "vera");
  CHECK(found->role == Role::kPlanner);
  CHECK(found->csrf_token.size() == 64);
  CHECK(found->csrf_token != token);
  CHECK(found->expires == 1060);
  CHECK_FALSE(sessions.find("nope"));
  CHECK_FALSE(sessions.find(crypto::sha256_hex(token)));  // the stored hash opens nothing
  CHECK(s.scalar("SELECT count(*) FROM ui_sessions WHERE token_sha256 = '" + token + "'") == 0);
  // Another collector on the same store (or this one restarted) knows the session.
  Sessions other(s.store, 60, [&now] { return now; });
  REQUIRE(other.find(token));
  CHECK(other.find(token)->user == "vera");
  now += 61;
  CHECK_FALSE(sessions.find(token));
  const auto ada = sessions.open("ada", Role::kAdmin);  // drops the expired one
  CHECK(s.scalar("SELECT count(*) FROM ui_sessions") == 1);
  other.close(ada);
  CHECK_FALSE(sessions.find(ada));
}

TEST_CASE("ui sessions: at the cap, the sessions closest to expiring make room") {
  testing::TempStore s;
  std::int64_t now = 1000;
  for (int i = 0; i < 4; ++i) {
    s.write([&](Database& db) {
      save_ui_session(db, "hash-" + std::to_string(i), {"u", "viewer", "csrf", now + 100 + i}, now,
                      3);
    });
  }
  CHECK(s.scalar("SELECT count(*) FROM ui_sessions") == 3);
  CHECK(s.scalar("SELECT count(*) FROM ui_sessions WHERE token_sha256 = 'hash-0'") == 0);
  CHECK(s.scalar("SELECT count(*) FROM ui_sessions WHERE token_sha256 = 'hash-3'") == 1);
}
