#pragma once
// gzip (RFC 1952) with zlib, for push bodies, and raw deflate (RFC 1951) for storage. Decompression
// is capped so a small "gzip bomb" cannot expand into gigabytes.
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sahab::gzip {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// kGzip for HTTP bodies; kRaw (deflate without header or checksum) inside storage encodings,
// where the 18 bytes of gzip framing would cost more than a small block saves.
enum class Framing { kGzip, kRaw };

std::string compress(std::string_view data, int level = 6, Framing framing = Framing::kGzip);

// gzip of a body produced piece by piece (a streamed HTTP answer): what each call returns is
// the next part of the compressed stream, finish() its end.
class Compressor {
 public:
  explicit Compressor(int level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;
  std::string add(std::string_view data);
  std::string finish();

 private:
  std::string run(std::string_view data, int flush);
  struct State;
  std::unique_ptr<State> state_;
};

// Throws gzip::Error for corrupt or truncated data; returns nullopt when the output would exceed
// `max_output` bytes.
std::optional<std::string> decompress(std::string_view data, std::size_t max_output,
                                      Framing framing = Framing::kGzip);

}  // namespace sahab::gzip
