#include <windows.h>
// After windows.h:
#include <bcrypt.h>

#include <stdexcept>

#include "common/random_os.h"

namespace sahab::crypto {

void fill_random(unsigned char* buffer, std::size_t size) {
  if (size > 0xFFFFFFFFu || BCryptGenRandom(nullptr, buffer, static_cast<ULONG>(size),
                                            BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
    throw std::runtime_error("no randomness available");
}

}  // namespace sahab::crypto
