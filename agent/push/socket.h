#pragma once
// The few socket calls of the push transport (transport.cpp), over POSIX sockets
// (socket_posix.cpp) or Winsock (socket_windows.cpp): the transport's logic (deadlines, address
// fallback, TLS) is written once against these. Sockets are non-blocking; sends never raise
// SIGPIPE.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

struct addrinfo;

namespace sahab::agent::net::sock {

#ifdef _WIN32
using Handle = std::uintptr_t;  // SOCKET
#else
using Handle = int;
#endif

// The system resolver's TCP addresses of host:port; throws TransportError naming the host.
using Addresses = std::unique_ptr<addrinfo, void (*)(addrinfo*)>;
Addresses resolve(const std::string& host, int port);
// The address after `address` in the resolver's list, or null.
const addrinfo* next(const addrinfo& address);

// The outcome of starting a connection or of one send/receive.
enum class Status {
  kDone,        // connected; or `bytes` sent or received (0 received: the peer closed)
  kWouldBlock,  // wait for readiness and try again (for a connect: wait, then pending_error)
  kReset,       // the peer reset or closed the connection
  kFailed,      // anything else; `error` says what
};
struct Result {
  Status status = Status::kDone;
  std::size_t bytes = 0;
  int error = 0;  // errno or WSAGetLastError, for error_text
};

// Opens a non-blocking socket for `address` into `handle`; false with `error` set on failure.
bool open_socket(const addrinfo& address, Handle& handle, int& error);
Result start_connect(Handle handle, const addrinfo& address);
// After a connect reported writable: 0 when connected, else the error (SO_ERROR).
int pending_error(Handle handle);
// The request head and body go out in separate writes: no Nagle delay between them.
void set_no_delay(Handle handle);
void close_socket(Handle handle);

Result send_some(Handle handle, const char* data, std::size_t size);
Result receive_some(Handle handle, char* data, std::size_t size);

enum class Direction { kRead, kWrite };
// Waits up to `timeout_ms` for `handle` to be ready; true when ready (or in error: the next call
// on it says which), false on timeout. Throws TransportError when waiting itself fails.
bool wait(Handle handle, Direction direction, int timeout_ms);

std::string error_text(int error);

// The binary form of an IPv4 or IPv6 literal ("[::1]" already unbracketed), or empty for a name.
std::string ip_address_bytes(const std::string& host);

}  // namespace sahab::agent::net::sock
