// The push transport's sockets on Windows: Winsock 2. Readiness is waited for with select(),
// not WSAPoll, which before Windows 10 2004 never reports a refused connect (it times out).
#include <winsock2.h>
#include <ws2tcpip.h>

#include <algorithm>
#include <climits>
#include <mutex>

#include "agent/push/socket.h"
#include "agent/push/transport.h"

namespace sahab::agent::net::sock {
namespace {

// Winsock needs WSAStartup once per process before any other call; never undone (the agent's
// sockets live as long as the process).
void start_winsock() {
  static std::once_flag started;
  std::call_once(started, [] {
    WSADATA data;
    if (const int rc = WSAStartup(MAKEWORD(2, 2), &data); rc != 0)
      throw TransportError("cannot start Winsock: " + error_text(rc));
  });
}

int clamp(std::size_t size) { return static_cast<int>(std::min<std::size_t>(size, INT_MAX)); }

Result io_result(int done) {
  if (done != SOCKET_ERROR) return {Status::kDone, static_cast<std::size_t>(done), 0};
  const int error = WSAGetLastError();
  if (error == WSAEWOULDBLOCK || error == WSAEINTR) return {Status::kWouldBlock, 0, error};
  if (error == WSAECONNRESET || error == WSAECONNABORTED || error == WSAESHUTDOWN)
    return {Status::kReset, 0, error};
  return {Status::kFailed, 0, error};
}

}  // namespace

Addresses resolve(const std::string& host, int port) {
  start_winsock();
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
      rc != 0)
    throw TransportError("could not resolve host " + host + ": " + error_text(rc));
  return Addresses(found, ::freeaddrinfo);
}

const addrinfo* next(const addrinfo& address) { return address.ai_next; }

bool open_socket(const addrinfo& address, Handle& handle, int& error) {
  // Not inherited by child processes (the agent starts none, but a handle leak costs nothing
  // to prevent).
  const SOCKET s = WSASocketW(address.ai_family, address.ai_socktype, address.ai_protocol, nullptr,
                              0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) {
    error = WSAGetLastError();
    return false;
  }
  u_long non_blocking = 1;
  if (ioctlsocket(s, FIONBIO, &non_blocking) != 0) {
    error = WSAGetLastError();
    closesocket(s);
    return false;
  }
  handle = s;
  error = 0;
  return true;
}

Result start_connect(Handle handle, const addrinfo& address) {
  if (::connect(handle, address.ai_addr, static_cast<int>(address.ai_addrlen)) == 0) return {};
  const int error = WSAGetLastError();
  return {error == WSAEWOULDBLOCK ? Status::kWouldBlock : Status::kFailed, 0, error};
}

int pending_error(Handle handle) {
  int error = 0;
  int size = sizeof error;
  if (::getsockopt(handle, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &size) != 0)
    return WSAGetLastError();
  return error;
}

void set_no_delay(Handle handle) {
  const BOOL on = TRUE;
  ::setsockopt(handle, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&on), sizeof on);
}

void close_socket(Handle handle) { ::closesocket(handle); }

Result send_some(Handle handle, const char* data, std::size_t size) {
  return io_result(::send(handle, data, clamp(size), 0));  // Windows raises no SIGPIPE
}

Result receive_some(Handle handle, char* data, std::size_t size) {
  return io_result(::recv(handle, data, clamp(size), 0));
}

bool wait(Handle handle, Direction direction, int timeout_ms) {
  fd_set ready;
  fd_set failed;  // a refused or failed connect is reported here, not as writable
  FD_ZERO(&ready);
  FD_ZERO(&failed);
  FD_SET(handle, &ready);
  FD_SET(handle, &failed);
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  const int count = ::select(0, direction == Direction::kRead ? &ready : nullptr,
                             direction == Direction::kWrite ? &ready : nullptr, &failed, &timeout);
  if (count == SOCKET_ERROR)
    throw TransportError("select failed: " + error_text(WSAGetLastError()));
  return count > 0;
}

std::string error_text(int error) {
  char text[256] = "";
  const DWORD size =
      FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                     static_cast<DWORD>(error), 0, text, sizeof text, nullptr);
  std::string message(text, size);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r' ||
                              message.back() == ' ' || message.back() == '.'))
    message.pop_back();
  return (message.empty() ? "error" : message) + " (" + std::to_string(error) + ")";
}

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
