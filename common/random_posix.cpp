#include <sys/random.h>

#include <cerrno>
#include <stdexcept>

#include "common/random_os.h"

namespace sahab::crypto {

void fill_random(unsigned char* buffer, std::size_t size) {
  for (std::size_t filled = 0; filled < size;) {
    const ssize_t got = ::getrandom(buffer + filled, size - filled, 0);
    if (got < 0 && errno != EINTR) throw std::runtime_error("no randomness available");
    if (got > 0) filled += static_cast<std::size_t>(got);
  }
}

}  // namespace sahab::crypto
