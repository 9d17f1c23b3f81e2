#pragma once
// Who may read the agent's private endpoints (/inventory, /utilisation: installed software,
// connections, processes): callers on this machine's loopback, or callers that present the bearer
// token of --web.inventory-token-file. /metrics and /healthz stay open, as node_exporter's are.
#include <optional>
#include <string>

#include "common/http_server.h"

namespace sahab::agent {

class PrivateEndpointAccess {
 public:
  // An empty token: loopback callers only.
  explicit PrivateEndpointAccess(std::string token) : token_(std::move(token)) {}

  // nullopt to serve the request, else the 403 to answer.
  std::optional<http::Response> refusal(const http::Request& request) const;

  // Wraps a handler with the check.
  http::Handler guard(http::Handler handler) const;

 private:
  std::string token_;
};

// 127.0.0.0/8, ::1 and their IPv4-mapped forms.
bool is_loopback_address(const std::string& address);

}  // namespace sahab::agent
