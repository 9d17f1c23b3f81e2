#include "common/gzip.h"

#include <doctest/doctest.h>

using namespace sahab;

TEST_CASE("gzip: round trip") {
  const std::string text(100000, 'a');
  const std::string packed = gzip::compress(text);
  CHECK(packed.size() < 1000);
  CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);  // gzip magic
  CHECK(gzip::decompress(packed, 1 << 20) == text);
}

TEST_CASE("gzip: bombs, truncation and garbage") {
  const std::string packed = gzip::compress(std::string(10 << 20, '\0'));
  CHECK_FALSE(gzip::decompress(packed, 1 << 20));  // 10 MiB of zeros refused at a 1 MiB cap
  CHECK_THROWS_AS(gzip::decompress(packed.substr(0, packed.size() / 2), 64 << 20), gzip::Error);
  CHECK_THROWS_AS(gzip::decompress("not gzip at all", 1024), gzip::Error);
  CHECK_THROWS_AS(gzip::decompress(gzip::compress("x") + "junk", 1024), gzip::Error);
}
