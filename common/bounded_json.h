#pragma once
// The one entry point for JSON that comes from outside the process: request bodies, imported
// files and documents read back from the store. Limits are enforced while parsing (SAX), so a
// hostile document is refused before it costs more than the limits allow: no unbounded nesting
// (every later reader of a tree recurses on it), no millions of tiny values, no huge strings.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sahab::bounded_json {

struct Limits {
  std::size_t max_depth = 64;              // nested objects and arrays
  std::size_t max_values = 1'000'000;      // every object, array, key and scalar counts
  std::size_t max_string_bytes = 1 << 20;  // one string or key
};

// The document is refused: not JSON, not UTF-8, a number out of range, or over a limit. The
// message names the problem ("nested deeper than 64 levels") and is safe to return in a 400.
class Error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Small request bodies: sign-in, enrolment, a revocation reason, a what-if.
inline constexpr Limits kSmallDocument{
    .max_depth = 16, .max_values = 10'000, .max_string_bytes = 16 << 10};
// Documents this process stored: what was accepted then, deeper ones excepted (only depth
// matters for safety once a document is stored).
inline constexpr Limits kStoredDocument{
    .max_depth = 64, .max_values = std::size_t{1} << 26, .max_string_bytes = std::size_t{1} << 26};
// The body cap that goes with them.
inline constexpr std::size_t kSmallBodyBytes = 64 << 10;

nlohmann::json parse(std::string_view text, const Limits& limits = {});

// A document this process stored earlier (an inventory section, labels, a scenario). Stores made
// by older versions may hold documents no longer accepted (e.g. nested 300 levels): those read
// as nullopt with a warning naming `what`, and every reader goes on without them.
std::optional<nlohmann::json> parse_stored(std::string_view text, std::string_view what);
// As parse_stored, but unreadable documents read as `fallback`.
nlohmann::json parse_stored_or(std::string_view text, std::string_view what,
                               nlohmann::json fallback);

}  // namespace sahab::bounded_json
