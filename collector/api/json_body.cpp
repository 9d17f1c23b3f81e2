#include "collector/api/json_body.h"

#include <algorithm>

#include "collector/api/context.h"
#include "common/bounded_json.h"

namespace sahab::collector {

std::variant<nlohmann::json, http::Response> body_object(
    const http::Request& request, std::initializer_list<const char*> allowed) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return nlohmann::json::object();
  nlohmann::json body = bounded_json::parse(request.body, bounded_json::kSmallDocument);
  if (!body.is_object()) return error_response(400, "body: expected a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (std::find_if(allowed.begin(), allowed.end(), [&key](const char* a) { return key == a; }) ==
        allowed.end()) {
      return error_response(400, "body: unknown key '" + key.substr(0, 64) + "'");
    }
  }
  return body;
}

}  // namespace sahab::collector
