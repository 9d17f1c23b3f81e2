#pragma once
// Per-host credentials: 32 random bytes (OpenSSL's CSPRNG) as hex; the store keeps only their
// SHA-256, so a copy of the database does not let anyone push as a host.
#include <string>
#include <string_view>

#include "common/constant_time.h"

namespace sahab::collector {

std::string new_credential();
std::string sha256_hex(std::string_view data);
using sahab::constant_time_equal;

}  // namespace sahab::collector
