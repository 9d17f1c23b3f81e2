#pragma once
// RFC 3339 timestamps ("2026-11-22T10:00:00Z", "2026-11-22T11:00:00.5+01:00") as unix seconds.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/timestamp.h"  // format_rfc3339

namespace sahab::collector {

std::optional<std::int64_t> parse_rfc3339(std::string_view text);

}  // namespace sahab::collector
