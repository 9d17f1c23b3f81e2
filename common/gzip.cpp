#include "common/gzip.h"

#include <zlib.h>

namespace sahab::gzip {
namespace {
constexpr int kGzipWindowBits = 15 + 16;  // 15-bit window, gzip header and trailer
}

std::string compress(std::string_view data, int level) {
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
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

std::optional<std::string> decompress(std::string_view data, std::size_t max_output) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) throw Error("gzip: inflateInit2 failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  // On the heap: this runs on HTTP worker threads, whose stacks are not ours to size.
  std::string buffer(65536, '\0');
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
