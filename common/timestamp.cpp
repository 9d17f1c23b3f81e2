#include "common/timestamp.h"

#include <cctype>
#include <chrono>
#include <ctime>

namespace sahab {
namespace {

// Reads exactly `digits` digits at `pos`; nullopt otherwise.
std::optional<int> number_at(std::string_view s, size_t pos, size_t digits) {
  if (pos + digits > s.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + digits; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  const auto year = number_at(s, 0, 4), month = number_at(s, 5, 2), day = number_at(s, 8, 2),
             hour = number_at(s, 11, 2), minute = number_at(s, 14, 2), second = number_at(s, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  // ok() knows month lengths and leap years: 2025-02-29 and 2025-02-31 are refused.
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t digits_start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos == digits_start) return std::nullopt;
  }
  int offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    const auto oh = number_at(s, pos + 1, 2), om = number_at(s, pos + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset_seconds = (*oh * 3600 + *om * 60) * (s[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const auto midnight = std::chrono::sys_days(date).time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(midnight).count() + *hour * 3600 +
         *minute * 60 + *second - offset_seconds;
}

std::string format_rfc3339(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace sahab
