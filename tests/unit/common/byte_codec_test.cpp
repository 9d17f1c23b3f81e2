#include "common/byte_codec.h"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

using sahab::bytes::float24;
using sahab::bytes::from_float24;

// float24 rounds up by stepping to the next float itself (common/byte_codec.cpp does without
// libm's nextafter): the codes are those std::nextafter gives, around zero, for negatives and at
// the float range's ends, and never below the value short of the largest code (where float24
// clamps).
TEST_CASE("byte codec: float24 rounded up is never below the value, as with std::nextafter") {
  const auto with_nextafter = [](double value) {
    auto f = static_cast<float>(value);
    if (static_cast<double>(f) < value)
      f = std::nextafter(f, std::numeric_limits<float>::infinity());
    return float24(static_cast<double>(f), true);
  };
  const double largest = std::numeric_limits<float>::max();
  for (const double value : {1e-46, 1e-40, -1e-40, -1e-46, 0.1, -0.1, 1.0 / 3, -1.0 / 3, 1e-30,
                             123456.789, -123456.789, largest, -largest, 0.0}) {
    CAPTURE(value);
    CHECK(float24(value, true) == with_nextafter(value));
    if (std::abs(value) < largest) CHECK(from_float24(float24(value, true)) >= value);
  }
}
