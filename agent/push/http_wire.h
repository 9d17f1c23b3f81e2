#pragma once
// HTTP/1.1 on the wire for the push client: URLs, the proxy to use, and reading answers. An answer
// comes from outside (the collector, a proxy, anything in between): every part of it is bounded.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/push/transport.h"

namespace sahab::agent::http_wire {

struct Url {
  bool tls = false;
  std::string host;  // IPv6 without brackets
  int port = 0;
  std::string target;  // path and query, at least "/"

  // host[:port] as the Host header and CONNECT want it; the default port is left out.
  std::string authority() const;
  std::string host_and_port() const;  // always with the port
};

// Throws std::invalid_argument naming what is wrong: only http and https, no credentials, no
// spaces or control characters.
Url parse_url(std::string_view url);

struct Proxy {
  std::string host;
  int port = 1080;            // curl's default when the proxy URL has none
  std::string authorization;  // "Basic ..." from user:password in the proxy URL, else empty
  std::string key() const;    // identifies the proxy among kept-alive connections
};

using Environment = std::function<const char*(const char*)>;

// The proxy for `target`, as curl chose it: `configured` when given, else http_proxy (http) or
// https_proxy/HTTPS_PROXY (https), then all_proxy/ALL_PROXY; none when no_proxy/NO_PROXY names
// the host. Throws std::invalid_argument for a proxy URL that is not plain http://.
std::optional<Proxy> proxy_for(const Url& target, const std::string& configured,
                               const Environment& environment);

// no_proxy semantics: comma-separated names, "*" for all; a name matches itself and its
// subdomains (a leading dot is ignored); case-insensitive.
bool bypasses_proxy(std::string_view host, std::string_view no_proxy);

struct Limits {
  std::size_t max_head_bytes = 16 * 1024;  // status line, headers and chunked trailers
  std::size_t max_headers = 100;
  std::size_t max_body_bytes = 1 << 20;  // the collector answers with small JSON documents
};

struct Head {
  int status = 0;
  bool http11 = false;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

  // The value of the first header named `lower_name`.
  std::optional<std::string> header(std::string_view lower_name) const;
  // Whether `lower_name` lists `token` (comma-separated, case-insensitive), as Connection does.
  bool lists(std::string_view lower_name, std::string_view token) const;
};

// Reads one answer from a stream. Throws TransportError on a malformed or oversized answer, a
// closed connection or the deadline.
class Reader {
 public:
  Reader(net::Stream& stream, net::Deadline deadline, std::string what, Limits limits = {});

  // The final head; interim 1xx answers are skipped.
  Head read_head();
  // The body as the head frames it (Content-Length, chunked, or until the peer closes).
  // `reusable` tells whether the connection may carry another request afterwards.
  std::string read_body(const Head& head, bool& reusable);

  bool received_anything() const { return received_ > 0; }
  // Bytes read past the answer (there must be none after a CONNECT answer).
  std::size_t unread() const { return buffer_.size() - position_; }

 private:
  bool fill();
  std::string line(std::size_t& budget);
  std::string take(std::size_t count);
  std::string read_chunked(std::size_t& budget);

  net::Stream& stream_;
  net::Deadline deadline_;
  std::string what_;
  Limits limits_;
  std::string buffer_;
  std::size_t position_ = 0;
  std::size_t received_ = 0;
};

}  // namespace sahab::agent::http_wire
