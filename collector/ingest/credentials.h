#pragma once
// Per-host credentials: 32 random bytes (OpenSSL's CSPRNG) as hex; the store keeps only their
// SHA-256, so a copy of the database does not let anyone push as a host.
#include <string>
#include <string_view>

namespace sahab::collector {

std::string new_credential();
std::string sha256_hex(std::string_view data);
// Compares without an early exit, so timing does not reveal how much of a token matched.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace sahab::collector
