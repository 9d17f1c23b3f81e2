#pragma once
// Byte streams for the push client: a TCP connection with deadlines, and TLS over one (mbedTLS,
// whose resident cost is a fraction of OpenSSL 3's: docs/benchmarks.md). Every wait is bounded by
// a deadline; sockets are non-blocking and sends never raise SIGPIPE.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "agent/push/socket.h"

namespace sahab::agent::net {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// A failure to reach or talk to a peer; the message is meant for the log.
struct TransportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The deadline passed while waiting.
struct Timeout : TransportError {
  using TransportError::TransportError;
};

class Stream {
 public:
  virtual ~Stream() = default;
  // At least one byte, or 0 once the peer has closed. Throws TransportError, or Timeout when
  // `deadline` passes first (naming `what`).
  virtual std::size_t read_some(char* buffer, std::size_t size, Deadline deadline,
                                std::string_view what) = 0;
  virtual void write_all(std::string_view data, Deadline deadline) = 0;
  // Whether a kept-alive connection can carry another request: the peer has neither closed it
  // nor sent anything unasked.
  virtual bool reusable() const = 0;
};

class TcpStream final : public Stream {
 public:
  // Resolves `host` (the system resolver, bounded by its own timeouts) and connects to the first
  // address that accepts before `deadline`.
  static std::unique_ptr<TcpStream> connect(const std::string& host, int port, Deadline deadline);
  ~TcpStream() override;
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  std::size_t read_some(char* buffer, std::size_t size, Deadline deadline,
                        std::string_view what) override;
  void write_all(std::string_view data, Deadline deadline) override;
  bool reusable() const override;
  sock::Handle handle() const { return handle_; }

 private:
  explicit TcpStream(sock::Handle handle) : handle_(handle) {}
  sock::Handle handle_;
};

// Waits until `handle` is ready; throws Timeout naming `what` when the deadline passes first.
void wait_ready(sock::Handle handle, sock::Direction direction, Deadline deadline,
                std::string_view what);

// What TLS connections of one client share: the trusted CAs, the client certificate, a random
// generator. Built on the first https request only.
class TlsSettings {
 public:
  // Empty `ca_file`: the system's trust store. Empty `client_key`: the key is in `client_cert`.
  // Throws TransportError when a file cannot be read or parsed.
  TlsSettings(const std::string& ca_file, const std::string& client_cert,
              const std::string& client_key);
  ~TlsSettings();
  TlsSettings(const TlsSettings&) = delete;
  TlsSettings& operator=(const TlsSettings&) = delete;

  struct State;
  State& state() { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

class TlsStream final : public Stream {
 public:
  // Handshakes over `tcp` (then owned) and verifies the peer's certificate chain and that it
  // names `host` (a DNS name, or an IP address matched against the certificate's IP entries).
  static std::unique_ptr<TlsStream> handshake(TlsSettings& settings, std::unique_ptr<TcpStream> tcp,
                                              const std::string& host, Deadline deadline);
  ~TlsStream() override;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  std::size_t read_some(char* buffer, std::size_t size, Deadline deadline,
                        std::string_view what) override;
  void write_all(std::string_view data, Deadline deadline) override;
  bool reusable() const override;

  struct Session;

 private:
  explicit TlsStream(std::unique_ptr<Session> session);
  std::unique_ptr<Session> session_;
};

}  // namespace sahab::agent::net
