#include "common/http_server.h"

#include <civetweb.h>
#ifdef _WIN32  // the Windows agent (docs/windows-agent.md): Winsock, no stack tuning
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "common/bounded_json.h"
#include "common/gzip.h"
#include "common/log.h"
#include "common/text.h"

#ifndef _WIN32
// Debian's CivetWeb starts its worker threads with 100 KiB stacks (pthread_attr_setstacksize(
// 102400)), and every handler runs on them: zlib, SQLite, nlohmann's recursive dump and the
// planner's readers together overflow that on hostile input (a SIGSEGV that stops the whole
// collector). This definition takes precedence over glibc's for CivetWeb's call (the executable
// exports it because a shared library uses it) and raises any smaller request to 8 MiB, the
// default of threads started without attributes. Untouched stack costs address space only.
extern "C" int pthread_attr_setstacksize(pthread_attr_t* attributes, std::size_t size) {
  constexpr std::size_t kMinimumStack = std::size_t{8} << 20;
  using Real = int (*)(pthread_attr_t*, std::size_t);
  static const auto real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "pthread_attr_setstacksize"));
  return real(attributes, std::max(size, kMinimumStack));
}
#endif

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
    case 507:
      return "Insufficient Storage";
    default:
      return "Unknown";
  }
}

// `form`: '+' stands for a space (query strings), not in paths.
std::string url_decode(std::string_view s, bool form = true) {
  std::string out(s.size() + 1, '\0');
  const int n = mg_url_decode(s.data(), static_cast<int>(s.size()), out.data(),
                              static_cast<int>(out.size()), form ? 1 : 0);
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

// Pieces of a streamed answer are gathered up to this size before a chunk is sent.
constexpr std::size_t kChunkBytes = 64 << 10;

// Sends the body of a streamed answer as chunks; see Response::stream.
void send_chunks(mg_connection* conn, const Response& response) {
  std::string pending;
  const auto flush = [&] {
    if (!pending.empty())
      mg_send_chunk(conn, pending.data(), static_cast<unsigned>(pending.size()));
    pending.clear();
  };
  try {
    response.stream([&](std::string_view piece) {
      pending += piece;
      if (pending.size() >= kChunkBytes) flush();
    });
  } catch (const std::exception& e) {
    log::error(std::string("http: a streamed answer failed after it began: ") + e.what());
    return;
  }
  flush();
  mg_write(conn, "0\r\n\r\n", 5);
}

// `keep_alive_seconds` > 0 announces how long an idle connection stays open.
void send(mg_connection* conn, const Response& response, bool head_only, int keep_alive_seconds) {
  std::string head =
      "HTTP/1.1 " + std::to_string(response.status) + " " + status_text(response.status) + "\r\n";
  head += "Content-Type: " + response.content_type + "\r\n";
  if (response.stream) {
    head += "Transfer-Encoding: chunked\r\n";
  } else {
    head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  }
  // Browsers must not guess a type: a JSON answer holding markup never renders as HTML.
  head += "X-Content-Type-Options: nosniff\r\n";
  if (keep_alive_seconds > 0) {
    head += "Keep-Alive: timeout=" + std::to_string(keep_alive_seconds) + "\r\n";
  }
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  head += "\r\n";
  // An answer up to this size goes out in one write with its head: one send, one segment and
  // one wake-up of the client fewer (the agent's /metrics: 3 % off its median latency,
  // docs/benchmarks.md); a larger one is not copied.
  constexpr std::size_t kOneWriteBytes = 256 * 1024;
  if (!head_only && !response.stream && response.body.size() <= kOneWriteBytes) {
    head += response.body;
    mg_write(conn, head.data(), head.size());
    return;
  }
  mg_write(conn, head.data(), head.size());
  if (head_only) return;
  if (response.stream) {
    send_chunks(conn, response);
  } else {
    mg_write(conn, response.body.data(), response.body.size());
  }
}

Response closing(Response response) {
  response.headers.emplace_back("Connection", "close");
  return response;
}

// Reads the body into `request` (its string, or a BodyFile for kFile routes), piece by piece;
// false, with the reading stopped, past `cap` bytes whether or not Content-Length was sent.
bool read_body(mg_connection* conn, long long content_length, size_t cap, BodyStorage storage,
               Request& request) {
  if (content_length > static_cast<long long>(cap)) return false;
  std::function<void(std::string_view)> keep;
  std::size_t size = 0;
  if (storage == BodyStorage::kFile) {
    request.body_file = std::make_shared<BodyFile>();
    keep = [file = request.body_file.get()](std::string_view piece) { file->append(piece); };
  } else {
    if (content_length > 0) request.body.reserve(static_cast<size_t>(content_length));
    keep = [&request](std::string_view piece) { request.body.append(piece); };
  }
  char buffer[16384];
  for (;;) {
    const int n = mg_read(conn, buffer, sizeof buffer);
    if (n <= 0) break;
    size += static_cast<size_t>(n);
    if (size > cap) return false;
    keep(std::string_view(buffer, static_cast<size_t>(n)));
  }
  return true;
}

#ifdef _WIN32
// CivetWeb's Windows threads take the executable's default stack; nothing is given back.
void release_stack_below_here() {}
#else
// The lowest usable address of this thread's stack (above its guard), found once per thread.
const char* stack_floor() {
  static thread_local const char* const floor = [] {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0)
      return static_cast<const char*>(nullptr);
    void* address = nullptr;
    std::size_t size = 0;
    std::size_t guard = 0;
    pthread_attr_getstack(&attributes, &address, &size);
    pthread_attr_getguardsize(&attributes, &guard);
    pthread_attr_destroy(&attributes);
    return static_cast<const char*>(address) + guard;
  }();
  return floor;
}

