#pragma once
// The storage encoding of utilisation (docs/storage.md). A block holds every stored summary of
// one host over one period: an hour (or, once packed, a day) of raw one-minute summaries
// (summary_blocks), or a day of daily rollups (rollup_blocks), all metrics together. It is plain
// bytes, so SQLite's BLOB and PostgreSQL's bytea take it alike: a format byte, then raw deflate
// of the entries laid out column by column (each metric's starts as deltas, durations and counts,
// then every sketch's columns, then the means and maxima), which puts the values that repeat from
// one minute to the next side by side.
// Since format 2 (issue 17) a mean or maximum is one byte placing it within the range its sketch
// already gives (summary_block.cpp, "Format 2's means and maxima"), else a 24-bit float: a mean
// is within kMeanRelativeError of the exact one, a maximum never below it and at most
// kMaxRelativeError above, over 100 times inside the sketch's own error (Sketch::kRelativeError,
// ~1%) that bounds every percentile. Sketches, counts and times are exact. Blocks of format 1
// (means and maxima as float24: within 1.5e-5 and 3.1e-5) are still read. Format 3 is format 2's
// bytes without deflate, for the small blocks one push writes (collector/store/summary_blocks.h:
// pieces), where deflate's set-up would cost more than it saves.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/sketch.h"

namespace sahab::collector {

struct SummaryEntry {
  std::string metric;
  std::int64_t start = 0;  // unix seconds
  std::int64_t end = 0;
  std::int64_t summaries = 1;  // report intervals merged into it (1 for a raw summary)
  std::int64_t count = 0;      // samples
  double mean = 0;
  double max = 0;
  Sketch sketch;
};

// A stored block that cannot be read back: truncated, corrupt, or beyond the decoder's limits.
class BlockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class BlockPacking { kDeflated, kPlain };

// Entries in any order; one entry per (metric, start) (the caller replaces, never repeats).
std::string encode_block(const std::vector<SummaryEntry>& entries,
                         BlockPacking packing = BlockPacking::kDeflated);

// Entries sorted by metric, then start. Bounded: at most kMaxBlockBytes once inflated,
// kMaxBlockMetrics metrics and as many entries as the bytes can hold; throws BlockError naming
// the problem and never reads past `bytes`.
std::vector<SummaryEntry> decode_block(std::string_view bytes);

// Relative errors of a stored mean and maximum (a maximum rounded up, never under-reported); a
// daily rollup, computed from stored entries and stored again, within twice them.
inline constexpr double kMeanRelativeError = 4e-5;
inline constexpr double kMaxRelativeError = 8e-5;

inline constexpr std::size_t kMaxBlockBytes = 4 << 20;
inline constexpr std::size_t kMaxBlockMetrics = 256;

}  // namespace sahab::collector
