// The machine's trusted root CAs, as Windows Update and Group Policy keep them (the store
// certmgr.msc shows as "Trusted Root Certification Authorities").
#include <windows.h>
// After windows.h:
#include <wincrypt.h>

#include "agent/push/transport.h"
#include "agent/push/trust_store.h"

namespace sahab::agent::net {

void add_system_trust(mbedtls_x509_crt& trusted) {
  HCERTSTORE store = CertOpenStore(
      CERT_STORE_PROV_SYSTEM_W, 0, 0,
      CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG,
      L"ROOT");
  if (!store)
    throw TransportError("cannot open the machine's ROOT certificate store (Windows error " +
                         std::to_string(GetLastError()) +
                         "); name a CA file with "
                         "--collector.ca-file");
  int usable = 0;
  for (PCCERT_CONTEXT cert = CertEnumCertificatesInStore(store, nullptr); cert;
       cert = CertEnumCertificatesInStore(store, cert)) {
    // A certificate mbedTLS cannot parse (an old or exotic algorithm) is skipped.
    usable += mbedtls_x509_crt_parse_der(&trusted, cert->pbCertEncoded, cert->cbCertEncoded) == 0;
  }
  CertCloseStore(store, 0);
  if (usable == 0)
    throw TransportError(
        "no usable certificate in the machine's ROOT store; name a CA file with "
        "--collector.ca-file");
}

}  // namespace sahab::agent::net
