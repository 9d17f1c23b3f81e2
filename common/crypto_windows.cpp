// The Windows half of common/crypto.h: SHA-256 and randomness from Windows' own CNG (bcrypt.dll,
// Vista and later, also in Wine), so the Windows agent hashes its inventory sections without a
// cross-built crypto library. The digests are SHA-256's, equal to the Linux agent's.
#include <windows.h>
// bcrypt.h needs windows.h first.
#include <bcrypt.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "common/crypto.h"

namespace sahab::crypto {

std::string sha256_hex(std::string_view data) {
  BCRYPT_ALG_HANDLE algorithm = nullptr;
  if (BCryptOpenAlgorithmProvider(&algorithm, BCRYPT_SHA256_ALGORITHM, nullptr, 0) < 0)
    throw std::runtime_error("SHA-256 unavailable (BCryptOpenAlgorithmProvider)");
  unsigned char digest[32];
  BCRYPT_HASH_HANDLE hash = nullptr;
  bool done = BCryptCreateHash(algorithm, &hash, nullptr, 0, nullptr, 0, 0) >= 0;
  // BCryptHashData takes a ULONG length: feed large inputs in pieces.
  for (std::size_t at = 0; done && at < data.size();) {
    const ULONG piece = static_cast<ULONG>(std::min<std::size_t>(data.size() - at, 1u << 30));
    done = BCryptHashData(hash, reinterpret_cast<PUCHAR>(const_cast<char*>(data.data() + at)),
                          piece, 0) >= 0;
    at += piece;
  }
  done = done && BCryptFinishHash(hash, digest, sizeof digest, 0) >= 0;
  if (hash) BCryptDestroyHash(hash);
  BCryptCloseAlgorithmProvider(algorithm, 0);
  if (!done) throw std::runtime_error("SHA-256 failed");
  return to_hex(digest, sizeof digest);
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (bytes > 0xffffffffu || BCryptGenRandom(nullptr, buffer.data(), static_cast<ULONG>(bytes),
                                             BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0)
    throw std::runtime_error("no randomness available");
  return to_hex(buffer.data(), buffer.size());
}

}  // namespace sahab::crypto
