#pragma once
// gzip (RFC 1952) with zlib, for push bodies. Decompression is capped so a small "gzip bomb"
// cannot expand into gigabytes.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sahab::gzip {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string compress(std::string_view data, int level = 6);

// Throws gzip::Error for corrupt or truncated data; returns nullopt when the output would exceed
// `max_output` bytes.
std::optional<std::string> decompress(std::string_view data, std::size_t max_output);

}  // namespace sahab::gzip
