#pragma once
// The few cryptographic helpers Sahab needs, in one place: hex digests, random tokens and
// comparing secrets. SHA-256 from mbedTLS's libmbedcrypto (the agent's TLS library: OpenSSL 3's
// libcrypto alone would cost the agent megabytes of resident memory), randomness from the
// operating system (random_os.h).
#include <cstddef>
#include <string>
#include <string_view>

namespace sahab::crypto {

// Lower-case hex of `size` bytes.
std::string to_hex(const unsigned char* data, std::size_t size);

// SHA-256 of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

// `bytes` bytes from the operating system's CSPRNG, as hex; throws std::runtime_error without
// randomness.
std::string random_hex(std::size_t bytes);

// Compares without an early exit, so timing does not reveal how much of a guess matched.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace sahab::crypto
