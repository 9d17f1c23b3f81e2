#include "collector/sources/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "common/crypto.h"

namespace sahab::collector {
namespace {

constexpr std::size_t kNonceBytes = 12, kTagBytes = 16;
constexpr std::string_view kVersion = "v1:";

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() {
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (!ctx) throw SecretBoxError("cannot allocate a cipher context");
  return ctx;
}

std::string io_error(const std::string& what, const std::filesystem::path& file) {
  return what + " " + file.string() + ": " + std::strerror(errno);
}

// Writes a new random key with O_EXCL (two collectors starting together never share a half key).
void create_key(const std::filesystem::path& file) {
  std::array<unsigned char, 32> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    throw SecretBoxError("no randomness for a new key");
  }
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return;
    throw SecretBoxError(io_error("cannot create key file", file));
  }
  const bool ok =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw SecretBoxError(io_error("cannot write key file", file));
}

std::vector<unsigned char> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) throw SecretBoxError("sealed secret: odd hex");
  std::vector<unsigned char> out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    for (const char c : hex.substr(i, 2)) {
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<unsigned>(c - 'a' + 10);
      else
        throw SecretBoxError("sealed secret: not hex");
    }
    out.push_back(static_cast<unsigned char>(value));
  }
  return out;
}

}  // namespace

SecretBox::SecretBox(const std::filesystem::path& key_file) {
  create_key(key_file);
  const int fd = ::open(key_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw SecretBoxError(io_error("cannot open key file", key_file));
  struct stat st {};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  const ssize_t got = stat_ok ? ::read(fd, key_.data(), key_.size()) : -1;
  char extra = 0;
  const bool longer = got == static_cast<ssize_t>(key_.size()) && ::read(fd, &extra, 1) > 0;
  ::close(fd);
  if (!stat_ok) throw SecretBoxError(io_error("cannot stat key file", key_file));
  if ((st.st_mode & 077) != 0) {
    throw SecretBoxError("key file " + key_file.string() +
                         " is readable by others; expected mode 0600 (chmod 600)");
  }
  if (got != static_cast<ssize_t>(key_.size()) || longer) {
    throw SecretBoxError("key file " + key_file.string() + ": expected exactly 32 bytes");
  }
}

std::string SecretBox::seal(std::string_view plain) const {
  std::array<unsigned char, kNonceBytes> nonce{};
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    throw SecretBoxError("no randomness for a nonce");
  }
  auto ctx = new_context();
  std::vector<unsigned char> out(plain.size() + 16);
  int len = 0, final_len = 0;
  std::array<unsigned char, kTagBytes> tag{};
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag.data()) != 1) {
    throw SecretBoxError("encryption failed");
  }
  return std::string(kVersion) + crypto::to_hex(nonce.data(), nonce.size()) +
         crypto::to_hex(out.data(), static_cast<std::size_t>(len + final_len)) +
         crypto::to_hex(tag.data(), tag.size());
}

std::string SecretBox::open(std::string_view sealed) const {
  if (!sealed.starts_with(kVersion)) throw SecretBoxError("sealed secret: unknown format");
  const auto bytes = from_hex(sealed.substr(kVersion.size()));
  if (bytes.size() < kNonceBytes + kTagBytes) throw SecretBoxError("sealed secret: too short");
  const std::size_t text_bytes = bytes.size() - kNonceBytes - kTagBytes;
  std::vector<unsigned char> tag(bytes.end() - kTagBytes, bytes.end());
  auto ctx = new_context();
  std::string plain(text_bytes + 16, '\0');
  int len = 0, final_len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), bytes.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        bytes.data() + kNonceBytes, static_cast<int>(text_bytes)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len,
                          &final_len) != 1) {
    throw SecretBoxError("sealed secret does not open with this key (key file replaced?)");
  }
  plain.resize(static_cast<std::size_t>(len + final_len));
  return plain;
}

}  // namespace sahab::collector