// Drops the resident pages of this thread's stack below the live frames: from the floor up to
// the page holding the address 256 bytes under this function's locals, which is kept. The madvise
// wrapper's frame (a return address) and the red zone (128 bytes) fit in those 256 bytes; a whole
// page kept below them left every worker ~4 KiB heavier (40 workers: 160 KiB of the agent's RSS,
// docs/benchmarks.md). Nothing lives below the stack pointer, and touched-again pages come back
// zeroed.
void release_stack_below_here() {
  const char* floor = stack_floor();
  if (!floor) return;
  volatile char marker = 0;
  constexpr std::uintptr_t kMargin = 256;
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto top = (reinterpret_cast<std::uintptr_t>(&marker) - kMargin) & ~(page - 1);
  const auto bottom = (reinterpret_cast<std::uintptr_t>(floor) + page - 1) & ~(page - 1);
  if (top > bottom) ::madvise(reinterpret_cast<void*>(bottom), top - bottom, MADV_DONTNEED);
}
#endif

int handle_request(mg_connection* conn, void* server) {
  return static_cast<Server*>(server)->dispatch(conn);
}

void on_connection_closed(const mg_connection* conn) {
  // Not mg_get_request_info(): between requests of a keep-alive connection it answers null.
  if (void* server = mg_get_user_data(mg_get_context(conn))) {
    static_cast<Server*>(server)->connection_closed(conn);
  }
}

int log_civetweb_message(const mg_connection*, const char* message) {
  log::warn(std::string("http: ") + message);
  return 1;
}

std::once_flag g_library_init;

// Opens and closes a TCP connection, ignoring any failure.
void knock(const std::string& host, int port) {
#ifdef _WIN32
  const SOCKET fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd == INVALID_SOCKET) return;
#else
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
#endif
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) == 1) {
    ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  }
#ifdef _WIN32
  ::closesocket(fd);
#else
  ::close(fd);
#endif
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

