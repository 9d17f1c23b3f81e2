// Fuzzes the store's utilisation block decoder (collector/store/summary_block): what the
// collector reads back from its database must fail with BlockError when damaged, never crash or
// allocate without bound. Inputs starting with byte 1 or 2 (the formats) are decoded as stored
// blocks (through inflate); any other first byte makes the rest the inflated payload of format 1
// (an odd byte) or 2 (even), deflated here, so that mutations reach the column decoders instead
// of only breaking the deflate stream. A block that decodes must encode and decode again to the
// same entries.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/summary_block.h"
#include "common/gzip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sahab;
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto first = static_cast<std::uint8_t>(input.front());
  const std::string block = first == 1 || first == 2
                                ? std::string(input)
                                : std::string(1, first % 2 == 1 ? '\x01' : '\x02') +
                                      gzip::compress(input.substr(1), 1, gzip::Framing::kRaw);
  std::vector<collector::SummaryEntry> entries;
  try {
    entries = collector::decode_block(block);
  } catch (const collector::BlockError&) {
    return 0;
  }
  const auto again = collector::decode_block(collector::encode_block(entries));
  if (again.size() != entries.size()) __builtin_trap();
  for (std::size_t i = 0; i < again.size(); ++i) {
    if (again[i].metric != entries[i].metric || again[i].start != entries[i].start ||
        again[i].sketch.count() != entries[i].sketch.count()) {
      __builtin_trap();
    }
  }
  return 0;
}
