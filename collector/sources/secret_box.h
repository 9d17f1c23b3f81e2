#pragma once
// The sources' passwords at rest: AES-256-GCM (OpenSSL EVP) under a key kept in its own file, so
// a copy of the database alone (a backup, a support bundle) does not reveal a vCenter account.
// The key file is made on first use with 32 random bytes, mode 0600, owned by the collector's
// user; one readable by group or others is refused.
#include <array>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sahab::collector {

class SecretBoxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SecretBox {
 public:
  // Reads the key in `key_file`, creating the file when absent. Throws SecretBoxError for a file
  // of another size or readable by others.
  explicit SecretBox(const std::filesystem::path& key_file);

  // "v1:" and the hex of nonce (12 bytes), ciphertext and tag (16 bytes); a new nonce each time.
  std::string seal(std::string_view plain) const;
  // Throws SecretBoxError when the text was not sealed with this key or was altered.
  std::string open(std::string_view sealed) const;

 private:
  std::array<unsigned char, 32> key_{};
};

}  // namespace sahab::collector
