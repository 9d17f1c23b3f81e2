// collector/ingest/credentials: what an agent pushes with (32 random bytes as hex), the hash the
// store keeps of it, and the comparison of secrets.
#include "collector/ingest/credentials.h"

#include <doctest/doctest.h>

#include <set>

using namespace sahab::collector;

TEST_CASE("credentials: 64 lower-case hex digits, never the same twice") {
  std::set<std::string> seen;
  std::set<char> digits;
  for (int i = 0; i < 200; ++i) {
    const std::string credential = new_credential();
    REQUIRE(credential.size() == 64);
    for (const char c : credential) {
      CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
      digits.insert(c);
    }
    seen.insert(credential);
  }
  CHECK(seen.size() == 200);
  // 12,800 digits from a uniform source use all sixteen (a constant or a counter would not).
  CHECK(digits.size() == 16);
}

TEST_CASE("credentials: the stored hash is SHA-256 as lower-case hex") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Bytes, not C strings: a NUL inside counts.
  CHECK(sha256_hex(std::string("a\0b", 3)) != sha256_hex("a"));
  const std::string credential = new_credential();
  CHECK(sha256_hex(credential) == sha256_hex(credential));
  CHECK(sha256_hex(credential) != credential);
}

TEST_CASE("credentials: secrets compare equal only when every byte and the length match") {
  CHECK(constant_time_equal("s3cret-token-value", "s3cret-token-value"));
  CHECK(constant_time_equal("", ""));
  CHECK_FALSE(constant_time_equal("s3cret-token-value", "s3cret-token-valuE"));
  CHECK_FALSE(constant_time_equal("s3cret-token-value", "x3cret-token-value"));
  CHECK_FALSE(constant_time_equal("s3cret", "s3cret-token-value"));  // a prefix is not enough
  CHECK_FALSE(constant_time_equal("s3cret-token-value", "s3cret"));
  CHECK_FALSE(constant_time_equal("", "x"));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}
