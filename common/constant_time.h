#pragma once
// Comparing secrets (tokens, hashes) without an early exit, so timing does not reveal how much of
// a guess matched. Header-only: the agent links no crypto library for it.
#include <string_view>

namespace sahab {

inline bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  // volatile: the compiler may not turn the loop back into an early-exit comparison.
  volatile unsigned char result = difference;
  return result == 0;
}

}  // namespace sahab
