#pragma once
// Durations written as Prometheus does: "15s", "1m30s", "250ms", "14d".
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sahab {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::milliseconds d);

}  // namespace sahab
