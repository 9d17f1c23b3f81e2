#include <unistd.h>

#include "agent/push/transport.h"
#include "agent/push/trust_store.h"

namespace sahab::agent::net {
namespace {

// Where distributions keep the PEM bundle of trusted CAs (OpenSSL and curl know theirs at build
// time).
constexpr const char* kSystemTrustStores[] = {
    "/etc/ssl/certs/ca-certificates.crt",  // Debian, Ubuntu
    "/etc/pki/tls/certs/ca-bundle.crt",    // RHEL, Fedora, Rocky, Alma
    "/etc/ssl/ca-bundle.pem",              // SUSE
    "/etc/ssl/cert.pem",                   // Alpine, Arch
};

}  // namespace

void add_system_trust(mbedtls_x509_crt& trusted) {
  for (const char* store : kSystemTrustStores) {
    // Bundles may hold a few certificates mbedTLS cannot parse: one usable is enough.
    if (::access(store, R_OK) == 0 && mbedtls_x509_crt_parse_file(&trusted, store) >= 0 &&
        trusted.version != 0)
      return;
  }
  throw TransportError(
      "no system trust store found (looked for /etc/ssl/certs/ca-certificates.crt and the other "
      "usual bundles); name one with --collector.ca-file");
}

}  // namespace sahab::agent::net
