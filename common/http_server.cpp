#include "common/http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>
#include <thread>

#include "common/gzip.h"
#include "common/log.h"
#include "common/text.h"

namespace sahab::http {
namespace {

const char* status_text(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

std::string url_decode(std::string_view s) {
  std::string out(s.size() + 1, '\0');
  const int n = mg_url_decode(s.data(), static_cast<int>(s.size()), out.data(),
                              static_cast<int>(out.size()), 1);
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

void send(mg_connection* conn, const Response& response) {
  std::string head =
      "HTTP/1.1 " + std::to_string(response.status) + " " + status_text(response.status) + "\r\n";
  head += "Content-Type: " + response.content_type + "\r\n";
  head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  head += "\r\n";
  mg_write(conn, head.data(), head.size());
  if (!response.body.empty()) mg_write(conn, response.body.data(), response.body.size());
}

// Reads the body, refusing more than `cap` bytes whether or not Content-Length was sent.
std::optional<std::string> read_body(mg_connection* conn, long long content_length, size_t cap) {
  if (content_length > static_cast<long long>(cap)) return std::nullopt;
  std::string body;
  if (content_length > 0) body.reserve(static_cast<size_t>(content_length));
  char buffer[16384];
  for (;;) {
    const int n = mg_read(conn, buffer, sizeof buffer);
    if (n <= 0) break;
    body.append(buffer, static_cast<size_t>(n));
    if (body.size() > cap) return std::nullopt;
  }
  return body;
}

int handle_request(mg_connection* conn, void* server) {
  return static_cast<Server*>(server)->dispatch(conn);
}

int log_civetweb_message(const mg_connection*, const char* message) {
  log::warn(std::string("http: ") + message);
  return 1;
}

std::once_flag g_library_init;

// Opens and closes a TCP connection, ignoring any failure.
void knock(const std::string& host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) == 1) {
    ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  }
  ::close(fd);
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool compressible(const std::string& content_type) {
  return content_type.starts_with("application/json") || content_type.starts_with("text/") ||
         content_type.starts_with("application/javascript") ||
         content_type.starts_with("image/svg+xml");
}

bool has_header(const Response& response, std::string_view lower_name) {
  return std::any_of(response.headers.begin(), response.headers.end(),
                     [&](const auto& h) { return lower(h.first) == lower_name; });
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  for (std::string_view item : text::split(accept_encoding, ',')) {
    const auto semicolon = item.find(';');
    const std::string coding = lower(text::trim(item.substr(0, semicolon)));
    if (coding != "gzip" && coding != "x-gzip" && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    std::string_view q = text::trim(item.substr(semicolon + 1));
    if (!q.starts_with("q=")) return true;
    q.remove_prefix(2);
    // q=0, q=0.0, q=0.000 refuse; any other weight accepts.
    return q.find_first_not_of("0.") != std::string_view::npos;
  }
  return false;
}

void compress_if_accepted(const Request& request, Response& response, std::size_t min_bytes) {
  if (min_bytes == 0 || response.body.size() < min_bytes || !compressible(response.content_type) ||
      has_header(response, "content-encoding")) {
    return;
  }
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (!accepts_gzip(request.header("accept-encoding").value_or(""))) return;
  // Level 4: most of level 9's saving on JSON at a fraction of its CPU (a 4.5 MB fleet).
  std::string packed = gzip::compress(response.body, 4);
  if (packed.size() >= response.body.size()) return;
  response.body = std::move(packed);
  response.headers.emplace_back("Content-Encoding", "gzip");
}

std::optional<std::string> Request::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  for (std::string_view pair : text::split(query, '&')) {
    const auto eq = pair.find('=');
    const std::string key = url_decode(pair.substr(0, eq));
    if (key != name) continue;
    return eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

Response Response::text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  if (!r.body.empty() && r.body.back() != '\n') r.body += '\n';
  return r;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

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

Server::Server(Options options) : options_(std::move(options)) {}

Server::~Server() { stop(); }

void Server::route(const std::string& method, const std::string& path, Handler handler) {
  routes_.push_back(Route{method, path, std::move(handler)});
}

void Server::start() {
  validate_listen_address(options_.listen);
  std::call_once(g_library_init, [] { mg_init_library(0); });
  const std::string ports = to_civetweb_ports(options_.listen);
  const std::string threads = std::to_string(options_.threads);
  const std::string timeout = std::to_string(options_.request_timeout_ms);
  const char* civet_options[] = {"listening_ports",
                                 ports.c_str(),
                                 "num_threads",
                                 threads.c_str(),
                                 "request_timeout_ms",
                                 timeout.c_str(),
                                 "enable_keep_alive",
                                 "yes",
                                 "max_request_size",
                                 "65536",
                                 nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = log_civetweb_message;
  context_ = mg_start(&callbacks, this, civet_options);
  if (!context_) throw ServerError("cannot listen on '" + options_.listen + "'");
  mg_set_request_handler(context_, "/", handle_request, this);
}

// CivetWeb's master thread notices mg_stop() only when its poll() on the listening socket times
// out (about 2 s) or a connection arrives. Knocking on our own port until mg_stop() returns makes
// shutdown immediate, which matters for service restarts and for every test that stops a server.
void Server::stop() {
  if (!context_) return;
  const int bound_port = port();
  std::string host = "127.0.0.1";
  const std::string first = to_civetweb_ports(options_.listen);
  if (const auto colon = first.rfind(':'); colon != std::string::npos && colon > 0) {
    const std::string listed = first.substr(0, colon);
    if (listed != "0.0.0.0") host = listed;
  }
  std::atomic<bool> stopped{false};
  std::thread knocker([&] {
    while (!stopped) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      knock(host, bound_port);
    }
  });
  mg_stop(context_);
  stopped = true;
  knocker.join();
  context_ = nullptr;
}

int Server::port() const {
  if (!context_) return 0;
  mg_server_port ports[4];
  const int n = mg_get_server_ports(context_, 4, ports);
  return n > 0 ? ports[0].port : 0;
}

const Server::Route* Server::find_route(const std::string& method, const std::string& path,
                                        bool& path_known) const {
  const Route* best = nullptr;
  path_known = false;
  for (const Route& route : routes_) {
    const bool prefix = route.path.ends_with('*');
    const bool matches =
        prefix ? path.starts_with(std::string_view(route.path).substr(0, route.path.size() - 1))
               : path == route.path;
    if (!matches) continue;
    path_known = true;
    if (route.method != method) continue;
    if (!best || route.path.size() > best->path.size()) best = &route;
  }
  return best;
}

int Server::dispatch(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  Request request;
  request.method = info->request_method ? info->request_method : "";
  request.path = info->local_uri ? info->local_uri : "/";
  request.query = info->query_string ? info->query_string : "";
  request.remote_address = info->remote_addr;
  for (int i = 0; i < info->num_headers; ++i) {
    request.headers[lower(info->http_headers[i].name)] = info->http_headers[i].value;
  }

  bool path_known = false;
  const Route* route = find_route(request.method, request.path, path_known);
  if (!route) {
    send(conn,
         path_known ? Response::text(405, "method not allowed") : Response::text(404, "not found"));
    return 405;
  }
  auto body = read_body(conn, info->content_length, options_.max_body_bytes);
  if (!body) {
    Response too_large = Response::text(
        413, "request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    too_large.headers.emplace_back("Connection", "close");
    send(conn, too_large);
    return 413;
  }
  request.body = std::move(*body);
  Response response;
  try {
    response = route->handler(request);
  } catch (const std::exception& e) {
    log::error("http: " + request.method + " " + request.path + " failed: " + e.what());
    response = Response::text(500, "internal error");
  }
  compress_if_accepted(request, response, options_.gzip_min_bytes);
  send(conn, response);
  return response.status;
}

}  // namespace sahab::http
