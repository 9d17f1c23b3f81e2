#include "agent/push/transport.h"

#include <mbedtls/asn1.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "agent/push/socket.h"
#include "agent/push/trust_store.h"

namespace sahab::agent::net {
namespace {

std::string mbedtls_text(int code) {
  char text[160] = "";
  mbedtls_strerror(code, text, sizeof text);
  return text;
}

}  // namespace

void wait_ready(sock::Handle handle, sock::Direction direction, Deadline deadline,
                std::string_view what) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) throw Timeout("timed out " + std::string(what));
    // Also ready on an error or a hang-up: the next call on the socket says what happened.
    if (sock::wait(handle, direction, static_cast<int>(std::min<long long>(left, INT_MAX)))) return;
  }
}

// --- TCP -------------------------------------------------------------------------------------

std::unique_ptr<TcpStream> TcpStream::connect(const std::string& host, int port,
                                              Deadline deadline) {
  const sock::Addresses addresses = sock::resolve(host, port);
  const std::string where = host + " port " + std::to_string(port);
  std::string failure = "no address";
  for (const addrinfo* address = addresses.get(); address; address = sock::next(*address)) {
    sock::Handle handle{};
    int error = 0;
    if (!sock::open_socket(*address, handle, error)) {
      failure = sock::error_text(error);
      continue;
    }
    std::unique_ptr<TcpStream> stream(new TcpStream(handle));
    const sock::Result started = sock::start_connect(handle, *address);
    error = started.error;
    if (started.status == sock::Status::kWouldBlock) {
      wait_ready(handle, sock::Direction::kWrite, deadline, "connecting to " + where);
      error = sock::pending_error(handle);
    }
    if (error == 0) {
      sock::set_no_delay(handle);
      return stream;
    }
    failure = sock::error_text(error);
  }
  throw TransportError("failed to connect to " + where + ": " + failure);
}

TcpStream::~TcpStream() { sock::close_socket(handle_); }

std::size_t TcpStream::read_some(char* buffer, std::size_t size, Deadline deadline,
                                 std::string_view what) {
  for (;;) {
    const sock::Result got = sock::receive_some(handle_, buffer, size);
    if (got.status == sock::Status::kDone) return got.bytes;
    if (got.status != sock::Status::kWouldBlock)
      throw TransportError("receive failed: " + sock::error_text(got.error));
    wait_ready(handle_, sock::Direction::kRead, deadline, what);
  }
}

void TcpStream::write_all(std::string_view data, Deadline deadline) {
  while (!data.empty()) {
    const sock::Result sent = sock::send_some(handle_, data.data(), data.size());
    if (sent.status == sock::Status::kDone) {
      data.remove_prefix(sent.bytes);
    } else if (sent.status == sock::Status::kWouldBlock) {
      wait_ready(handle_, sock::Direction::kWrite, deadline, "sending the request");
    } else {
      throw TransportError("send failed: " + sock::error_text(sent.error));
    }
  }
}

bool TcpStream::reusable() const { return !sock::wait(handle_, sock::Direction::kRead, 0); }

// --- TLS -------------------------------------------------------------------------------------

struct TlsSettings::State {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context random;
  mbedtls_x509_crt trusted;
  mbedtls_x509_crt own_cert;
  mbedtls_pk_context own_key;
  mbedtls_ssl_config config;

  State() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&random);
    mbedtls_x509_crt_init(&trusted);
    mbedtls_x509_crt_init(&own_cert);
    mbedtls_pk_init(&own_key);
    mbedtls_ssl_config_init(&config);
  }
  ~State() {
    mbedtls_ssl_config_free(&config);
    mbedtls_pk_free(&own_key);
    mbedtls_x509_crt_free(&own_cert);
    mbedtls_x509_crt_free(&trusted);
    mbedtls_ctr_drbg_free(&random);
    mbedtls_entropy_free(&entropy);
  }
};

namespace {

void load_trust(mbedtls_x509_crt& trusted, const std::string& ca_file) {
  if (ca_file.empty()) return add_system_trust(trusted);
  const int rc = mbedtls_x509_crt_parse_file(&trusted, ca_file.c_str());
  // Bundles may hold a few certificates mbedTLS cannot parse: one usable is enough.
  if (rc < 0 || trusted.version == 0)
    throw TransportError("cannot use CA file " + ca_file + ": " +
                         (rc < 0 ? mbedtls_text(rc) : "no certificate in it"));
}

void load_client_certificate(TlsSettings::State& s, const std::string& cert,
                             const std::string& key) {
  if (const int rc = mbedtls_x509_crt_parse_file(&s.own_cert, cert.c_str()); rc != 0)
    throw TransportError("cannot use client certificate " + cert + ": " + mbedtls_text(rc));
  if (const int rc = mbedtls_pk_parse_keyfile(&s.own_key, key.c_str(), nullptr); rc != 0)
    throw TransportError("cannot use client key " + key + ": " + mbedtls_text(rc));
  if (mbedtls_pk_check_pair(&s.own_cert.pk, &s.own_key) != 0)
    throw TransportError("client certificate " + cert + " and key " + key + " do not match");
  if (const int rc = mbedtls_ssl_conf_own_cert(&s.config, &s.own_cert, &s.own_key); rc != 0)
    throw TransportError("client certificate: " + mbedtls_text(rc));
}

}  // namespace

