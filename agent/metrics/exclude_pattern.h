#pragma once
// A node_exporter-style exclusion flag (--collector.<name>.*-exclude): a regular expression
// searched anywhere in the value, as Go's MatchString does; an empty pattern excludes nothing.
// Each value's answer is remembered (remembered_search.h): collectors ask again on every scrape.
#include <optional>
#include <string>
#include <string_view>

#include "agent/metrics/remembered_search.h"

namespace sahab::agent {

class ExcludePattern {
 public:
  // Throws std::regex_error on a malformed pattern; configuration checks patterns with it.
  explicit ExcludePattern(const std::string& pattern) {
    if (!pattern.empty()) search_.emplace(pattern);
  }

  // Safe to call from several threads.
  bool excludes(std::string_view value) const { return search_ && search_->found_in(value); }

 private:
  std::optional<RememberedSearch> search_;
};

}  // namespace sahab::agent
