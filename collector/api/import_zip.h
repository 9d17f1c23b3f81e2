#pragma once
// A zip archive in memory, read by libzip: an .xlsx workbook's parts, or a set of CSV files sent
// as one archive (an RVTools "export all to CSV" folder, a Migration Center CSV set). Bounded
// against zip bombs: entries per archive and uncompressed bytes per entry are capped, and entries
// are streamed, never inflated whole unless asked for.
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::collector::import {

// A 20,000-VM RVTools workbook has 34 entries and a vInfo part of ~150 MB uncompressed.
inline constexpr std::size_t kMaxZipEntries = 1000;
inline constexpr std::size_t kMaxZipEntryBytes = 512u << 20;

class ZipError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// True when `body` starts like a zip file ("PK\3\4"), as every .xlsx does.
bool looks_like_zip(std::string_view body);

class Zip {
 public:
  // Opens the archive in `body` (kept by reference: it must outlive the Zip). `kind` names it in
  // messages (".xlsx workbook", "zip archive"). Throws ZipError when it cannot be read.
  Zip(std::string_view body, std::string kind);
  ~Zip();
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  // The entries' names, in archive order.
  std::vector<std::string> names() const;
  // Calls `on_chunk` with the entry's bytes a chunk at a time, the last call with `last` set.
  // False when there is no such entry; throws ZipError when it is damaged or too large.
  bool stream(const std::string& name,
              const std::function<void(std::string_view chunk, bool last)>& on_chunk) const;
  // The whole entry (for small files: a CSV of the set, an inventory); throws as stream(), and
  // when it inflates beyond `max_bytes`.
  std::string read(const std::string& name, std::size_t max_bytes = kMaxZipEntryBytes) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sahab::collector::import
