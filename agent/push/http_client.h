#pragma once
// The agent's HTTP(S) client (libcurl): certificate verification on, optional custom CA and client
// certificate, proxies from the configuration or the usual https_proxy/no_proxy environment.
#include <chrono>
#include <string>
#include <vector>

namespace sahab::agent {

struct ClientOptions {
  std::string ca_file;      // empty: the system's trust store
  std::string client_cert;  // PEM; empty: none
  std::string client_key;   // PEM; empty: key inside client_cert
  std::string proxy;        // empty: https_proxy / http_proxy / no_proxy from the environment
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};
};

struct ClientResponse {
  long status = 0;  // 0 when no HTTP answer came back
  std::string body;
  std::string transport_error;  // curl's message when status == 0
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options);

  ClientResponse post(const std::string& url, const std::string& body,
                      const std::vector<std::string>& headers) const;

 private:
  ClientOptions options_;
};

}  // namespace sahab::agent
