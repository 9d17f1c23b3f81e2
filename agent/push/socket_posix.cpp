// The push transport's sockets on Linux: POSIX sockets and poll(2).
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "agent/push/socket.h"
#include "agent/push/transport.h"

namespace sahab::agent::net::sock {
namespace {

Result io_result(ssize_t done) {
  if (done >= 0) return {Status::kDone, static_cast<std::size_t>(done), 0};
  const int error = errno;
  if (error == EAGAIN || error == EWOULDBLOCK || error == EINTR)
    return {Status::kWouldBlock, 0, error};
  if (error == EPIPE || error == ECONNRESET) return {Status::kReset, 0, error};
  return {Status::kFailed, 0, error};
}

}  // namespace

Addresses resolve(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
      rc != 0)
    throw TransportError("could not resolve host " + host + ": " + ::gai_strerror(rc));
  return Addresses(found, ::freeaddrinfo);
}

const addrinfo* next(const addrinfo& address) { return address.ai_next; }

bool open_socket(const addrinfo& address, Handle& handle, int& error) {
  handle = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    address.ai_protocol);
  error = handle < 0 ? errno : 0;
  return handle >= 0;
}

Result start_connect(Handle handle, const addrinfo& address) {
  if (::connect(handle, address.ai_addr, address.ai_addrlen) == 0) return {};
  const int error = errno;
  return {error == EINPROGRESS ? Status::kWouldBlock : Status::kFailed, 0, error};
}

int pending_error(Handle handle) {
  int error = 0;
  socklen_t size = sizeof error;
  if (::getsockopt(handle, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
  return error;
}

void set_no_delay(Handle handle) {
  const int on = 1;
  ::setsockopt(handle, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

void close_socket(Handle handle) { ::close(handle); }

Result send_some(Handle handle, const char* data, std::size_t size) {
  return io_result(::send(handle, data, size, MSG_NOSIGNAL));
}

Result receive_some(Handle handle, char* data, std::size_t size) {
  return io_result(::recv(handle, data, size, 0));
}

bool wait(Handle handle, Direction direction, int timeout_ms) {
  pollfd polled{handle, static_cast<short>(direction == Direction::kRead ? POLLIN : POLLOUT), 0};
  const int ready = ::poll(&polled, 1, timeout_ms);
  if (ready < 0 && errno != EINTR) throw TransportError("poll failed: " + error_text(errno));
  return ready > 0;
}

std::string error_text(int error) { return std::strerror(error); }

std::string ip_address_bytes(const std::string& host) {
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1)
    return std::string(reinterpret_cast<const char*>(&v6), sizeof v6);
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
    return std::string(reinterpret_cast<const char*>(&v4), sizeof v4);
  return "";
}

}  // namespace sahab::agent::net::sock
