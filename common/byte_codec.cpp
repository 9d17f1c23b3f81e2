#include "common/byte_codec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace sahab::bytes {

void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void append_zigzag(std::string& out, std::int64_t value) {
  append_varint(out,
                (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

namespace {

// The next float toward +infinity of a finite f, as std::nextafter(f, INFINITY), which would link
// libm into the agent for this alone (it maps nothing else of it, docs/benchmarks.md).
float next_float_up(float f) {
  if (f == 0) return std::numeric_limits<float>::denorm_min();
  const auto bits = std::bit_cast<std::uint32_t>(f);
  return std::bit_cast<float>(f > 0 ? bits + 1 : bits - 1);  // a negative's magnitude shrinks
}

}  // namespace

std::uint32_t float24(double value, bool round_up) {
  constexpr double kLargest = std::numeric_limits<float>::max();
  value = std::isnan(value) ? 0.0 : std::clamp(value, -kLargest, kLargest);
  auto f = static_cast<float>(value);
  if (round_up && static_cast<double>(f) < value) f = next_float_up(f);
  const auto bits = std::bit_cast<std::uint32_t>(f);
  const bool negative = bits >> 31;
  // Magnitudes are ordered like their bit patterns: adding to the dropped byte rounds the
  // magnitude, carrying into the exponent when it must. Up means a smaller negative magnitude.
  const std::uint32_t add = round_up ? (negative ? 0x00 : 0xff) : 0x80;
  const std::uint64_t rounded = (std::uint64_t{bits & 0x7fffffffu} + add) >> 8;
  const std::uint32_t largest =
      std::bit_cast<std::uint32_t>(std::numeric_limits<float>::max()) >> 8;
  return (negative ? 0x800000u : 0u) |
         static_cast<std::uint32_t>(std::min<std::uint64_t>(rounded, largest));
}

double from_float24(std::uint32_t code) {
  return static_cast<double>(std::bit_cast<float>(code << 8));
}

void append_planes(std::string& out, const std::vector<std::uint32_t>& codes) {
  for (int shift = 16; shift >= 0; shift -= 8)
    for (const auto code : codes) out.push_back(static_cast<char>(code >> shift));
}

void Reader::fail(const char* what, const std::string& why) const {
  throw Error(std::string(what) + ": " + why + " at byte " + std::to_string(position_));
}

std::uint64_t Reader::varint(const char* what) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (position_ == data_.size()) fail(what, "truncated");
    const auto byte = static_cast<unsigned char>(data_[position_++]);
    if (shift == 63 && byte > 1) fail(what, "varint beyond 64 bits");
    value |= std::uint64_t{byte & 0x7fu} << shift;
    if (!(byte & 0x80)) return value;
  }
  fail(what, "varint longer than 10 bytes");
}

std::uint64_t Reader::bounded(const char* what, std::uint64_t max) {
  const auto value = varint(what);
  if (value > max) fail(what, std::to_string(value) + " is more than " + std::to_string(max));
  return value;
}

std::int64_t Reader::zigzag(const char* what) {
  const auto raw = varint(what);
  return static_cast<std::int64_t>(raw >> 1) ^ -static_cast<std::int64_t>(raw & 1);
}

std::vector<std::uint32_t> Reader::planes(std::size_t n, const char* what) {
  std::vector<std::uint32_t> codes(n, 0);
  for (int plane = 0; plane < 3; ++plane) {
    const auto bytes = take(n, what);
    for (std::size_t i = 0; i < n; ++i)
      codes[i] = (codes[i] << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return codes;
}

std::string_view Reader::take(std::size_t n, const char* what) {
  if (n > remaining()) fail(what, "truncated");
  const auto out = data_.substr(position_, n);
  position_ += n;
  return out;
}

}  // namespace sahab::bytes
