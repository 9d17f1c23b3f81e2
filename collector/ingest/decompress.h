#pragma once
// Request bodies with Content-Encoding: gzip, inflated with a cap on the *decompressed* size, so a
// small "gzip bomb" cannot make the collector allocate gigabytes.
#include <stdexcept>
#include <string>
#include <string_view>

namespace sahab::collector {

class BadEncoding : public std::runtime_error {  // not gzip, corrupt or truncated
 public:
  using std::runtime_error::runtime_error;
};
class TooLarge : public std::runtime_error {  // inflates beyond the cap
 public:
  using std::runtime_error::runtime_error;
};

std::string gunzip(std::string_view compressed, size_t max_output_bytes);

}  // namespace sahab::collector
