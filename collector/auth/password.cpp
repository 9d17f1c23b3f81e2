#include "collector/auth/password.h"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

#include "collector/ingest/credentials.h"
#include "common/crypto.h"
#include "common/text.h"

namespace sahab::collector::auth {
namespace {

// 2^15 x 8 x 128 bytes = 32 MiB and ~0.1 s per check: costly to guess, bearable per login.
constexpr int kLog2N = 15;
constexpr int kR = 8;
constexpr int kP = 1;
constexpr std::size_t kHashBytes = 32;
constexpr std::uint64_t kMaxMemory = 256ull << 20;

std::optional<std::string> scrypt_hex(std::string_view password, std::string_view salt, int log2n,
                                      int r, int p) {
  std::array<unsigned char, kHashBytes> key{};
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
                     std::uint64_t{1} << log2n, static_cast<std::uint64_t>(r),
                     static_cast<std::uint64_t>(p), kMaxMemory, key.data(), key.size()) != 1) {
    return std::nullopt;
  }
  return crypto::to_hex(key.data(), key.size());
}

}  // namespace

std::string hash_password(std::string_view password) {
  const std::string salt = crypto::random_hex(16);
  const auto hash = scrypt_hex(password, salt, kLog2N, kR, kP);
  if (!hash) throw std::runtime_error("scrypt failed");
  return "scrypt$" + std::to_string(kLog2N) + "$" + std::to_string(kR) + "$" + std::to_string(kP) +
         "$" + salt + "$" + *hash;
}

bool verify_password(std::string_view password, std::string_view encoded) {
  const auto parts = text::split(encoded, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  const auto log2n = text::to_i64(parts[1]);
  const auto r = text::to_i64(parts[2]);
  const auto p = text::to_i64(parts[3]);
  // Bounds keep a hostile config from asking for an absurd amount of work or memory.
  if (!log2n || *log2n < 10 || *log2n > 20 || !r || *r < 1 || *r > 32 || !p || *p < 1 || *p > 16 ||
      parts[4].empty() || parts[5].size() != 2 * kHashBytes) {
    return false;
  }
  const auto hash = scrypt_hex(password, parts[4], static_cast<int>(*log2n), static_cast<int>(*r),
                               static_cast<int>(*p));
  return hash && constant_time_equal(*hash, parts[5]);
}

}  // namespace sahab::collector::auth
