#include "common/duration.h"

#include <array>
#include <cctype>
#include <utility>

namespace sahab {
namespace {
struct Unit {
  std::string_view suffix;
  long long millis;
};
// Longest suffix first so "ms" is not read as "m".
constexpr std::array<Unit, 7> kUnits{{{"ms", 1},
                                      {"s", 1000},
                                      {"m", 60'000},
                                      {"h", 3'600'000},
                                      {"d", 86'400'000},
                                      {"w", 604'800'000},
                                      {"y", 31'536'000'000}}};
}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  size_t i = 0;
  while (i < text.size()) {
    long long number = 0;
    const size_t digits_start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > 1'000'000'000) return std::nullopt;
      ++i;
    }
    if (i == digits_start) return std::nullopt;
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(i).starts_with(u.suffix)) {
        unit = &u;
        break;
      }
    }
    if (!unit) return std::nullopt;
    total += number * unit->millis;
    i += unit->suffix.size();
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  long long ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  for (const auto& [suffix, size] : std::array<std::pair<const char*, long long>, 5>{
           {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}}}) {
    if (ms >= size) {
      out += std::to_string(ms / size) + suffix;
      ms %= size;
    }
  }
  return out;
}

}  // namespace sahab
