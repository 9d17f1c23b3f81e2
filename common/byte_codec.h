#pragma once
// Plain-bytes building blocks for compact storage encodings (docs/storage.md): LEB128 varints,
// zigzag for signed values, 24-bit floats written as byte planes, and a reader that never reads
// past its input and names what it was reading when the bytes run out or make no sense.
// Backend-neutral: the bytes go to SQLite's BLOB or PostgreSQL's bytea alike.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::bytes {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void append_varint(std::string& out, std::uint64_t value);
void append_zigzag(std::string& out, std::int64_t value);
// float24: a float32 without its lowest mantissa byte (sign, exponent, 15 mantissa bits), so
// within 2^-16 (1.5e-5) of `value` when rounded to the nearest, within 2^-15 above it when
// `round_up` (towards +infinity: a maximum stored this way is never below the exact one).
// Values beyond float32's range are clamped to its largest finite values.
std::uint32_t float24(double value, bool round_up = false);
double from_float24(std::uint32_t code);

// 24-bit codes as three byte planes, the high bytes (sign, exponent) of every code first: values
// of one series share them, which deflate then squeezes to almost nothing.
void append_planes(std::string& out, const std::vector<std::uint32_t>& codes);

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  // Each throws Error naming `what` when the input ends early or the value is malformed.
  std::uint64_t varint(const char* what);
  // A varint that must not exceed `max` (counts that size allocations, lengths).
  std::uint64_t bounded(const char* what, std::uint64_t max);
  std::int64_t zigzag(const char* what);
  // `n` codes written by append_planes.
  std::vector<std::uint32_t> planes(std::size_t n, const char* what);
  std::string_view take(std::size_t n, const char* what);

  bool at_end() const { return position_ == data_.size(); }
  std::size_t remaining() const { return data_.size() - position_; }
  std::size_t position() const { return position_; }

 private:
  [[noreturn]] void fail(const char* what, const std::string& why) const;
  std::string_view data_;
  std::size_t position_ = 0;
};

}  // namespace sahab::bytes
