#pragma once
// Store-and-forward spool: report batches wait on disk until the collector acknowledges them.
//
// One file per batch, named by its sequence number, written with fsync + rename, so a batch is
// either wholly on disk or absent after a crash (kill -9, power loss). Acknowledged batches are
// deleted. The spool is bounded by total size and by age; past a bound the oldest batches are
// dropped and counted, never silently.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sahab::agent {

struct SpoolLimits {
  std::uint64_t max_bytes = 64ull << 20;
  std::chrono::seconds max_age{14 * 24 * 3600};
};

struct SpoolStats {
  std::uint64_t batches = 0;
  std::uint64_t bytes = 0;
  double oldest_age_seconds = 0;
  std::uint64_t dropped_total = 0;  // since the agent started
};

class Spool {
 public:
  // Creates `dir` (0700) if needed and loads the batches already there. Throws FileError.
  Spool(std::filesystem::path dir, SpoolLimits limits);

  // Durably stores a batch, then enforces the bounds (which may drop older batches).
  void put(std::uint64_t sequence, const std::string& bytes);

  struct Batch {
    std::uint64_t sequence;
    std::string bytes;
  };
  // The oldest batch still waiting, if any.
  std::optional<Batch> oldest();
  // Deletes a batch once the collector acknowledged it (or rejected it for good).
  void remove(std::uint64_t sequence);

  // The highest sequence number ever spooled here (0 if none), even if every batch has been sent
  // since: the collector ignores a sequence it already has, so numbering must never restart.
  std::uint64_t highest_sequence() const;
  SpoolStats stats() const;

 private:
  struct Entry {
    std::uint64_t bytes;
    std::chrono::system_clock::time_point written;
  };
  std::filesystem::path file_of(std::uint64_t sequence) const;
  std::filesystem::path sequence_file() const { return dir_ / "last-sequence"; }
  void load_existing();
  void enforce_limits();
  void drop(std::map<std::uint64_t, Entry>::iterator it);

  std::filesystem::path dir_;
  SpoolLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t total_bytes_ = 0;
  std::uint64_t dropped_total_ = 0;
  std::uint64_t highest_sequence_ = 0;
};

}  // namespace sahab::agent
