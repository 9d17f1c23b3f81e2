#pragma once
// Listen addresses as node_exporter writes them (":9100", "127.0.0.1:9100", comma-separated
// lists), checked where settings are read and turned into CivetWeb's syntax by the HTTP server.
// Kept apart from http_server.h so that programs without a server (the planner) link no CivetWeb.
#include <stdexcept>
#include <string>

namespace sahab::http {

class ServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ServerError if `listen` asks for TLS ('s' suffix): Debian's CivetWeb crashes on the first
// HTTPS connection with OpenSSL 3, so TLS belongs in a reverse proxy (configs/nginx/).
void validate_listen_address(const std::string& listen);

// node_exporter writes ":9100" for "all interfaces"; CivetWeb wants "9100" or "0.0.0.0:9100".
std::string to_civetweb_ports(const std::string& listen);

}  // namespace sahab::http
