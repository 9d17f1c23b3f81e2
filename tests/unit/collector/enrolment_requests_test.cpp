// The store side of enrolments that need an administrator (collector/store/enrolment_requests.h).
#include "collector/store/enrolment_requests.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "collector/store/agents.h"
#include "collector/store/imports.h"
#include "collector/store/store.h"
#include "unit/collector/test_store_url.h"
#include "unit/temp_dir.h"

using namespace sahab::collector;

namespace {
constexpr std::int64_t kNow = 1'795'000'000;

std::int64_t count(Database& db, const std::string& sql) { return db.scalar(sql); }
}  // namespace

TEST_CASE("enrolment requests: host claims, pending to decided once, audited, host revocation") {
  sahab::testing::TempDir dir;
  sahab::testing::TestStoreUrl location(dir.path() / "sahab.db");
  Store store(location, 1);
  store.write([](Database& db) {
    HostClaim none = host_claim(db, "a");
    CHECK_FALSE(none.exists);
    CHECK(none.live_credentials == 0);

    const auto first = enrol_agent(db, "a", "srv-a", "h1", "10.0.0.1", kNow);
    enrol_agent(db, "a", "srv-a", "h2", "10.0.0.1", kNow);
    CHECK(host_claim(db, "a").live_credentials == 2);
    revoke_agent(db, first, "test", "admin", kNow);
    const HostClaim a = host_claim(db, "a");
    CHECK(a.exists);
    CHECK(a.source == "agent");
    CHECK(a.live_credentials == 1);

    CHECK(upsert_imported_host(db, nlohmann::json{{"id", "b"}, {"hostname", "srv-b"}}, kNow));
    const HostClaim b = host_claim(db, "b");
    CHECK(b.source == "import");
    CHECK(b.live_credentials == 0);

    const auto id = create_enrolment_request(db, "a", "srv-a2", "secret-hash", "host_enrolled",
                                             "10.0.0.9", kNow);
    touch_enrolment_request(db, id, kNow + 60);
    const auto found = find_enrolment_request(db, "secret-hash");
    REQUIRE(found);
    CHECK(found->state == "pending");
    CHECK(found->attempts == 2);
    CHECK(found->last_attempt_at == kNow + 60);
    CHECK(found->requested_from == "10.0.0.9");
    CHECK_FALSE(find_enrolment_request(db, "other-hash"));
    CHECK(open_enrolment_requests(db).size() == 1);

    CHECK(decide_enrolment_request(db, 999, true, "ada", kNow) == Decision::kNotFound);
    CHECK(decide_enrolment_request(db, id, true, "ada", kNow + 120) == Decision::kDecided);
    CHECK(decide_enrolment_request(db, id, false, "ada", kNow) == Decision::kNotPending);
    const auto approved = find_enrolment_request(db, "secret-hash");
    CHECK(approved->state == "approved");
    CHECK(approved->decided_by == "ada");
    CHECK(open_enrolment_requests(db).size() == 1);  // waits for its agent

    CHECK(revoke_host_credentials(db, "a", "replaced", "10.0.0.9", kNow) == 1);
    CHECK(host_claim(db, "a").live_credentials == 0);
    mark_enrolment_request_collected(db, id, 42);
    CHECK(find_enrolment_request(db, "secret-hash")->state == "collected");
    CHECK(open_enrolment_requests(db).empty());

    CHECK(count(db, "SELECT count(*) FROM audit_log WHERE action = 'enrol_pending'") == 1);
    CHECK(count(db, "SELECT count(*) FROM audit_log WHERE action = 'enrol_approve'") == 1);
    CHECK(count(db, "SELECT count(*) FROM audit_log WHERE action = 'revoke'") == 2);
    CHECK(
        count(db, "SELECT count(*) FROM enrolment_requests WHERE secret_sha256 = 'secret-hash'") ==
        1);
  });
}
