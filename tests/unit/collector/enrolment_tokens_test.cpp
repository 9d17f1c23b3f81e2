// collector/store/enrolment_tokens: tokens made by admins, stored as hashes, usable while live.
#include "collector/store/enrolment_tokens.h"

#include <doctest/doctest.h>

#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

std::optional<EnrolmentToken> use(testing::TempStore& s, const std::string& hash, std::int64_t at) {
  return s.write([&](Database& db) { return use_enrolment_token(db, hash, at); });
}

std::vector<EnrolmentToken> tokens(testing::TempStore& s) {
  return s.read([](Database& db) { return list_enrolment_tokens(db); });
}

}  // namespace

TEST_CASE("enrolment token store: none at first, then listed oldest first with what was given") {
  testing::TempStore s;
  CHECK_FALSE(s.read([](Database& db) { return any_enrolment_token(db); }));
  CHECK(tokens(s).empty());
  const auto first = s.write([](Database& db) {
    return create_enrolment_token(db, "rack 1", "sha-1", "ada", kNow, std::nullopt);
  });
  const auto second = s.write([](Database& db) {
    return create_enrolment_token(db, "rack 2", "sha-2", "bob", kNow + 5, kNow + 3600);
  });
  CHECK(second > first);
  CHECK(s.read([](Database& db) { return any_enrolment_token(db); }));
  const auto all = tokens(s);
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == first);
  CHECK(all[0].name == "rack 1");
  CHECK(all[0].created_by == "ada");
  CHECK(all[0].created_at == kNow);
  CHECK_FALSE(all[0].expires_at);
  CHECK_FALSE(all[0].revoked_at);
  CHECK_FALSE(all[0].last_used_at);
  CHECK(all[0].uses == 0);
  CHECK(all[1].name == "rack 2");
  CHECK(all[1].expires_at == kNow + 3600);
  // Only the hash is stored, and the creation is audited with the id and name.
  CHECK(s.scalar("SELECT count(*) FROM enrolment_tokens WHERE token_sha256 = 'sha-1'") == 1);
  CHECK(s.scalar("SELECT count(*) FROM audit_log WHERE action = 'enrolment_token_create' AND "
                 "actor = 'ada' AND detail = 'id=" +
                 std::to_string(first) + " name=rack 1'") == 1);
}

TEST_CASE("enrolment token store: one hash is one token") {
  testing::TempStore s;
  s.write([](Database& db) { create_enrolment_token(db, "a", "same", "ada", kNow, std::nullopt); });
  CHECK_THROWS_WITH_AS(s.write([](Database& db) {
    create_enrolment_token(db, "b", "same", "bob", kNow, std::nullopt);
  }),
                       doctest::Contains("token_sha256"), StoreError);
  CHECK(tokens(s).size() == 1);
  // The refused one left no audit row behind (its job rolled back).
  CHECK(s.scalar("SELECT count(*) FROM audit_log") == 1);
}

TEST_CASE("enrolment token store: uses are counted only while the token is live") {
  testing::TempStore s;
  const auto id = s.write([](Database& db) {
    return create_enrolment_token(db, "short", "sha-short", "ada", kNow, kNow + 60);
  });
  const auto used = use(s, "sha-short", kNow + 10);
  REQUIRE(used);
  CHECK(used->id == id);
  CHECK(used->name == "short");
  CHECK(use(s, "sha-short", kNow + 59));
  CHECK_FALSE(use(s, "sha-short", kNow + 60));  // expires_at itself is past the end
  CHECK_FALSE(use(s, "sha-short", kNow + 61));
  CHECK_FALSE(use(s, "SHA-SHORT", kNow));  // hashes compare exactly
  CHECK_FALSE(use(s, "", kNow));
  const auto all = tokens(s);
  REQUIRE(all.size() == 1);
  CHECK(all[0].uses == 2);
  CHECK(all[0].last_used_at == kNow + 59);
}

TEST_CASE("enrolment token store: revoking keeps the first time, is audited once, ends uses") {
  testing::TempStore s;
  const auto id = s.write([](Database& db) {
    return create_enrolment_token(db, "t", "sha-t", "ada", kNow, std::nullopt);
  });
  CHECK(use(s, "sha-t", kNow + 1));
  const auto revoke = [&](std::int64_t token, std::int64_t at) {
    return s.write([&](Database& db) { return revoke_enrolment_token(db, token, "bob", at); });
  };
  CHECK(revoke(id, kNow + 100));
  CHECK(revoke(id, kNow + 200));  // found, but nothing changes
  CHECK_FALSE(revoke(id + 1, kNow + 300));
  CHECK_FALSE(use(s, "sha-t", kNow + 101));
  const auto all = tokens(s);
  REQUIRE(all.size() == 1);
  CHECK(all[0].revoked_at == kNow + 100);
  CHECK(all[0].uses == 1);
  CHECK(s.scalar("SELECT count(*) FROM audit_log WHERE action = 'enrolment_token_revoke' AND "
                 "actor = 'bob'") == 1);
}