// The web UI and the agents are same-origin or not browsers at all: no cross-origin caller is
// ever allowed, so a preflight (OPTIONS with Origin) is refused and nothing announces CORS.
Response preflight(const Request& request) {
  if (request.header("origin")) {
    return Response::text(403, "cross-origin requests are not allowed");
  }
  Response allowed = Response::text(204, "");
  allowed.headers.emplace_back("Allow", "GET, HEAD, POST, PUT, DELETE");
  return allowed;
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

namespace {

// Level 4: most of level 9's saving on JSON at a fraction of its CPU (a 4.5 MB fleet).
constexpr int kGzipLevel = 4;

// A streamed answer gzipped as it is written.
void compress_stream(Response& response) {
  response.stream = [inner = std::move(response.stream)](const Response::Writer& write) {
    gzip::Compressor compressor(kGzipLevel);
    inner([&](std::string_view piece) {
      const std::string packed = compressor.add(piece);
      if (!packed.empty()) write(packed);
    });
    write(compressor.finish());
  };
}

}  // namespace

void compress_if_accepted(const Request& request, Response& response, std::size_t min_bytes) {
  const bool large = response.stream || response.body.size() >= min_bytes;
  if (min_bytes == 0 || !large || !compressible(response.content_type) ||
      has_header(response, "content-encoding")) {
    return;
  }
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (!accepts_gzip(request.header("accept-encoding").value_or(""))) return;
  if (response.stream) {
    compress_stream(response);
    response.headers.emplace_back("Content-Encoding", "gzip");
    return;
  }
  std::string packed = gzip::compress(response.body, kGzipLevel);
  if (packed.size() >= response.body.size()) return;
  response.body = std::move(packed);
  response.headers.emplace_back("Content-Encoding", "gzip");
}

std::optional<std::string> Request::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

const std::string& Request::param(const std::string& name) const {
  static const std::string kNone;
  const auto it = params.find(name);
  return it == params.end() ? kNone : it->second;
}

std::string_view Request::content() const { return body_file ? body_file->view() : body; }

#ifdef _WIN32
BodyFile::BodyFile() {
  throw std::system_error(std::make_error_code(std::errc::not_supported), "request body file");
}
BodyFile::~BodyFile() = default;
void BodyFile::append(std::string_view) {}
std::string_view BodyFile::view() { return {}; }
#else
BodyFile::BodyFile() {
  const char* dir = std::getenv("TMPDIR");
  std::string name = std::string(dir && *dir ? dir : "/tmp") + "/sahab-body.XXXXXX";
  fd_ = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "temporary file " + name);
  ::unlink(name.c_str());  // nothing is left behind, whatever happens to the process
}

BodyFile::~BodyFile() {
  if (map_) ::munmap(map_, size_);
  ::close(fd_);
}

void BodyFile::append(std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "writing the request body");
    data.remove_prefix(static_cast<std::size_t>(n));
    size_ += static_cast<std::size_t>(n);
  }
}

std::string_view BodyFile::view() {
  if (size_ == 0) return {};
  if (!map_) {
    void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (map == MAP_FAILED)
      throw std::system_error(errno, std::generic_category(), "mapping the request body");
    map_ = map;
  }
  return {static_cast<const char*>(map_), size_};
}
#endif

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

// Open connections per client address. A connection is counted from its first request (CivetWeb
// knows the address only then) until CivetWeb closes it; its counted address is kept as the
// connection's user data.
class Server::ConnectionCounter {
 public:
  ConnectionCounter(int cap, std::vector<std::string> exempt)
      : cap_(cap), exempt_(std::move(exempt)) {}

  // false when `address` already holds the cap.
  bool admit(const mg_connection* conn, const std::string& address) {
    if (cap_ <= 0 || mg_get_user_connection_data(conn) != nullptr) return true;
    if (std::find(exempt_.begin(), exempt_.end(), address) != exempt_.end()) return true;
    std::lock_guard lock(mutex_);
    auto [it, inserted] = open_.try_emplace(address, 0);
    if (it->second >= cap_) return false;
    ++it->second;
    // The map's key outlives the connection's use of it: entries are erased only at zero.
    mg_set_user_connection_data(conn, const_cast<std::string*>(&it->first));
    return true;
  }

  void release(const mg_connection* conn) {
    const auto* address = static_cast<const std::string*>(mg_get_user_connection_data(conn));
    if (!address) return;
    std::lock_guard lock(mutex_);
    const auto it = open_.find(*address);
    if (it != open_.end() && --it->second <= 0) open_.erase(it);
  }

 private:
  const int cap_;
  const std::vector<std::string> exempt_;
  std::mutex mutex_;
  std::unordered_map<std::string, int> open_;
};

