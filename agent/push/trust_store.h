#pragma once
// The system's trusted CAs for the push client when no --collector.ca-file is given: the
// distribution's PEM bundle on Linux (trust_store_posix.cpp), the machine's "ROOT" certificate
// store on Windows (trust_store_windows.cpp). mbedTLS leaves finding them to the application.
#include <mbedtls/x509_crt.h>

namespace sahab::agent::net {

// Adds the system's CAs to `trusted`; throws TransportError when there are none.
void add_system_trust(mbedtls_x509_crt& trusted);

}  // namespace sahab::agent::net
