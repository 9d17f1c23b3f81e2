#pragma once
// std::regex_search with each value's answer remembered, for the patterns collectors match on
// every scrape (field filters, exclude flags). std::regex is slow: a netstat scrape checked ~150
// names in ~9 ms, and the filesystem collector's two exclude patterns over 21 mounts took most of
// its 0.8 ms. The values matched (kernel field names, device names, mount points, filesystem
// types) seldom change while the agent runs. Safe to call from several threads.
#include <cstddef>
#include <mutex>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sahab::agent {

class RememberedSearch {
 public:
  // Throws std::regex_error on a malformed pattern.
  explicit RememberedSearch(const std::string& pattern)
      : regex_(pattern, std::regex::ECMAScript | std::regex::optimize) {}

  // Whether the pattern is found anywhere in `value`, as Go's MatchString.
  bool found_in(std::string_view value) const {
    std::lock_guard lock(mutex_);
    if (const auto it = answers_.find(value); it != answers_.end()) return it->second;
    // Devices and mounts that come and go (containers' veth interfaces and overlay mounts) would
    // otherwise grow the memory without end: past the bound it starts afresh.
    if (answers_.size() >= kMaxAnswers) answers_.clear();
    const bool found = std::regex_search(value.begin(), value.end(), regex_);
    answers_.emplace(value, found);
    return found;
  }

  // How many answers are remembered now.
  std::size_t remembered() const {
    std::lock_guard lock(mutex_);
    return answers_.size();
  }

  static constexpr std::size_t kMaxAnswers = 1024;

 private:
  // Looked up by string_view, without a std::string made for each question: netstat and vmstat
  // ask ~400 times a scrape, and those copies were a malloc and a free each.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view value) const {
      return std::hash<std::string_view>{}(value);
    }
  };

  std::regex regex_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, bool, Hash, std::equal_to<>> answers_;
};

}  // namespace sahab::agent