TlsSettings::TlsSettings(const std::string& ca_file, const std::string& client_cert,
                         const std::string& client_key)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  static constexpr unsigned char kPersonalisation[] = "sahab-agent push";
  if (const int rc = mbedtls_ctr_drbg_seed(&s.random, mbedtls_entropy_func, &s.entropy,
                                           kPersonalisation, sizeof kPersonalisation);
      rc != 0)
    throw TransportError("cannot seed the TLS random generator: " + mbedtls_text(rc));
  load_trust(s.trusted, ca_file);
  if (const int rc =
          mbedtls_ssl_config_defaults(&s.config, MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
      rc != 0)
    throw TransportError("TLS configuration: " + mbedtls_text(rc));
  mbedtls_ssl_conf_min_version(&s.config, MBEDTLS_SSL_MAJOR_VERSION_3,
                               MBEDTLS_SSL_MINOR_VERSION_3);  // TLS 1.2
  mbedtls_ssl_conf_authmode(&s.config, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&s.config, &s.trusted, nullptr);
  mbedtls_ssl_conf_rng(&s.config, mbedtls_ctr_drbg_random, &s.random);
  if (!client_cert.empty())
    load_client_certificate(s, client_cert, client_key.empty() ? client_cert : client_key);
}

TlsSettings::~TlsSettings() = default;

struct TlsStream::Session {
  std::unique_ptr<TcpStream> tcp;
  std::string expected_ip;  // binary address when the peer is named by IP, else empty
  mbedtls_ssl_context ssl;

  Session() { mbedtls_ssl_init(&ssl); }
  ~Session() { mbedtls_ssl_free(&ssl); }
};

