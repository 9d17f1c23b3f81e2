#include "collector/ingest/decompress.h"

#include <zlib.h>

namespace sahab::collector {

std::string gunzip(std::string_view compressed, size_t max_output_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw BadEncoding("cannot start inflating");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      throw BadEncoding(rc == Z_BUF_ERROR ? "gzip body is truncated" : "gzip body is corrupt");
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > max_output_bytes) {
      inflateEnd(&stream);
      throw TooLarge("body inflates beyond " + std::to_string(max_output_bytes) + " bytes");
    }
  }
  const bool trailing = stream.avail_in != 0;
  inflateEnd(&stream);
  if (trailing) throw BadEncoding("data after the end of the gzip stream");
  return out;
}

}  // namespace sahab::collector
