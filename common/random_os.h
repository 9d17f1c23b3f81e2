#pragma once
// Bytes from the operating system's CSPRNG for crypto::random_hex: getrandom(2) on Linux
// (random_posix.cpp), BCryptGenRandom on Windows (random_windows.cpp).
#include <cstddef>

namespace sahab::crypto {

// Fills `size` bytes; throws std::runtime_error without randomness.
void fill_random(unsigned char* buffer, std::size_t size);

}  // namespace sahab::crypto
