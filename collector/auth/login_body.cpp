#include "collector/auth/login_body.h"

#include <nlohmann/json.hpp>

#include "common/bounded_json.h"

namespace sahab::collector::auth {

std::optional<LoginBody> parse_login_body(std::string_view body) {
  const nlohmann::json document = bounded_json::parse(body, bounded_json::kSmallDocument);
  if (!document.is_object()) return std::nullopt;
  const auto user = document.find("user");
  const auto password = document.find("password");
  if (user == document.end() || password == document.end() || !user->is_string() ||
      !password->is_string()) {
    return std::nullopt;
  }
  LoginBody out{user->get<std::string>(), password->get<std::string>()};
  if (out.user.size() > kMaxUserBytes || out.password.size() > kMaxPasswordBytes) {
    return std::nullopt;
  }
  return out;
}

}  // namespace sahab::collector::auth
