#pragma once
// Small JSON request bodies of the web UI's writes (scenarios, preferences).
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <variant>

#include "common/http_server.h"

namespace sahab::collector {

// A small request body (bounded_json::kSmallDocument) as a JSON object whose keys are all in
// `allowed` (an empty body is {}), or the 400 to answer.
std::variant<nlohmann::json, http::Response> body_object(
    const http::Request& request, std::initializer_list<const char*> allowed);

}  // namespace sahab::collector
