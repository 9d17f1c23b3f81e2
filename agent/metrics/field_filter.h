#pragma once
// A node_exporter field filter (--collector.{netstat,vmstat}.fields): a regular expression
// searched in each field name; the kernel's field names never change while the agent runs, so
// each name's answer is remembered (remembered_search.h). Safe to call from several threads.
#include <string>
#include <string_view>

#include "agent/metrics/remembered_search.h"

namespace sahab::agent {

class FieldFilter {
 public:
  explicit FieldFilter(const std::string& pattern) : search_(pattern) {}

  bool keeps(std::string_view field) const { return search_.found_in(field); }

 private:
  RememberedSearch search_;
};

}  // namespace sahab::agent
