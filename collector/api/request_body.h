#pragma once
// Small JSON request bodies of the API (what-ifs, scenarios, baselines, status changes).
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <variant>

#include "common/http_server.h"

namespace sahab::collector {

// The body (bounded_json::kSmallDocument) as a JSON object whose keys are all in `allowed`, or
// the 400 naming the unknown key; an empty body is an empty object. Malformed JSON throws
// bounded_json::Error, which the server answers with 400.
std::variant<nlohmann::json, http::Response> json_body_object(
    const http::Request& request, std::initializer_list<const char*> allowed);

}  // namespace sahab::collector
