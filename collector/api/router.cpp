#include "collector/api/router.h"

#include "collector/store/database.h"
#include "common/log.h"

namespace sahab::collector {

void add_api_routes(http::Server& server, Context& context, std::vector<ApiRoute> routes) {
  for (auto& route : routes) {
    server.route(
        route.method, route.path,
        [&context, role = route.role,
         handler = std::move(route.handler)](const http::Request& request) {
          // A store server out of reach is the client's cue to retry (503), not a bug (500).
          try {
            if (role) {
              if (auto denied = require_role(context, request, *role)) return *denied;
            }
            return handler(context, request);
          } catch (const StoreUnavailable& e) {
            log::error("store unavailable: " + request.method + " " + request.path + ": " +
                       e.what());
            return error_response(503, "the store cannot be reached; retry later");
          }
        },
        route.max_body_bytes, route.storage,
        // A large upload is refused before it is received (and written to disk) when the caller
        // lacks the role.
        route.storage == http::BodyStorage::kFile && route.role
            ? http::Gate([&context, role = *route.role](const http::Request& request) {
                return require_role(context, request, role);
              })
            : nullptr);
  }
}

ApiHandler windowed(WindowedAnswer answer) {
  return [answer = std::move(answer)](Context& context, const http::Request& request) {
    std::int64_t window = kDefaultWindowSeconds;
    try {
      window = duration_param(request, "window").value_or(window);
    } catch (const std::invalid_argument& e) {
      return error_response(400, e.what());
    }
    return answer(context, request, window);
  };
}

}  // namespace sahab::collector
