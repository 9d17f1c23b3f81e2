#pragma once
// Password hashes for the web UI's users: scrypt (OpenSSL), a memory-hard KDF, with a random salt.
// Encoded as "scrypt$LOG2N$R$P$SALT$HASH" (salt and hash in hex) so the cost can rise later.
#include <string>
#include <string_view>

namespace sahab::collector::auth {

std::string hash_password(std::string_view password);
// False for a wrong password and for a malformed or unsupported encoding.
bool verify_password(std::string_view password, std::string_view encoded);

}  // namespace sahab::collector::auth
