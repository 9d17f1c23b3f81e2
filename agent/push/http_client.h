#pragma once
// The agent's HTTP(S) client for the collector: HTTP/1.1 POST over a TCP socket, TLS (mbedTLS)
// only for https URLs, certificate verification always on, optional CA file and client
// certificate, an http:// proxy from the configuration or the usual http_proxy/https_proxy/
// no_proxy environment (CONNECT tunnels for https), connect and total timeouts, and one kept-alive
// connection reused by the next request. Redirects are not followed (the answer is returned).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/push/http_wire.h"

namespace sahab::agent {

struct ClientOptions {
  std::string ca_file;      // empty: the system's trust store
  std::string client_cert;  // PEM; empty: none
  std::string client_key;   // PEM; empty: key inside client_cert
  std::string proxy;        // empty: https_proxy / http_proxy / no_proxy from the environment
  std::chrono::milliseconds connect_timeout{10'000};  // TCP, proxy tunnel and TLS handshake
  std::chrono::milliseconds timeout{60'000};          // the whole request
  http_wire::Limits limits;                           // on the answers
};

struct ClientResponse {
  long status = 0;  // 0 when no HTTP answer came back
  std::string body;
  std::string transport_error;  // why, when status == 0
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `headers` are "Name: value" lines; one request at a time (callers on other threads wait).
  ClientResponse post(const std::string& url, const std::string& body,
                      const std::vector<std::string>& headers) const;

 private:
  struct Connection;
  struct Request;

  std::unique_ptr<net::Stream> open(const Request& request) const;
  // The answer, or nullopt when a reused connection turned out closed before answering.
  std::optional<ClientResponse> exchange(Connection& connection, const Request& request,
                                         bool reused) const;

  ClientOptions options_;
  mutable std::mutex mutex_;
  mutable std::unique_ptr<net::TlsSettings> tls_;  // made by the first https request
  mutable std::unique_ptr<Connection> idle_;       // kept alive after the last answer
};

}  // namespace sahab::agent
