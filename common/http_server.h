#pragma once
// A small HTTP server on CivetWeb's C API, shared by the agent and the collector.
// Handlers see whole requests (body capped, 413 beyond the cap) and return whole responses.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/listen_address.h"

struct mg_context;
struct mg_connection;
struct mg_request_info;

namespace sahab::http {

// A request body kept in an unnamed temporary file (a route declared with BodyStorage::kFile):
// written as it is received, so that memory does not grow with the body (a 64 MiB import). The
// file is unlinked as soon as it is made and freed when its BodyFile closes it. Not on Windows,
// where no route takes large uploads (the agent).
class BodyFile {
 public:
  // In $TMPDIR, else /tmp. Throws std::system_error naming the directory.
  BodyFile();
  ~BodyFile();
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  // Throws std::system_error (a full disk).
  void append(std::string_view data);
  std::size_t size() const { return size_; }
  // The whole body, mapped read-only the first time (no copy: its pages come from the page cache
  // as they are read). Valid while the BodyFile lives; no append after it.
  std::string_view view();

 private:
  int fd_ = -1;
  std::size_t size_ = 0;
  void* map_ = nullptr;
};

// Where a route's request body is kept while its handler runs.
enum class BodyStorage { kMemory, kFile };

struct Request {
  std::string method;
  std::string path;                            // decoded, without the query string
  std::string query;                           // raw, after '?'
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // empty when the route keeps bodies in a file
  std::shared_ptr<BodyFile> body_file;         // BodyStorage::kFile routes: the body
  std::string remote_address;
  // The segments a route pattern named: "/api/v1/hosts/{id}" on "/api/v1/hosts/h1" gives id=h1.
  std::map<std::string, std::string> params;

  std::optional<std::string> header(const std::string& lower_name) const;
  // A segment the route pattern named; empty when it has no such name.
  const std::string& param(const std::string& name) const;
  // The body wherever it is kept (in `body`, or mapped from `body_file`).
  std::string_view content() const;
  // Decoded value of a query parameter; nullopt when absent.
  std::optional<std::string> query_param(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set instead of `body` for an answer written while it is produced (a large export): `stream`
  // calls `write` with each next piece, sent at once in chunks (Transfer-Encoding: chunked), so
  // memory stays independent of the answer's size. An exception after the first piece cannot
  // become an error status any more: it is logged and the answer ends without its last chunk,
  // which clients report as a broken transfer rather than taking it for a whole one.
  using Writer = std::function<void(std::string_view)>;
  std::function<void(const Writer& write)> stream{};

  static Response text(int status, std::string body);
  static Response json(int status, std::string body);
};

using Handler = std::function<Response(const Request&)>;
// Checked before a route's body is read, on what the headers carry (credentials): a refusal is
// answered at once and the connection closed, so a caller without the right cannot make the
// server receive a large body (and, for kFile routes, write it to disk).
using Gate = std::function<std::optional<Response>(const Request&)>;

struct Options {
  // CivetWeb listening_ports syntax: "9100", "127.0.0.1:9100", "0.0.0.0:0" (port 0 = any free
  // port).
  std::string listen = "127.0.0.1:0";
  // CivetWeb serves one connection per thread, from the first header byte until the connection
  // closes: a client that opens sockets and trickles (or sends nothing) holds one thread each
  // until a timeout. Enough threads, short timeouts and a cap per client address keep the server
  // answering (docs/security.md).
  int threads = 8;
  // Request line and headers; CivetWeb allocates this much per worker thread.
  std::size_t max_header_bytes = 65536;
  // Default cap on a request body; routes may set a smaller or larger one.
  std::size_t max_body_bytes = 1 << 20;
  // Reading one request (headers and body) must finish within this time.
  int request_timeout_ms = 10'000;
  // An idle keep-alive connection is closed after this time; answers announce one second less
  // ("Keep-Alive: timeout=N"), so a client that honours it never reuses a connection that the
  // server is closing.
  int keep_alive_timeout_ms = 6'000;
  // Connections one client address may hold open at once; beyond it the server answers 503 and
  // closes. 0 disables the cap. `connection_cap_exempt` lists addresses (e.g. a trusted reverse
  // proxy) that carry many clients' connections.
  int max_connections_per_address = 0;
  std::vector<std::string> connection_cap_exempt;
  // Answers of at least this many bytes are gzipped when the client sends Accept-Encoding: gzip
  // (JSON, text, scripts, styles); 0 never compresses.
  std::size_t gzip_min_bytes = 0;
  // When a connection closes, its worker gives back the stack pages it touched serving it.
  // CivetWeb hands connections to its workers in turn, so otherwise each of many mostly idle
  // workers keeps ~40 KiB resident; the cost is a few page faults on the worker's next
  // connection.
  bool release_worker_stacks = false;
};

// Whether an Accept-Encoding header value allows gzip ("gzip", "gzip;q=0.5", "*"; not "gzip;q=0").
bool accepts_gzip(std::string_view accept_encoding);

// Gzips `response` in place when the request accepts gzip, the body is at least `min_bytes` of a
// compressible type, not already encoded, and compressing makes it smaller; adds
// "Vary: Accept-Encoding" to every answer whose encoding depends on the request. A streamed
// answer of a compressible type is gzipped as it is written (its size is not known beforehand).
void compress_if_accepted(const Request& request, Response& response, std::size_t min_bytes);

class Server {
 public:
  explicit Server(Options options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // `path` is exact ("/healthz"), a pattern whose "{name}" segments match one non-empty segment
  // each and land in Request::params ("/api/v1/hosts/{id}/utilisation"), or a prefix when it ends
  // with '*' ("/assets/*"). Exact paths win over patterns, patterns with more literal segments
  // over others, patterns over prefixes, longer prefixes over shorter. A known path with another
  // method gets 405; HEAD is answered by the GET route without its body. `max_body_bytes` (0: the
  // server's default) caps the body as sent; `storage` kFile writes it to a BodyFile as it is
  // received (large uploads); `gate`, when set, may refuse the request before its body is read.
  void route(const std::string& method, const std::string& path, Handler handler,
             std::size_t max_body_bytes = 0, BodyStorage storage = BodyStorage::kMemory,
             Gate gate = nullptr);

  void start();  // throws ServerError naming the address when it cannot listen
  void stop();
  int port() const;  // the bound port, useful after listening on port 0

  // Internal: called from CivetWeb's thread.
  int dispatch(::mg_connection* conn);
  void connection_closed(const ::mg_connection* conn);

 private:
  struct Route {
    std::string method;
    std::string path;
    Handler handler;
    std::size_t max_body_bytes;
    BodyStorage storage;
    Gate gate;
  };
  class ConnectionCounter;
  const Route* find_route(const std::string& method, const std::string& path, bool& path_known,
                          std::map<std::string, std::string>& params) const;

  std::optional<Response> refuse_malformed(const ::mg_request_info& info,
                                           const std::string& path) const;

  Options options_;
  std::vector<Route> routes_;
  std::unique_ptr<ConnectionCounter> connections_;
  mg_context* context_ = nullptr;
};

}  // namespace sahab::http
