#include "agent/push/spool.h"

#include <cstdio>
#include <vector>

#include "common/file.h"
#include "common/log.h"
#include "common/text.h"

namespace sahab::agent {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSuffix = ".batch";

std::chrono::system_clock::time_point modification_time(const fs::path& path) {
  // file_clock and system_clock share the epoch on Linux with libstdc++ 12 only via clock_cast,
  // which it lacks; convert through the duration since each clock's now().
  const auto file_time = fs::last_write_time(path);
  return std::chrono::system_clock::now() -
         std::chrono::duration_cast<std::chrono::system_clock::duration>(
             fs::file_time_type::clock::now() - file_time);
}

}  // namespace

Spool::Spool(fs::path dir, SpoolLimits limits) : dir_(std::move(dir)), limits_(limits) {
  std::error_code error;
  fs::create_directories(dir_, error);
  if (error)
    throw FileError("cannot create spool directory " + dir_.string() + ": " + error.message());
  fs::permissions(dir_, fs::perms::owner_all, error);
  load_existing();
  enforce_limits();
}

fs::path Spool::file_of(std::uint64_t sequence) const {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(sequence));
  return dir_ / (std::string(name) + kSuffix);
}

void Spool::load_existing() {
  if (const auto last = try_read_line(sequence_file())) {
    highest_sequence_ = text::to_u64(*last).value_or(0);
  }
  for (const auto& item : fs::directory_iterator(dir_)) {
    const auto name = item.path().filename().string();
    if (name.ends_with(".tmp")) {  // a write interrupted by a crash: never acknowledged, never sent
      fs::remove(item.path());
      continue;
    }
    if (!name.ends_with(kSuffix)) continue;
    const auto sequence = text::to_u64(std::string_view(name).substr(0, name.size() - 6));
    if (!sequence) continue;
    const auto size = item.file_size();
    entries_[*sequence] = Entry{size, modification_time(item.path())};
    total_bytes_ += size;
    highest_sequence_ = std::max<std::uint64_t>(highest_sequence_, *sequence);
  }
  if (!entries_.empty()) {
    log::info("spool: " + std::to_string(entries_.size()) + " batches waiting in " + dir_.string());
  }
}

void Spool::put(std::uint64_t sequence, const std::string& bytes) {
  const fs::path path = file_of(sequence);
  write_file_atomic(path, bytes);
  if (sequence > highest_sequence())
    write_file_atomic(sequence_file(), std::to_string(sequence) + "\n");
  sync_directory(dir_);
  std::lock_guard lock(mutex_);
  const auto [it, inserted] =
      entries_.insert_or_assign(sequence, Entry{bytes.size(), std::chrono::system_clock::now()});
  (void)it;
  if (inserted) total_bytes_ += bytes.size();
  highest_sequence_ = std::max(highest_sequence_, sequence);
  enforce_limits();
}

void Spool::drop(std::map<std::uint64_t, Entry>::iterator it) {
  std::error_code ignored;
  fs::remove(file_of(it->first), ignored);
  total_bytes_ -= it->second.bytes;
  entries_.erase(it);
}

void Spool::enforce_limits() {
  const auto now = std::chrono::system_clock::now();
  std::vector<std::uint64_t> dropped;
  while (!entries_.empty()) {
    const auto oldest = entries_.begin();
    // The newest batch is always kept, even alone above the size bound.
    const bool too_big = total_bytes_ > limits_.max_bytes && entries_.size() > 1;
    const bool too_old = now - oldest->second.written > limits_.max_age;
    if (!too_big && !too_old) break;
    dropped.push_back(oldest->first);
    drop(oldest);
  }
  if (dropped.empty()) return;
  dropped_total_ += dropped.size();
  log::warn("spool: dropped " + std::to_string(dropped.size()) +
            " oldest batches past the spool bounds (size or age): sequences " +
            text::join_integers(dropped));
}

std::optional<Spool::Batch> Spool::oldest() {
  std::lock_guard lock(mutex_);
  while (!entries_.empty()) {
    const auto it = entries_.begin();
    if (auto bytes = try_read_file(file_of(it->first))) return Batch{it->first, std::move(*bytes)};
    log::error("spool: batch " + std::to_string(it->first) +
               " vanished or is unreadable; skipping it");
    total_bytes_ -= it->second.bytes;
    entries_.erase(it);
    ++dropped_total_;
  }
  return std::nullopt;
}

void Spool::remove(std::uint64_t sequence) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(sequence);
  if (it != entries_.end()) drop(it);
}

std::uint64_t Spool::highest_sequence() const {
  std::lock_guard lock(mutex_);
  return highest_sequence_;
}

SpoolStats Spool::stats() const {
  std::lock_guard lock(mutex_);
  SpoolStats s;
  s.batches = entries_.size();
  s.bytes = total_bytes_;
  s.dropped_total = dropped_total_;
  if (!entries_.empty()) {
    const std::chrono::duration<double> age =
        std::chrono::system_clock::now() - entries_.begin()->second.written;
    s.oldest_age_seconds = age.count();
  }
  return s;
}

}  // namespace sahab::agent
