#include "collector/ingest/decompress.h"

#include "common/gzip.h"

namespace sahab::collector {

// common/gzip does the inflating; this maps its outcomes to the ingest errors (400 and 413).
std::string gunzip(std::string_view compressed, size_t max_output_bytes) {
  std::optional<std::string> inflated;
  try {
    inflated = gzip::decompress(compressed, max_output_bytes);
  } catch (const gzip::Error& e) {
    throw BadEncoding(std::string("gzip body: ") + e.what());
  }
  if (!inflated) throw TooLarge("body inflates beyond " + std::to_string(max_output_bytes) + " bytes");
  return std::move(*inflated);
}

}  // namespace sahab::collector
