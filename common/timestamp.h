#pragma once
// RFC 3339 timestamps: written in UTC with whole seconds ("2026-11-22T10:00:00Z"), as every Sahab
// document writes them; read in any RFC 3339 form ("2026-11-22T11:00:00.5+01:00").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sahab {

std::string format_rfc3339(std::int64_t unix_seconds);
// Unix seconds, or nullopt for anything that is not an RFC 3339 date-time (2025-02-29 included).
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

}  // namespace sahab
