#include "agent/push/http_client.h"

#include <cstdlib>
#include <stdexcept>

#include "common/text.h"
#include "sahab/version.h"

namespace sahab::agent {

using http_wire::Proxy;
using http_wire::Url;

struct HttpClient::Request {
  Url url;
  std::optional<Proxy> proxy;
  std::string key;  // which kept-alive connection may carry it
  std::string head;
  const std::string& body;
  net::Deadline deadline;
  net::Deadline connect_deadline;
};

struct HttpClient::Connection {
  std::string key;
  std::unique_ptr<net::Stream> stream;
  bool keep = false;
  net::Deadline idle_until = net::Deadline::max();
};

namespace {

std::string request_head(const Url& url, const std::optional<Proxy>& proxy, std::size_t body_size,
                         const std::vector<std::string>& headers) {
  // Through a proxy without a tunnel (plain http) the request line names the whole URL.
  const bool via_proxy = proxy && !url.tls;
  std::string head = "POST " + (via_proxy ? "http://" + url.authority() : "") + url.target +
                     " HTTP/1.1\r\nHost: " + url.authority() + "\r\nUser-Agent: sahab-agent/" +
                     kVersion + "\r\nAccept: */*\r\nContent-Length: " + std::to_string(body_size) +
                     "\r\n";
  if (via_proxy && !proxy->authorization.empty())
    head += "Proxy-Authorization: " + proxy->authorization + "\r\n";
  for (const auto& header : headers) {
    // The value is not echoed: it may be a credential.
    if (header.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      throw std::invalid_argument("a request header contains a line break");
    head += header + "\r\n";
  }
  return head + "\r\n";
}

// How long the server keeps an idle connection ("Keep-Alive: timeout=N"); unbounded when it does
// not say (a connection it closed meanwhile is noticed before reuse, or retried once).
net::Deadline idle_deadline(const http_wire::Head& head) {
  const auto keep_alive = head.header("keep-alive");
  if (!keep_alive) return net::Deadline::max();
  for (const auto parameter : text::split(*keep_alive, ',')) {
    const auto trimmed = text::trim(parameter);
    if (!trimmed.starts_with("timeout=")) continue;
    if (const auto seconds = text::to_u64(trimmed.substr(8)); seconds && *seconds < 86'400)
      return net::Clock::now() + std::chrono::seconds(*seconds);
  }
  return net::Deadline::max();
}

void open_tunnel(net::TcpStream& tcp, const Url& url, const Proxy& proxy, net::Deadline deadline,
                 const http_wire::Limits& limits) {
  std::string connect =
      "CONNECT " + url.host_and_port() + " HTTP/1.1\r\nHost: " + url.host_and_port() + "\r\n";
  if (!proxy.authorization.empty())
    connect += "Proxy-Authorization: " + proxy.authorization + "\r\n";
  tcp.write_all(connect + "\r\n", deadline);
  http_wire::Reader reader(tcp, deadline,
                           "waiting for the proxy " + proxy.key() + " to open a tunnel", limits);
  const http_wire::Head head = reader.read_head();
  if (head.status / 100 != 2) {
    throw net::TransportError("the proxy " + proxy.key() + " refused a tunnel to " +
                              url.host_and_port() + ": HTTP " + std::to_string(head.status));
  }
  if (reader.unread() != 0)
    throw net::TransportError("the proxy " + proxy.key() + " sent data into the new tunnel");
}

}  // namespace

HttpClient::HttpClient(ClientOptions options) : options_(std::move(options)) {}

HttpClient::~HttpClient() = default;

std::unique_ptr<net::Stream> HttpClient::open(const Request& request) const {
  const Url& url = request.url;
  auto tcp = request.proxy ? net::TcpStream::connect(request.proxy->host, request.proxy->port,
                                                     request.connect_deadline)
                           : net::TcpStream::connect(url.host, url.port, request.connect_deadline);
  if (!url.tls) return tcp;
  if (request.proxy)
    open_tunnel(*tcp, url, *request.proxy, request.connect_deadline, options_.limits);
  if (!tls_) {
    tls_ = std::make_unique<net::TlsSettings>(options_.ca_file, options_.client_cert,
                                              options_.client_key);
  }
  return net::TlsStream::handshake(*tls_, std::move(tcp), url.host, request.connect_deadline);
}

std::optional<ClientResponse> HttpClient::exchange(Connection& connection, const Request& request,
                                                   bool reused) const {
  http_wire::Reader reader(*connection.stream, request.deadline,
                           "waiting for the answer from " + request.url.authority(),
                           options_.limits);
  http_wire::Head head;
  try {
    connection.stream->write_all(request.head, request.deadline);
    connection.stream->write_all(request.body, request.deadline);
    head = reader.read_head();
  } catch (const net::Timeout&) {
    throw;
  } catch (const net::TransportError&) {
    // A kept-alive connection the server closed meanwhile: the request never reached it.
    if (reused && !reader.received_anything()) return std::nullopt;
    throw;
  }
  ClientResponse response;
  response.status = head.status;
  bool reusable = false;
  response.body = reader.read_body(head, reusable);
  connection.keep = reusable && reader.unread() == 0;
  connection.idle_until = idle_deadline(head);
  return response;
}

ClientResponse HttpClient::post(const std::string& url, const std::string& body,
                                const std::vector<std::string>& headers) const {
  std::lock_guard lock(mutex_);
  ClientResponse failed;
  try {
    const auto now = net::Clock::now();
    Url parsed = http_wire::parse_url(url);
    auto proxy = http_wire::proxy_for(parsed, options_.proxy, ::getenv);
    std::string key = (parsed.tls ? "https://" : "http://") + parsed.host_and_port() +
                      (proxy ? " via " + proxy->key() : "");
    std::string head = request_head(parsed, proxy, body.size(), headers);
    const Request request{std::move(parsed),
                          std::move(proxy),
                          std::move(key),
                          std::move(head),
                          body,
                          now + options_.timeout,
                          std::min(now + options_.timeout, now + options_.connect_timeout)};

    std::unique_ptr<Connection> kept = std::move(idle_);
    if (kept && kept->key == request.key && now < kept->idle_until && kept->stream->reusable()) {
      if (auto response = exchange(*kept, request, true)) {
        if (kept->keep) idle_ = std::move(kept);
        return *response;
      }
    }
    kept.reset();  // closed before another is opened: one connection at a time
    auto connection = std::make_unique<Connection>(Connection{request.key, open(request)});
    auto response = exchange(*connection, request, false);
    if (connection->keep) idle_ = std::move(connection);
    return *response;
  } catch (const std::invalid_argument& e) {
    failed.transport_error = e.what();
  } catch (const net::TransportError& e) {
    failed.transport_error = e.what();
  }
  return failed;
}

}  // namespace sahab::agent
