#pragma once
// A client of the vSphere Web Services API (SOAP over HTTPS, "/sdk") as vCenter and ESXi speak
// it: RetrieveServiceContent, Login, CreateContainerView, RetrievePropertiesEx followed by
// ContinueRetrievePropertiesEx while the server hands a paging token, DestroyView and Logout.
// The HTTP exchange is a SoapTransport: libcurl in the collector (CurlTransport), recorded
// answers in the tests (vcsim never pages, so paging is tested on recordings).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "collector/sources/soap_xml.h"

namespace sahab::collector::vsphere {

// Why a call failed, for the source's state and its metrics' "reason" label.
class VsphereError : public std::runtime_error {
 public:
  VsphereError(std::string error_reason, const std::string& message)
      : std::runtime_error(message), reason(std::move(error_reason)) {}
  // "unreachable", "tls", "login", "timeout", "too_large", "protocol", "cancelled"
  std::string reason;
};

// Sends one SOAP request body and returns the answer's text (whatever the HTTP status: SOAP
// faults come with 500). Throws VsphereError when no answer came.
using SoapTransport = std::function<std::string(const std::string& request)>;

struct TransportOptions {
  std::string url;      // https://vc.example/sdk
  std::string ca_file;  // empty: the system's CA store
  bool insecure = false;
  // When the whole exchange must be over: each request gets the time left (a run is bounded).
  std::chrono::steady_clock::time_point deadline;
  // Set by the collector when it stops: the request under way is abandoned ("cancelled").
  const std::atomic<bool>* cancel = nullptr;
  std::size_t max_response_bytes = 512u << 20;  // one answer, capped while it is received
};

// libcurl, one connection kept alive, the session cookie (vmware_soap_session) kept in memory.
SoapTransport curl_transport(const TransportOptions& options);

// An object read through the property collector: its reference and the properties asked for
// that it has (unset ones are absent).
struct ObjectContent {
  std::string type;  // "VirtualMachine"
  std::string id;    // "vm-42"
  std::map<std::string, XmlNode> properties;

  // The property's text, or "" when absent.
  std::string text(const std::string& property) const;
  const XmlNode* find(const std::string& property) const;
};

// Properties to read of every object of a type.
struct PropertyRequest {
  std::string type;
  std::vector<std::string> paths;
};

class VsphereSession {
 public:
  explicit VsphereSession(SoapTransport transport, std::size_t page_objects = 1000);
  ~VsphereSession();  // logs out when still logged in, never throws
  VsphereSession(const VsphereSession&) = delete;
  VsphereSession& operator=(const VsphereSession&) = delete;

  // RetrieveServiceContent then Login. Throws VsphereError("login") for refused credentials.
  void login(const std::string& username, const std::string& password);
  void logout();

  // "VMware vCenter Server 8.0.2 build-..." / "VMware ESXi 7.0.3 ...": what "test connection"
  // shows.
  const std::string& about() const { return about_; }

  // Every object of the requested types under the root folder (a recursive container view),
  // all pages read.
  std::vector<ObjectContent> retrieve_all(const std::vector<PropertyRequest>& requests);
  // Properties `paths` of the objects `ids` of one type (a batch of VMs), all pages read.
  std::vector<ObjectContent> retrieve_objects(const std::string& type,
                                              const std::vector<std::string>& ids,
                                              const std::vector<std::string>& paths);
  // Properties of the service's own managed objects named in the service content
  // ("customFieldsManager"); none when the server has no such object.
  std::vector<ObjectContent> retrieve_service_object(const std::string& service_member,
                                                     const std::vector<std::string>& paths);

  // One method call (`body` inside the SOAP Body), its answer's first element: for the methods
  // the other members do not cover (QueryPerf, vsphere_perf.h). Faults become VsphereError.
  XmlNode call(const std::string& body);
  // `<_this type="...">id</_this>` of a managed object named in the service content
  // ("perfManager"), or "" when the server has none.
  std::string reference(const std::string& member) const;

 private:
  std::vector<ObjectContent> retrieve_pages(const std::string& spec_set);

  SoapTransport transport_;
  std::size_t page_objects_;
  XmlNode service_content_;
  std::string about_;
  bool logged_in_ = false;
};

// The objects and paging token of a RetrievePropertiesEx / ContinueRetrievePropertiesEx answer
// ("returnval" absent: nothing matched).
struct RetrievePage {
  std::vector<ObjectContent> objects;
  std::string token;
};
RetrievePage read_retrieve_page(const XmlNode& response);

}  // namespace sahab::collector::vsphere
