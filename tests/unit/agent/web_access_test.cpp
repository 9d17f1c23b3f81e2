#include "agent/web_access.h"

#include <doctest/doctest.h>

using namespace sahab;

namespace {
http::Request from(const std::string& address, const std::string& authorization = "") {
  http::Request r;
  r.remote_address = address;
  if (!authorization.empty()) r.headers["authorization"] = authorization;
  return r;
}
}  // namespace

TEST_CASE("web access: loopback callers only, by default") {
  const agent::PrivateEndpointAccess access("");
  CHECK_FALSE(access.refusal(from("127.0.0.1")));
  CHECK_FALSE(access.refusal(from("127.3.2.1")));
  CHECK_FALSE(access.refusal(from("::1")));
  CHECK_FALSE(access.refusal(from("::ffff:127.0.0.1")));
  for (const char* outside : {"10.1.2.3", "192.168.1.10", "::ffff:10.0.0.1", "1270.0.0.1", ""}) {
    const auto refused = access.refusal(from(outside, "Bearer anything"));
    REQUIRE(refused);
    CHECK(refused->status == 403);
  }
}

TEST_CASE("web access: with a token, other callers must present it") {
  const agent::PrivateEndpointAccess access("s3cret-token-0123456789");
  CHECK_FALSE(access.refusal(from("127.0.0.1")));
  CHECK_FALSE(access.refusal(from("10.1.2.3", "Bearer s3cret-token-0123456789")));
  CHECK(access.refusal(from("10.1.2.3")));
  CHECK(access.refusal(from("10.1.2.3", "Bearer s3cret-token-012345678")));
  CHECK(access.refusal(from("10.1.2.3", "s3cret-token-0123456789")));
  CHECK(access.refusal(from("10.1.2.3", "Basic s3cret-token-0123456789")));
  int served = 0;
  const auto guarded = access.guard([&served](const http::Request&) {
    ++served;
    return http::Response::text(200, "inventory");
  });
  CHECK(guarded(from("10.1.2.3")).status == 403);
  CHECK(guarded(from("10.1.2.3", "Bearer s3cret-token-0123456789")).status == 200);
  CHECK(served == 1);
}