Server::Server(Options options)
    : options_(std::move(options)),
      connections_(std::make_unique<ConnectionCounter>(options_.max_connections_per_address,
                                                       options_.connection_cap_exempt)) {}

Server::~Server() { stop(); }

void Server::route(const std::string& method, const std::string& path, Handler handler,
                   std::size_t max_body_bytes, BodyStorage storage, Gate gate) {
  routes_.push_back(Route{method, path, std::move(handler),
                          max_body_bytes ? max_body_bytes : options_.max_body_bytes, storage,
                          std::move(gate)});
}

void Server::connection_closed(const mg_connection* conn) {
  connections_->release(conn);
  // Called on the worker, whose frames below this one are done with the connection.
  if (options_.release_worker_stacks) release_stack_below_here();
}

void Server::start() {
  validate_listen_address(options_.listen);
  std::call_once(g_library_init, [] { mg_init_library(0); });
  const std::string ports = to_civetweb_ports(options_.listen);
  const std::string threads = std::to_string(options_.threads);
  const std::string timeout = std::to_string(options_.request_timeout_ms);
  const std::string keep_alive = std::to_string(options_.keep_alive_timeout_ms);
  const std::string max_header = std::to_string(options_.max_header_bytes);
  // tcp_nodelay: an answer is written as its head, then its body; without it the body waits for
  // the client's delayed ACK (40 ms on Linux).
  // Empty CORS settings: CivetWeb then answers no preflight itself (its default allows any
  // origin), and every OPTIONS reaches dispatch(), which refuses cross-origin ones.
  const char* civet_options[] = {"listening_ports",
                                 ports.c_str(),
                                 "num_threads",
                                 threads.c_str(),
                                 "request_timeout_ms",
                                 timeout.c_str(),
                                 "keep_alive_timeout_ms",
                                 keep_alive.c_str(),
                                 "enable_keep_alive",
                                 "yes",
                                 "max_request_size",
                                 max_header.c_str(),
                                 "decode_url",
                                 "no",
                                 "tcp_nodelay",
                                 "1",
                                 "access_control_allow_origin",
                                 "",
                                 "access_control_allow_methods",
                                 "",
                                 "access_control_allow_headers",
                                 "",
                                 nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = log_civetweb_message;
  // connection_close, not connection_closed: CivetWeb clears the connection's user data between the
  // two, and the counted address is kept there.
  callbacks.connection_close = on_connection_closed;
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

namespace {

// How well a route's path matches `path`: 0 not at all; exact paths rank above patterns (more
// literal segments first), patterns above prefixes (longer first). Fills `params` for patterns.
std::size_t match_rank(const std::string& route, const std::string& path,
                       std::map<std::string, std::string>& params) {
  constexpr std::size_t kExact = std::size_t{1} << 40, kPattern = std::size_t{1} << 20;
  if (route.ends_with('*')) {
    return path.starts_with(std::string_view(route).substr(0, route.size() - 1)) ? route.size() : 0;
  }
  if (route.find('{') == std::string::npos) return route == path ? kExact : 0;
  const auto route_segments = text::split(route, '/');
  const auto path_segments = text::split(path, '/');
  if (route_segments.size() != path_segments.size()) return 0;
  std::map<std::string, std::string> found;
  std::size_t literal = 0;
  for (std::size_t i = 0; i < route_segments.size(); ++i) {
    const std::string_view r = route_segments[i], p = path_segments[i];
    if (r.starts_with('{') && r.ends_with('}')) {
      if (p.empty()) return 0;
      found.emplace(std::string(r.substr(1, r.size() - 2)), std::string(p));
    } else if (r != p) {
      return 0;
    } else {
      ++literal;
    }
  }
  params = std::move(found);
  return kPattern + literal;
}

}  // namespace

const Server::Route* Server::find_route(const std::string& method, const std::string& path,
                                        bool& path_known,
                                        std::map<std::string, std::string>& params) const {
  const Route* best = nullptr;
  std::size_t best_rank = 0;
  path_known = false;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> captured;
    const std::size_t rank = match_rank(route.path, path, captured);
    if (rank == 0) continue;
    path_known = true;
    if (route.method != method || rank <= best_rank) continue;
    best = &route;
    best_rank = rank;
    params = std::move(captured);
  }
  return best;
}

// Requests CivetWeb lets through but that a careful server refuses: ambiguous body framing
// (request smuggling through a proxy), NUL bytes and parent segments in the decoded path.
std::optional<Response> Server::refuse_malformed(const mg_request_info& info,
                                                 const std::string& path) const {
  int content_lengths = 0;
  bool chunked = false;
  for (int i = 0; i < info.num_headers; ++i) {
    const std::string name = lower(info.http_headers[i].name);
    if (name == "content-length") ++content_lengths;
    if (name == "transfer-encoding") chunked = true;
  }
  if (content_lengths > 1) return closing(Response::text(400, "more than one Content-Length"));
  if (content_lengths == 1 && chunked) {
    return closing(Response::text(400, "both Content-Length and Transfer-Encoding"));
  }
  // CivetWeb's own decoding would turn %00 into a NUL that ends the path early ("/a%00/b" served
  // as "/a"), so paths arrive raw and are decoded here, where a NUL is visible.
  if (path.find('\0') != std::string::npos)
    return closing(Response::text(400, "NUL byte in the path"));
  if (path.find("/../") != std::string::npos || path.ends_with("/..")) {
    return closing(Response::text(400, "'..' in the path"));
  }
  return std::nullopt;
}

int Server::dispatch(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  Request request;
  request.method = info->request_method ? info->request_method : "";
  request.path = url_decode(info->local_uri ? info->local_uri : "/", false);
  request.query = info->query_string ? info->query_string : "";
  request.remote_address = info->remote_addr;
  for (int i = 0; i < info->num_headers; ++i) {
    request.headers[lower(info->http_headers[i].name)] = info->http_headers[i].value;
  }
  const bool head_only = request.method == "HEAD";
  const int keep_alive_seconds = std::max(1, options_.keep_alive_timeout_ms / 1000 - 1);
  const auto answer = [&](const Response& response) {
    send(conn, response, head_only, keep_alive_seconds);
    return response.status;
  };

  if (!connections_->admit(conn, request.remote_address)) {
    return answer(closing(Response::text(
        503, "too many connections from " + request.remote_address + "; retry later")));
  }
  if (auto refusal = refuse_malformed(*info, request.path)) return answer(*refusal);
  if (request.method == "OPTIONS") return answer(preflight(request));

  bool path_known = false;
  const Route* route =
      find_route(head_only ? "GET" : request.method, request.path, path_known, request.params);
  if (!route) {
    return answer(path_known ? Response::text(405, "method not allowed")
                             : Response::text(404, "not found"));
  }
  if (route->gate) {
    if (auto refused = route->gate(request)) return answer(closing(std::move(*refused)));
  }
  try {
    if (!read_body(conn, info->content_length, route->max_body_bytes, route->storage, request)) {
      return answer(closing(Response::text(
          413, "request body exceeds " + std::to_string(route->max_body_bytes) + " bytes")));
    }
  } catch (const std::system_error& e) {  // no room for a body kept in a file
    log::error("http: " + request.method + " " + request.path + ": " + e.what());
    return answer(closing(Response::text(507, "no room to keep the request body")));
  }
  Response response;
  try {
    response = route->handler(request);
  } catch (const bounded_json::Error& e) {
    // The message may quote the body, which need not be UTF-8.
    const nlohmann::json error{{"error", std::string("body: ") + e.what()}};
    response =
        Response::json(400, error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } catch (const std::exception& e) {
    log::error("http: " + request.method + " " + request.path + " failed: " + e.what());
    response = Response::text(500, "internal error");
  }
  compress_if_accepted(request, response, options_.gzip_min_bytes);
  // HTTP/1.0 has no chunked encoding: such a (rare) client gets the streamed answer whole.
  if (response.stream && std::string_view(info->http_version ? info->http_version : "") == "1.0") {
    std::string body;
    response.stream([&body](std::string_view piece) { body += piece; });
    response.body = std::move(body);
    response.stream = nullptr;
  }
  return answer(response);
}

}  // namespace sahab::http
