#include "agent/web_access.h"

#include "common/crypto.h"

namespace sahab::agent {

bool is_loopback_address(const std::string& address) {
  return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

std::optional<http::Response> PrivateEndpointAccess::refusal(const http::Request& request) const {
  if (is_loopback_address(request.remote_address)) return std::nullopt;
  if (!token_.empty()) {
    const std::string authorization = request.header("authorization").value_or("");
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.starts_with(kBearer) &&
        crypto::constant_time_equal(std::string_view(authorization).substr(kBearer.size()),
                                    token_)) {
      return std::nullopt;
    }
  }
  http::Response refused = http::Response::text(
      403, token_.empty() ? "served to loopback callers only (see --web.inventory-token-file)"
                          : "bearer token required");
  return refused;
}

http::Handler PrivateEndpointAccess::guard(http::Handler handler) const {
  return [this, handler = std::move(handler)](const http::Request& request) {
    if (auto refused = refusal(request)) return *refused;
    return handler(request);
  };
}

}  // namespace sahab::agent
