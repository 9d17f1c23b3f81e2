// The Linux half of common/crypto.h: SHA-256 from mbedTLS, randomness from getrandom
// (crypto_windows.cpp is the Windows half, crypto_portable.cpp what both share).
#include "common/crypto.h"

#include <mbedtls/sha256.h>
#include <sys/random.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace sahab::crypto {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[32];
  if (mbedtls_sha256_ret(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
                         0) != 0) {
    throw std::runtime_error("SHA-256 failed");
  }
  return to_hex(digest, sizeof digest);
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  for (std::size_t filled = 0; filled < bytes;) {
    const ssize_t got = ::getrandom(buffer.data() + filled, bytes - filled, 0);
    if (got < 0 && errno != EINTR) throw std::runtime_error("no randomness available");
    if (got > 0) filled += static_cast<std::size_t>(got);
  }
  return to_hex(buffer.data(), buffer.size());
}

}  // namespace sahab::crypto
