#pragma once
// RFC 3339 timestamps in UTC with whole seconds ("2026-11-22T10:00:00Z"), as every Sahab document
// writes them.
#include <cstdint>
#include <string>

namespace sahab {

std::string format_rfc3339(std::int64_t unix_seconds);

}  // namespace sahab
