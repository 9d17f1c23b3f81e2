#include "collector/sources/vsphere_client.h"

#include <curl/curl.h>

#include <mutex>

#include "common/text.h"

namespace sahab::collector::vsphere {
namespace {

// The API version asked for: every vCenter and ESXi from 6.5 on answers it, and the properties
// read here have not changed since.
constexpr const char* kSoapAction = "SOAPAction: urn:vim25/6.5";

std::string envelope(const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"urn:vim25\">"
         "<soapenv:Body>" +
         body + "</soapenv:Body></soapenv:Envelope>";
}

std::string moref(const std::string& element, const std::string& type, const std::string& id) {
  return "<" + element + " type=\"" + text::markup_escape(type) + "\">" + text::markup_escape(id) +
         "</" + element + ">";
}

// A PropertySpec: the properties `paths` of objects of `type`.
std::string property_spec(const std::string& type, const std::vector<std::string>& paths) {
  std::string spec = "<propSet><type>" + text::markup_escape(type) + "</type><all>false</all>";
  for (const auto& path : paths) spec += "<pathSet>" + text::markup_escape(path) + "</pathSet>";
  return spec + "</propSet>";
}

struct CurlHandle {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  std::mutex mutex;  // one request at a time on the handle
  ~CurlHandle() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
  }
};

struct Received {
  std::string text;
  std::size_t limit = 0;
  bool too_large = false;
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto& received = *static_cast<Received*>(user);
  const std::size_t bytes = size * count;
  if (received.text.size() + bytes > received.limit) {
    received.too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  received.text.append(data, bytes);
  return bytes;
}

// Called by curl about once a second and on progress: non-zero abandons the transfer.
int on_progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

VsphereError curl_error(CURLcode code, const Received& received, const char* detail) {
  const std::string what = detail[0] ? detail : curl_easy_strerror(code);
  switch (code) {
    case CURLE_WRITE_ERROR:
      if (received.too_large) {
        return {"too_large", "answer larger than " + std::to_string(received.limit) + " bytes"};
      }
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {"unreachable", "cannot connect: " + what};
    case CURLE_ABORTED_BY_CALLBACK:
      return {"cancelled", "the collector is stopping"};
    case CURLE_OPERATION_TIMEDOUT:
      return {"timeout", "no answer in time: " + what};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
      return {"tls", "TLS: " + what};
    default:
      break;
  }
  return {"unreachable", what};
}

}  // namespace

SoapTransport curl_transport(const TransportOptions& options) {
  static std::once_flag global;
  std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  auto handle = std::make_shared<CurlHandle>();
  handle->curl = curl_easy_init();
  if (!handle->curl) throw VsphereError("unreachable", "cannot start an HTTP client");
  CURL* c = handle->curl;
  handle->headers = curl_slist_append(nullptr, "Content-Type: text/xml; charset=utf-8");
  handle->headers = curl_slist_append(handle->headers, kSoapAction);
  curl_easy_setopt(c, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, handle->headers);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");  // the session cookie, in memory only
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // gzip when the server offers it
  if (options.insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!options.ca_file.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  if (options.cancel) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, options.cancel);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  }
  const std::size_t limit = options.max_response_bytes;
  const auto deadline = options.deadline;
  return [handle, limit, deadline](const std::string& request) {
    std::lock_guard lock(handle->mutex);
    CURL* c = handle->curl;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw VsphereError("timeout", "the run's time is up");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
    Received received;
    received.limit = limit;
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &received);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.size()));
    const CURLcode code = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    if (code != CURLE_OK) throw curl_error(code, received, detail);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    // 500 carries SOAP faults; anything else but 200 is not the SDK answering.
    if (status != 200 && status != 500) {
      throw VsphereError("protocol", "HTTP " + std::to_string(status) + " (is the URL the /sdk?)");
    }
    return std::move(received.text);
  };
}

std::string ObjectContent::text(const std::string& property) const {
  const auto it = properties.find(property);
  return it == properties.end() ? std::string() : it->second.text;
}

const XmlNode* ObjectContent::find(const std::string& property) const {
  const auto it = properties.find(property);
  return it == properties.end() ? nullptr : &it->second;
}

RetrievePage read_retrieve_page(const XmlNode& response) {
  RetrievePage page;
  const XmlNode* result = response.find("returnval");
  if (!result) return page;
  page.token = result->text_of("token");
  for (const auto& node : result->children) {
    if (node.name != "objects") continue;
    const XmlNode* obj = node.find("obj");
    if (!obj) throw VsphereError("protocol", "RetrievePropertiesEx: an object without 'obj'");
    ObjectContent object{obj->moref, obj->text, {}};
    for (const auto& prop : node.children) {
      if (prop.name != "propSet") continue;
      const XmlNode* val = prop.find("val");
      if (val) object.properties.emplace(prop.text_of("name"), *val);
    }
    page.objects.push_back(std::move(object));
  }
  return page;
}

VsphereSession::VsphereSession(SoapTransport transport, std::size_t page_objects)
    : transport_(std::move(transport)), page_objects_(page_objects) {}

