#include "common/listen_address.h"

#include <cctype>

#include "common/text.h"

namespace sahab::http {

void validate_listen_address(const std::string& listen) {
  if (listen.empty()) throw ServerError("listen address is empty");
  for (std::string_view port : text::split(listen, ',')) {
    port = text::trim(port);
    if (port.empty()) throw ServerError("listen address '" + listen + "' has an empty entry");
    const char last = port.back();
    if (last == 's' || last == 'S') {
      throw ServerError("listen address '" + listen +
                        "' asks for TLS ('s' suffix), which Debian's CivetWeb cannot serve with "
                        "OpenSSL 3; listen on plain HTTP and terminate TLS in a reverse proxy "
                        "(see configs/nginx/)");
    }
    if (!std::isdigit(static_cast<unsigned char>(last))) {
      throw ServerError("listen address '" + listen + "' is not HOST:PORT");
    }
  }
}

std::string to_civetweb_ports(const std::string& listen) {
  std::string out;
  for (std::string_view port : text::split(listen, ',')) {
    port = text::trim(port);
    if (port.starts_with(":")) port.remove_prefix(1);
    if (!out.empty()) out += ',';
    out += port;
  }
  return out;
}

}  // namespace sahab::http
