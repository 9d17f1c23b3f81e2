#pragma once
// The body of POST /api/v1/login: {"user": "...", "password": "..."}, read with the bounded parser
// for small documents. Kept apart from Auth so it can be tested and fuzzed on its own.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sahab::collector::auth {

inline constexpr std::size_t kMaxUserBytes = 256;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

struct LoginBody {
  std::string user;
  std::string password;
};

// nullopt when the body is JSON but not an object with "user" and "password" strings of at most
// kMaxUserBytes and kMaxPasswordBytes; throws bounded_json::Error when it is not JSON or is over
// the limits of bounded_json::kSmallDocument (the HTTP layer answers 400 to both).
std::optional<LoginBody> parse_login_body(std::string_view body);

}  // namespace sahab::collector::auth
