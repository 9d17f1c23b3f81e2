#include "agent/push/http_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace sahab::agent {
namespace {

std::once_flag g_curl_init;

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

HttpClient::HttpClient(ClientOptions options) : options_(std::move(options)) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

ClientResponse HttpClient::post(const std::string& url, const std::string& body,
                                const std::vector<std::string>& headers) const {
  ClientResponse response;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    response.transport_error = "curl_easy_init failed";
    return response;
  }
  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  for (const auto& h : headers)
    header_list.reset(curl_slist_append(header_list.release(), h.c_str()));

  char error[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based DNS timeouts
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.client_cert.empty())
    curl_easy_setopt(c, CURLOPT_SSLCERT, options_.client_cert.c_str());
  if (!options_.client_key.empty())
    curl_easy_setopt(c, CURLOPT_SSLKEY, options_.client_key.c_str());
  if (!options_.proxy.empty()) curl_easy_setopt(c, CURLOPT_PROXY, options_.proxy.c_str());

  const CURLcode result = curl_easy_perform(c);
  if (result != CURLE_OK) {
    response.transport_error = error[0] ? error : curl_easy_strerror(result);
    response.body.clear();
    return response;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace sahab::agent