namespace {

// mbedTLS's I/O callbacks over the non-blocking socket (a closed peer is an error code: sends
// never raise SIGPIPE).
int tls_code(const sock::Result& result, int would_block, int failed) {
  switch (result.status) {
    case sock::Status::kDone:
      return static_cast<int>(std::min<std::size_t>(result.bytes, INT_MAX));
    case sock::Status::kWouldBlock:
      return would_block;
    case sock::Status::kReset:
      return MBEDTLS_ERR_NET_CONN_RESET;
    default:
      return failed;
  }
}

int send_bytes(void* context, const unsigned char* data, std::size_t size) {
  return tls_code(sock::send_some(static_cast<TcpStream*>(context)->handle(),
                                  reinterpret_cast<const char*>(data), size),
                  MBEDTLS_ERR_SSL_WANT_WRITE, MBEDTLS_ERR_NET_SEND_FAILED);
}

int receive_bytes(void* context, unsigned char* data, std::size_t size) {
  return tls_code(sock::receive_some(static_cast<TcpStream*>(context)->handle(),
                                     reinterpret_cast<char*>(data), size),
                  MBEDTLS_ERR_SSL_WANT_READ, MBEDTLS_ERR_NET_RECV_FAILED);
}

// Whether a SubjectAltName value (SEQUENCE OF GeneralName) has iPAddress `ip`.
bool alt_names_have_ip(unsigned char* p, const unsigned char* end, const std::string& ip) {
  std::size_t length = 0;
  if (mbedtls_asn1_get_tag(&p, end, &length, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
    return false;
  end = p + length;
  while (p < end) {
    const unsigned char tag = *p++;
    if (mbedtls_asn1_get_len(&p, end, &length)) return false;
    if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) &&
        std::string_view(reinterpret_cast<const char*>(p), length) == ip)
      return true;
    p += length;
  }
  return false;
}

// mbedTLS 2.28 keeps only the DNS entries of subjectAltName, so IP entries are read from the raw
// extensions: SEQUENCE OF Extension { OID, critical BOOLEAN DEFAULT FALSE, OCTET STRING }.
bool certificate_names_ip(const mbedtls_x509_crt& certificate, const std::string& ip) {
  unsigned char* p = certificate.v3_ext.p;
  if (!p) return false;
  const unsigned char* end = p + certificate.v3_ext.len;
  std::size_t length = 0;
  if (mbedtls_asn1_get_tag(&p, end, &length, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
    return false;
  end = p + length;
  while (p < end) {
    if (mbedtls_asn1_get_tag(&p, end, &length, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
      return false;
    unsigned char* const extension_end = p + length;
    mbedtls_asn1_buf oid{};
    if (mbedtls_asn1_get_tag(&p, extension_end, &oid.len, MBEDTLS_ASN1_OID)) return false;
    oid.p = p;
    p += oid.len;
    int critical = 0;
    mbedtls_asn1_get_bool(&p, extension_end, &critical);  // optional: p stays put when absent
    if (mbedtls_asn1_get_tag(&p, extension_end, &length, MBEDTLS_ASN1_OCTET_STRING)) return false;
    if (MBEDTLS_OID_CMP(MBEDTLS_OID_SUBJECT_ALT_NAME, &oid) == 0)
      return alt_names_have_ip(p, p + length, ip);
    p = extension_end;
  }
  return false;
}

// Verification step for a peer named by IP: the leaf certificate must carry that address.
int verify_ip(void* context, mbedtls_x509_crt* certificate, int depth, std::uint32_t* flags) {
  const auto* session = static_cast<const TlsStream::Session*>(context);
  if (depth == 0 && !certificate_names_ip(*certificate, session->expected_ip))
    *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
  return 0;
}

[[noreturn]] void handshake_failed(const mbedtls_ssl_context& ssl, int code,
                                   const std::string& host) {
  if (code != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)
    throw TransportError("TLS handshake with " + host + " failed: " + mbedtls_text(code));
  char info[512] = "";
  mbedtls_x509_crt_verify_info(info, sizeof info, "", mbedtls_ssl_get_verify_result(&ssl));
  std::string reasons(info);
  while (!reasons.empty() && reasons.back() == '\n') reasons.pop_back();
  std::replace(reasons.begin(), reasons.end(), '\n', ';');
  throw TransportError("SSL certificate problem with " + host + ": " + reasons);
}

// Waits as mbedTLS asks (it may need to write while reading and the reverse); false when `code`
// is not a request to wait.
bool wait_as_asked(int code, sock::Handle handle, Deadline deadline, std::string_view what) {
  if (code == MBEDTLS_ERR_SSL_WANT_READ) {
    wait_ready(handle, sock::Direction::kRead, deadline, what);
  } else if (code == MBEDTLS_ERR_SSL_WANT_WRITE) {
    wait_ready(handle, sock::Direction::kWrite, deadline, what);
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<TlsStream> TlsStream::handshake(TlsSettings& settings,
                                                std::unique_ptr<TcpStream> tcp,
                                                const std::string& host, Deadline deadline) {
  auto session = std::make_unique<Session>();
  session->tcp = std::move(tcp);
  mbedtls_ssl_context& ssl = session->ssl;
  if (const int rc = mbedtls_ssl_setup(&ssl, &settings.state().config); rc != 0)
    throw TransportError("TLS setup: " + mbedtls_text(rc));
  session->expected_ip = sock::ip_address_bytes(host);
  if (session->expected_ip.empty()) {
    // Sent as SNI and matched against the certificate's DNS names (or its CN without any).
    if (const int rc = mbedtls_ssl_set_hostname(&ssl, host.c_str()); rc != 0)
      throw TransportError("TLS host name " + host + ": " + mbedtls_text(rc));
  } else {
    mbedtls_ssl_set_verify(&ssl, verify_ip, session.get());
  }
  mbedtls_ssl_set_bio(&ssl, session->tcp.get(), send_bytes, receive_bytes, nullptr);
  const std::string what = "in the TLS handshake with " + host;
  for (;;) {
    const int rc = mbedtls_ssl_handshake(&ssl);
    if (rc == 0) break;
    if (!wait_as_asked(rc, session->tcp->handle(), deadline, what)) handshake_failed(ssl, rc, host);
  }
  return std::unique_ptr<TlsStream>(new TlsStream(std::move(session)));
}

TlsStream::TlsStream(std::unique_ptr<Session> session) : session_(std::move(session)) {}

TlsStream::~TlsStream() {
  mbedtls_ssl_close_notify(&session_->ssl);  // one try, never waits: the socket is closing anyway
}

std::size_t TlsStream::read_some(char* buffer, std::size_t size, Deadline deadline,
                                 std::string_view what) {
  for (;;) {
    const int got =
        mbedtls_ssl_read(&session_->ssl, reinterpret_cast<unsigned char*>(buffer), size);
    if (got > 0) return static_cast<std::size_t>(got);
    // A peer that closes without close_notify ends a read-until-close body the same way.
    if (got == 0 || got == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || got == MBEDTLS_ERR_SSL_CONN_EOF)
      return 0;
    if (!wait_as_asked(got, session_->tcp->handle(), deadline, what))
      throw TransportError("TLS receive failed: " + mbedtls_text(got));
  }
}

void TlsStream::write_all(std::string_view data, Deadline deadline) {
  while (!data.empty()) {
    const int sent = mbedtls_ssl_write(
        &session_->ssl, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    if (sent >= 0) {
      data.remove_prefix(static_cast<std::size_t>(sent));
    } else if (!wait_as_asked(sent, session_->tcp->handle(), deadline, "sending the request")) {
      throw TransportError("TLS send failed: " + mbedtls_text(sent));
    }
  }
}

bool TlsStream::reusable() const {
  return mbedtls_ssl_get_bytes_avail(&session_->ssl) == 0 && session_->tcp->reusable();
}

}  // namespace sahab::agent::net