VsphereSession::~VsphereSession() {
  try {
    logout();
  } catch (const std::exception&) {  // the server forgets idle sessions anyway
  }
}

XmlNode VsphereSession::call(const std::string& body) {
  const std::string answer = transport_(envelope(body));
  try {
    return parse_soap_body(answer);
  } catch (const SoapFault& fault) {
    if (fault.type == "InvalidLogin" || fault.type == "NoPermission" ||
        fault.type == "NotAuthenticated") {
      throw VsphereError("login", fault.type + ": " + fault.what());
    }
    throw VsphereError("protocol", "vSphere fault " + fault.type + ": " + fault.what());
  } catch (const SoapError& e) {
    throw VsphereError("protocol", std::string("not a vSphere answer: ") + e.what());
  }
}

std::string VsphereSession::reference(const std::string& member) const {
  const XmlNode* returnval = service_content_.find("returnval");
  const XmlNode* ref = returnval ? returnval->find(member) : nullptr;
  return ref ? moref("_this", ref->moref, ref->text) : "";
}

void VsphereSession::login(const std::string& username, const std::string& password) {
  service_content_ =
      call("<RetrieveServiceContent>" + moref("_this", "ServiceInstance", "ServiceInstance") +
           "</RetrieveServiceContent>");
  const XmlNode* returnval = service_content_.find("returnval");
  const XmlNode* about = returnval ? returnval->find("about") : nullptr;
  if (!about || reference("sessionManager").empty() || reference("propertyCollector").empty()) {
    throw VsphereError("protocol", "RetrieveServiceContent: no session manager or about");
  }
  about_ = about->text_of("fullName");
  call("<Login>" + reference("sessionManager") + "<userName>" + text::markup_escape(username) +
       "</userName><password>" + text::markup_escape(password) + "</password></Login>");
  logged_in_ = true;
}

void VsphereSession::logout() {
  if (!logged_in_) return;
  logged_in_ = false;
  call("<Logout>" + reference("sessionManager") + "</Logout>");
}

std::vector<ObjectContent> VsphereSession::retrieve_pages(const std::string& spec_set) {
  const std::string collector = reference("propertyCollector");
  RetrievePage page =
      read_retrieve_page(call("<RetrievePropertiesEx>" + collector + "<specSet>" + spec_set +
                              "</specSet><options><maxObjects>" + std::to_string(page_objects_) +
                              "</maxObjects></options></RetrievePropertiesEx>"));
  std::vector<ObjectContent> objects = std::move(page.objects);
  while (!page.token.empty()) {
    page = read_retrieve_page(call("<ContinueRetrievePropertiesEx>" + collector + "<token>" +
                                   text::markup_escape(page.token) +
                                   "</token></ContinueRetrievePropertiesEx>"));
    for (auto& o : page.objects) objects.push_back(std::move(o));
  }
  return objects;
}

std::vector<ObjectContent> VsphereSession::retrieve_all(
    const std::vector<PropertyRequest>& requests) {
  const XmlNode* returnval = service_content_.find("returnval");
  const XmlNode* root = returnval ? returnval->find("rootFolder") : nullptr;
  if (!root || reference("viewManager").empty()) {
    throw VsphereError("protocol", "service content without rootFolder or viewManager");
  }
  std::string create = "<CreateContainerView>" + reference("viewManager") +
                       moref("container", root->moref, root->text);
  std::string props;
  for (const auto& r : requests) {
    create += "<type>" + text::markup_escape(r.type) + "</type>";
    props += property_spec(r.type, r.paths);
  }
  create += "<recursive>true</recursive></CreateContainerView>";
  const XmlNode created = call(create);
  const XmlNode* view = created.find("returnval");
  if (!view) throw VsphereError("protocol", "CreateContainerView: no view");
  const std::string objects_spec =
      "<objectSet>" + moref("obj", "ContainerView", view->text) +
      "<skip>true</skip><selectSet xsi:type=\"TraversalSpec\"><type>ContainerView</type>"
      "<path>view</path><skip>false</skip></selectSet></objectSet>";
  auto objects = retrieve_pages(props + objects_spec);
  call("<DestroyView>" + moref("_this", "ContainerView", view->text) + "</DestroyView>");
  return objects;
}

std::vector<ObjectContent> VsphereSession::retrieve_objects(const std::string& type,
                                                            const std::vector<std::string>& ids,
                                                            const std::vector<std::string>& paths) {
  std::string spec = property_spec(type, paths);
  for (const auto& id : ids)
    spec += "<objectSet>" + moref("obj", type, id) + "<skip>false</skip></objectSet>";
  return retrieve_pages(spec);
}

std::vector<ObjectContent> VsphereSession::retrieve_service_object(
    const std::string& service_member, const std::vector<std::string>& paths) {
  const XmlNode* returnval = service_content_.find("returnval");
  const XmlNode* ref = returnval ? returnval->find(service_member) : nullptr;
  if (!ref) return {};  // ESXi has no custom fields manager, for one
  return retrieve_pages(property_spec(ref->moref, paths) + "<objectSet>" +
                        moref("obj", ref->moref, ref->text) + "<skip>false</skip></objectSet>");
}

}  // namespace sahab::collector::vsphere
