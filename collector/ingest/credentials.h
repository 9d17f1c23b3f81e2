#pragma once
// Per-host credentials: 32 random bytes (OpenSSL's CSPRNG) as hex; the store keeps only their
// SHA-256, so a copy of the database does not let anyone push as a host.
#include <string>
#include <string_view>

#include "common/crypto.h"

namespace sahab::collector {

std::string new_credential();
using crypto::constant_time_equal;
using crypto::sha256_hex;

}  // namespace sahab::collector
