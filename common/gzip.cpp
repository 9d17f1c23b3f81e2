#include "common/gzip.h"

#include <zlib.h>

#include <algorithm>

namespace sahab::gzip {
namespace {
// 15-bit window; +16: gzip header and trailer, negative: raw deflate.
int window_bits(Framing framing) { return framing == Framing::kGzip ? 15 + 16 : -15; }
}  // namespace

std::string compress(std::string_view data, int level, Framing framing) {
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, window_bits(framing), 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw Error("gzip: deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw Error("gzip: deflate did not finish");
  out.resize(stream.total_out);
  return out;
}

struct Compressor::State {
  z_stream stream{};
};

Compressor::Compressor(int level) : state_(std::make_unique<State>()) {
  if (deflateInit2(&state_->stream, level, Z_DEFLATED, window_bits(Framing::kGzip), 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw Error("gzip: deflateInit2 failed");
  }
}

Compressor::~Compressor() { deflateEnd(&state_->stream); }

std::string Compressor::add(std::string_view data) { return run(data, Z_NO_FLUSH); }

std::string Compressor::finish() { return run({}, Z_FINISH); }

std::string Compressor::run(std::string_view data, int flush) {
  z_stream& stream = state_->stream;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int result = Z_OK;
  do {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = deflate(&stream, flush);
    if (result == Z_STREAM_ERROR) throw Error("gzip: deflate failed");
    out.append(buffer, sizeof buffer - stream.avail_out);
  } while (stream.avail_out == 0 || (flush == Z_FINISH && result != Z_STREAM_END));
  return out;
}

std::optional<std::string> decompress(std::string_view data, std::size_t max_output,
                                      Framing framing) {
  z_stream stream{};
  if (inflateInit2(&stream, window_bits(framing)) != Z_OK) throw Error("gzip: inflateInit2 failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  // On the heap: this runs on HTTP worker threads, whose stacks are not ours to size. Small
  // inputs (storage blocks) get a small buffer: this is filled before every use.
  std::string buffer(std::clamp<std::size_t>(data.size() * 8, 4096, 65536), '\0');
  int result = Z_OK;
  while (result != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    result = inflate(&stream, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END) {
      inflateEnd(&stream);
      throw Error(result == Z_BUF_ERROR ? "gzip: truncated data" : "gzip: corrupt data");
    }
    out.append(buffer.data(), buffer.size() - stream.avail_out);
    if (out.size() > max_output) {
      inflateEnd(&stream);
      return std::nullopt;
    }
  }
  const bool trailing_garbage = stream.avail_in != 0;
  inflateEnd(&stream);
  if (trailing_garbage) throw Error("gzip: unexpected bytes after the compressed data");
  return out;
}

}  // namespace sahab::gzip
