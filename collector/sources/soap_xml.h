#pragma once
// The vSphere Web Services' SOAP answers read into a small tree, with libxml2 (namespace-aware:
// vcsim writes the XML Schema instance type as "XMLSchema-instance:type", vCenter as "xsi:type";
// both are the same attribute once namespaces are resolved). Bounded: the text is capped by the
// transport before it gets here, and elements nested deeper than kMaxSoapDepth are refused.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::collector::vsphere {

// A real answer nests about 15 levels (Envelope > Body > ... > VirtualDevice > backing > port).
inline constexpr std::size_t kMaxSoapDepth = 48;

// An answer that is not the SOAP the client expects (not XML, too deep, no Body).
class SoapError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A SOAP Fault: the server's faultstring and the fault's type ("InvalidLogin", "NotAuthenticated").
class SoapFault : public std::runtime_error {
 public:
  SoapFault(std::string fault_type, const std::string& message)
      : std::runtime_error(message), type(std::move(fault_type)) {}
  std::string type;
};

struct XmlNode {
  std::string name;   // local name, without namespace prefix
  std::string type;   // the XML Schema instance type ("VirtualDisk"), without prefix
  std::string moref;  // a managed object reference's own "type" attribute ("VirtualMachine")
  std::string text;   // the element's text when it has no child elements
  std::vector<XmlNode> children;

  // The first child named `child`, or nullptr.
  const XmlNode* find(std::string_view child) const;
  // The text of the first child named `child`, or "" when absent.
  std::string text_of(std::string_view child) const;
};

// The first element inside the Envelope's Body (the "...Response" element). Throws SoapFault for
// a Fault, SoapError for anything else that is not a SOAP answer.
XmlNode parse_soap_body(std::string_view xml);

}  // namespace sahab::collector::vsphere
