#pragma once
// Real peers on loopback for the push client's tests: an HTTP(S) server that answers with the
// exact bytes a test gives it (mbedTLS on the server side, certificates made by the openssl
// command), and a forward proxy that tunnels CONNECT and answers absolute-form requests itself.
#include <arpa/inet.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "unit/temp_dir.h"

namespace sahab::testing {

// A test CA, a server certificate for localhost and 127.0.0.1 from it, a client certificate from
// it, and a second CA and server certificate the client does not trust. Made once per run.
struct Certificates {
  TempDir dir;
  std::string file(const std::string& name) const { return (dir.path() / name).string(); }

  Certificates() {
    const std::string d = dir.path().string();
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const std::string script =
        "set -e; cd " + d + "; " +                                                         //
        "openssl req -x509" + ec + " -days 2 -subj /CN=ca -keyout ca.key -out ca.crt; " +  //
        "openssl req -x509" + ec + " -days 2 -subj /CN=other -keyout other.key -out other.crt; " +
        "issue() { openssl req" + ec + " -subj /CN=$1 -keyout $1.key -out $1.csr; " +
        "printf \"$3\" > $1.ext; openssl x509 -req -in $1.csr -CA $2.crt -CAkey $2.key " +
        "-CAcreateserial -days 2 -extfile $1.ext -out $1.crt; }; " +
        "issue server ca 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n'; " +
        "issue stranger other 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n'; " +
        "issue elsewhere ca 'subjectAltName=DNS:elsewhere.example,IP:10.9.9.9\\n'; " +
        "issue client ca 'extendedKeyUsage=clientAuth\\n'";
    if (std::system(("(" + script + ") >" + d + "/openssl.log 2>&1").c_str()) != 0)
      throw std::runtime_error("openssl could not make the test certificates");
  }
};

inline const Certificates& certificates() {
  static const Certificates made;
  return made;
}

// One received request: the head as sent and the body (by Content-Length).
struct Received {
  std::string head;
  std::string body;
};

// What the server does with a request.
struct Reply {
  std::string bytes;   // sent as they are
  bool close = false;  // close the connection after sending
  std::chrono::milliseconds delay{0};
};

class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
      throw std::runtime_error("cannot listen on loopback");
    port_ = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd_); }
  int port() const { return port_; }
  // A connection, or -1 once `stop` is set (checked every 50 ms).
  int accept(const std::atomic<bool>& stop) const {
    while (!stop) {
      pollfd polled{fd_, POLLIN, 0};
      if (::poll(&polled, 1, 50) > 0) return ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    }
    return -1;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Blocking byte I/O on an accepted connection, through TLS or not. MSG_NOSIGNAL: a client that
// went away must not end the test run with SIGPIPE.
inline int send_to(void* context, const unsigned char* data, std::size_t size) {
  const ssize_t sent =
      ::send(static_cast<mbedtls_net_context*>(context)->fd, data, size, MSG_NOSIGNAL);
  return sent >= 0 ? static_cast<int>(sent) : MBEDTLS_ERR_NET_SEND_FAILED;
}

class ServerConnection {
 public:
  ServerConnection(int fd, mbedtls_ssl_config* tls) : net_{fd} {
    if (!tls) return;
    mbedtls_ssl_init(&ssl_);
    tls_ = true;
    mbedtls_ssl_setup(&ssl_, tls);
    mbedtls_ssl_set_bio(&ssl_, &net_, send_to, mbedtls_net_recv, nullptr);
    handshaken_ = mbedtls_ssl_handshake(&ssl_) == 0;
  }
  ~ServerConnection() {
    if (tls_) mbedtls_ssl_free(&ssl_);
    ::close(net_.fd);
  }
  bool ready() const { return !tls_ || handshaken_; }
  int read(char* buffer, std::size_t size) {
    const int got = tls_ ? mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(buffer), size)
                         : static_cast<int>(::recv(net_.fd, buffer, size, 0));
    return got > 0 ? got : 0;
  }
  bool write(const std::string& data) {
    for (std::size_t sent = 0; sent < data.size();) {
      const auto* p = reinterpret_cast<const unsigned char*>(data.data()) + sent;
      const int n = tls_ ? mbedtls_ssl_write(&ssl_, p, data.size() - sent)
                         : static_cast<int>(::send(net_.fd, p, data.size() - sent, MSG_NOSIGNAL));
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // The next request (head through the blank line, then Content-Length bytes); false at EOF.
  bool next_request(Received& out) {
    std::string& buffer = pending_;
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      char chunk[4096];
      const int got = read(chunk, sizeof chunk);
      if (got == 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(got));
    }
    out.head = buffer.substr(0, end + 4);
    std::size_t length = 0;
    if (const auto at = out.head.find("Content-Length: "); at != std::string::npos)
      length = std::stoul(out.head.substr(at + 16));
    buffer.erase(0, end + 4);
    while (buffer.size() < length) {
      char chunk[4096];
      const int got = read(chunk, sizeof chunk);
      if (got == 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(got));
    }
    out.body = buffer.substr(0, length);
    buffer.erase(0, length);
    return true;
  }
  int fd() const { return net_.fd; }

 private:
  mbedtls_net_context net_;
  mbedtls_ssl_context ssl_{};
  bool tls_ = false;
  bool handshaken_ = false;
  std::string pending_;
};

// Server-side TLS with a certificate from `Certificates`; optionally demands a client certificate
// from the test CA.
class ServerTls {
 public:
  explicit ServerTls(const std::string& name, bool require_client_certificate = false) {
    const auto& c = certificates();
    mbedtls_entropy_init(&entropy_);
    mbedtls_ctr_drbg_init(&random_);
    mbedtls_x509_crt_init(&cert_);
    mbedtls_x509_crt_init(&ca_);
    mbedtls_pk_init(&key_);
    mbedtls_ssl_config_init(&config_);
    mbedtls_ctr_drbg_seed(&random_, mbedtls_entropy_func, &entropy_, nullptr, 0);
    if (mbedtls_x509_crt_parse_file(&cert_, c.file(name + ".crt").c_str()) != 0 ||
        mbedtls_pk_parse_keyfile(&key_, c.file(name + ".key").c_str(), nullptr) != 0 ||
        mbedtls_x509_crt_parse_file(&ca_, c.file("ca.crt").c_str()) != 0)
      throw std::runtime_error("cannot load the test server's certificate");
    mbedtls_ssl_config_defaults(&config_, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_rng(&config_, mbedtls_ctr_drbg_random, &random_);
    mbedtls_ssl_conf_own_cert(&config_, &cert_, &key_);
    mbedtls_ssl_conf_ca_chain(&config_, &ca_, nullptr);
    mbedtls_ssl_conf_authmode(&config_, require_client_certificate ? MBEDTLS_SSL_VERIFY_REQUIRED
                                                                   : MBEDTLS_SSL_VERIFY_NONE);
  }
  ~ServerTls() {
    mbedtls_ssl_config_free(&config_);
    mbedtls_pk_free(&key_);
    mbedtls_x509_crt_free(&ca_);
    mbedtls_x509_crt_free(&cert_);
    mbedtls_ctr_drbg_free(&random_);
    mbedtls_entropy_free(&entropy_);
  }
  mbedtls_ssl_config* config() { return &config_; }

 private:
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context random_;
  mbedtls_x509_crt cert_, ca_;
  mbedtls_pk_context key_;
  mbedtls_ssl_config config_;
};

// Serves one connection at a time; `respond` turns each request into the reply bytes.
class TestServer {
 public:
  explicit TestServer(std::function<Reply(const Received&)> respond, ServerTls* tls = nullptr)
      : respond_(std::move(respond)), tls_(tls), thread_([this] { run(); }) {}
  ~TestServer() {
    stop_ = true;
    thread_.join();
  }
  int port() const { return listener_.port(); }
  std::string url(const std::string& host = "127.0.0.1") const {
    return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port());
  }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  int connections() const { return connections_; }
  int handshakes() const { return handshakes_; }

 private:
  void run() {
    for (int fd; (fd = listener_.accept(stop_)) >= 0;) {
      ++connections_;
      ServerConnection connection(fd, tls_ ? tls_->config() : nullptr);
      if (!connection.ready()) continue;
      ++handshakes_;
      Received request;
      while (!stop_ && connection.next_request(request)) {
        {
          std::lock_guard lock(mutex_);
          received_.push_back(request);
        }
        const Reply reply = respond_(request);
        std::this_thread::sleep_for(reply.delay);
        if (!connection.write(reply.bytes) || reply.close) break;
      }
    }
  }

  std::function<Reply(const Received&)> respond_;
  ServerTls* tls_;
  Listener listener_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> handshakes_{0};
  std::mutex mutex_;
  std::vector<Received> received_;
  std::thread thread_;
};

// A forward proxy: CONNECT to a loopback port opens a tunnel (or is refused with 403 when
// `refuse_tunnels`); other requests get "200 proxied" without going anywhere.
class TestProxy {
 public:
  explicit TestProxy(bool refuse_tunnels = false)
      : refuse_(refuse_tunnels), thread_([this] { run(); }) {}
  ~TestProxy() {
    stop_ = true;
    thread_.join();
  }
  int port() const { return listener_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::vector<std::string> request_heads() {
    std::lock_guard lock(mutex_);
    return heads_;
  }

 private:
  void run() {
    for (int fd; (fd = listener_.accept(stop_)) >= 0;) {
      ServerConnection client(fd, nullptr);
      Received request;
      if (!client.next_request(request)) continue;
      {
        std::lock_guard lock(mutex_);
        heads_.push_back(request.head);
      }
      if (!request.head.starts_with("CONNECT ")) {
        client.write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nproxied");
      } else if (refuse_) {
        client.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
      } else {
        tunnel(client, std::stoi(request.head.substr(request.head.find(':') + 1)));
      }
    }
  }
  void tunnel(ServerConnection& client, int port) {
    const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        client.write("HTTP/1.1 200 Connection established\r\n\r\n")) {
      pollfd both[2] = {{client.fd(), POLLIN, 0}, {upstream, POLLIN, 0}};
      char buffer[16384];
      while (!stop_ && ::poll(both, 2, 50) >= 0) {
        const int from = (both[0].revents ? 0 : both[1].revents ? 1 : -1);
        if (from < 0) continue;
        const ssize_t got = ::recv(both[from].fd, buffer, sizeof buffer, 0);
        if (got <= 0 ||
            ::send(both[1 - from].fd, buffer, static_cast<std::size_t>(got), MSG_NOSIGNAL) != got)
          break;
      }
    }
    ::close(upstream);
  }

  bool refuse_;
  Listener listener_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> heads_;
  std::thread thread_;
};

}  // namespace sahab::testing
