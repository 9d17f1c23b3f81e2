// Fuzzes the web UI's sign-in body ({"user", "password"}): any bytes through parse_login_body.
// nullopt and bounded_json::Error are the expected refusals (both a 400); any other exception, a
// crash or a sanitizer report is a finding, and so is an accepted value over the size caps.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/auth/login_body.h"
#include "common/bounded_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace auth = sahab::collector::auth;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    if (const auto login = auth::parse_login_body(body)) {
      if (login->user.size() > auth::kMaxUserBytes ||
          login->password.size() > auth::kMaxPasswordBytes) {
        __builtin_trap();
      }
    }
  } catch (const sahab::bounded_json::Error&) {
  }
  return 0;
}
