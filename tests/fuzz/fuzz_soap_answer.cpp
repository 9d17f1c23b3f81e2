// Fuzzes the reading of a vCenter's SOAP answers: any bytes through parse_soap_body and, for an
// answer that parses, read_retrieve_page. SoapError, SoapFault and VsphereError are the expected
// refusals; any other exception, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/sources/vsphere_client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace vs = sahab::collector::vsphere;
  const std::string_view answer(reinterpret_cast<const char*>(data), size);
  try {
    vs::read_retrieve_page(vs::parse_soap_body(answer));
  } catch (const vs::SoapError&) {
  } catch (const vs::SoapFault&) {
  } catch (const vs::VsphereError&) {
  }
  return 0;
}
