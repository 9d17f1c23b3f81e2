#pragma once
// A utilisation block of format 1 (schemas 5 to 13: each metric's columns, its means and maxima
// as float24 planes, then its sketches), as collectors before issue 17's format 2 stored them;
// written by the encoder of main at 0799eb5. It holds four entries starting at kFormat1Hour:
// cpu_ratio over minutes 0, 1, 2 with the samples i + {1/8, 1/4, 1/2, 3/4} (minute i), and one
// entry of a metric the report does not know, "a_metric_of_tomorrow" (two summaries merged, the
// samples 0, 0 and 1e6, mean 42.5 as written, maximum 1e6). Every value is exact in float24.
#include <cstdint>
#include <string>

namespace sahab::testing {

inline constexpr std::int64_t kFormat1Hour = 20'000 * 86'400;

inline std::string format1_block() {
  return std::string(
      "\x01\x63\x62\x10\x49\x8c\xcf\x4d\x2d\x29\xca\x4c\x8e\xcf\x4f\x8b\x2f\xc9\xcf\xcd\x2f\x2a"
      "\xca\x2f\x67\x6c\x38\xf0\xf3\x3d\x4f\x05\x0b\x9b\x93\x16\x83\x67\x89\x0a\x13\xe3\x17\x2e"
      "\x46\x46\x66\x88\x20\x08\x30\x31\x31\x71\x70\x70\xd8\xd9\x3b\x5c\xd8\x22\xc5\xc0\xc0\x60"
      "\x6f\xef\xe0\xf0\xc0\x80\x01\x0c\x58\x58\x58\x2e\x32\xde\x63\x74\x52\x56\x16\x65\xe3\xe4"
      "\x60\x62\x63\x65\x44\x02\x00",
      95);
}

}  // namespace sahab::testing
