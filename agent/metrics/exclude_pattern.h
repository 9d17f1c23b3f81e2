#pragma once
// A node_exporter-style exclusion flag (--collector.<name>.*-exclude): a regular expression
// searched anywhere in the value, as Go's MatchString does; an empty pattern excludes nothing.
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace sahab::agent {

class ExcludePattern {
 public:
  // Throws std::regex_error on a malformed pattern; configuration checks patterns with it.
  explicit ExcludePattern(const std::string& pattern) {
    if (!pattern.empty()) regex_.emplace(pattern, std::regex::ECMAScript | std::regex::optimize);
  }

  // Safe to call from several threads: matching does not modify the regex.
  bool excludes(std::string_view value) const {
    return regex_ && std::regex_search(value.begin(), value.end(), *regex_);
  }

 private:
  std::optional<std::regex> regex_;
};

}  // namespace sahab::agent
