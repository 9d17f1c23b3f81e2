#pragma once
// The API's routes declared in tables: method, path pattern ("/api/v1/hosts/{id}"), the least
// role a call needs (docs/api.md lists it per route) and the handler. The role check and the path
// parameters come from the table, so no handler repeats them.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "collector/api/context.h"

namespace sahab::collector {

using ApiHandler = std::function<http::Response(Context&, const http::Request&)>;

struct ApiRoute {
  std::string method;
  std::string path;
  // nullopt: no session or admin token is checked here (health, metrics, sign-in, agents with
  // their own credentials or the enrolment token, which the handler checks).
  std::optional<MinRole> role;
  ApiHandler handler;
  std::size_t max_body_bytes = 0;                          // 0: the server's default
  http::BodyStorage storage = http::BodyStorage::kMemory;  // kFile: large uploads
};

void add_api_routes(http::Server& server, Context& context, std::vector<ApiRoute> routes);

// The utilisation window of the fleet reads when `?window=` is absent.
constexpr std::int64_t kDefaultWindowSeconds = 30 * 86'400;
using WindowedAnswer =
    std::function<http::Response(Context&, const http::Request&, std::int64_t window)>;
// A fleet read over `?window=DURATION` (/api/v1/fleet, /fleet/summary, /fleet/hosts): 400 for a
// malformed window, else `answer` with the window in seconds.
ApiHandler windowed(WindowedAnswer answer);

}  // namespace sahab::collector
