#pragma once
// A node_exporter field filter (--collector.{netstat,vmstat}.fields): a regular expression
// searched in each field name. std::regex is slow (a netstat scrape checked ~150 names in ~9 ms),
// and the kernel's field names never change while the agent runs, so each name's answer is
// remembered. Safe to call from several threads.
#include <mutex>
#include <regex>
#include <string>
#include <unordered_map>

namespace sahab::agent {

class FieldFilter {
 public:
  explicit FieldFilter(const std::string& pattern)
      : regex_(pattern, std::regex::ECMAScript | std::regex::optimize) {}

  bool keeps(const std::string& field) const {
    std::lock_guard lock(mutex_);
    const auto [it, added] = answers_.try_emplace(field, false);
    if (added) it->second = std::regex_search(field, regex_);
    return it->second;
  }

 private:
  std::regex regex_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, bool> answers_;
};

}  // namespace sahab::agent
