#include "agent/push/http_wire.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "common/text.h"

namespace sahab::agent::http_wire {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

// host, [v6] or host:port, [v6]:port; the port must be 1-65535.
void split_host_port(std::string_view authority, std::string& host, int& port,
                     std::string_view what) {
  std::string_view rest;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      throw std::invalid_argument(std::string(what) + ": unclosed [");
    host = std::string(authority.substr(1, close - 1));
    rest = authority.substr(close + 1);
  } else {
    const auto colon = authority.find(':');
    host = std::string(authority.substr(0, colon));
    rest = colon == std::string_view::npos ? "" : authority.substr(colon);
  }
  if (host.empty()) throw std::invalid_argument(std::string(what) + ": no host");
  if (rest.empty()) return;
  const auto number = text::to_u64(rest.substr(1));
  if (!rest.starts_with(':') || rest.size() > 6 || !number || *number == 0 || *number > 65535)
    throw std::invalid_argument(std::string(what) + ": bad port '" + std::string(rest) + "'");
  port = static_cast<int>(*number);
}

std::string bracketed(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

std::string percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned value = 0;
    if (s[i] == '%' && i + 2 < s.size() &&
        std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16).ptr == s.data() + i + 3) {
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, data.size() - i);
    unsigned bits = 0;
    for (std::size_t k = 0; k < 3; ++k)
      bits = (bits << 8) | (k < n ? static_cast<unsigned char>(data[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k)
      out += k <= n ? kAlphabet[(bits >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

Proxy parse_proxy(std::string_view url) {
  const std::string what = "proxy URL '" + std::string(url) + "'";
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    if (!iequals(url.substr(0, scheme), "http"))
      throw std::invalid_argument(what + ": only http:// proxies are supported");
    url.remove_prefix(scheme + 3);
  }
  url = url.substr(0, url.find('/'));
  Proxy proxy;
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    proxy.authorization = "Basic " + base64(percent_decoded(url.substr(0, at)));
    url.remove_prefix(at + 1);
  }
  split_host_port(url, proxy.host, proxy.port, what);
  return proxy;
}

const char* first_set(const Environment& environment, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = environment(name);
    if (value && *value) return value;
  }
  return nullptr;
}

}  // namespace

std::string Url::authority() const {
  std::string out = bracketed(host);
  if (port != (tls ? 443 : 80)) out.append(":").append(std::to_string(port));  // as parse_url
  return out;
}

std::string Url::host_and_port() const { return bracketed(host) + ":" + std::to_string(port); }

Url parse_url(std::string_view url) {
  const std::string what = "URL '" + std::string(url) + "'";
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= ' ' || c == 127; }))
    throw std::invalid_argument(what + ": spaces or control characters");
  const auto scheme_end = url.find("://");
  const std::string scheme = lower(url.substr(0, scheme_end));
  if (scheme_end == std::string_view::npos || (scheme != "http" && scheme != "https"))
    throw std::invalid_argument(what + ": only http:// and https:// are supported");
  url.remove_prefix(scheme_end + 3);
  url = url.substr(0, url.find('#'));
  const auto authority_end = url.find_first_of("/?");
  const std::string_view authority = url.substr(0, authority_end);
  if (authority.find('@') != std::string_view::npos)
    throw std::invalid_argument(what + ": credentials in the URL are not supported");
  Url parsed;
  parsed.tls = scheme == "https";
  parsed.port = parsed.tls ? 443 : 80;
  split_host_port(authority, parsed.host, parsed.port, what);
  // "" or "?query" get the root path. Appended (here and in authority()), not inserted or
  // concatenated: mingw-w64's GCC 12 sees an overlapping memcpy in `insert(0, "/")` and in
  // `":" + to_string()` (a -Wrestrict false positive, GCC bug 105651).
  const std::string_view rest =
      authority_end == std::string_view::npos ? "" : url.substr(authority_end);
  parsed.target = rest.starts_with('/') ? std::string(rest) : std::string("/").append(rest);
  return parsed;
}

std::string Proxy::key() const { return bracketed(host) + ":" + std::to_string(port); }

bool bypasses_proxy(std::string_view host, std::string_view no_proxy) {
  const std::string name = lower(host);
  for (std::string_view entry : text::split(no_proxy, ',')) {
    entry = text::trim(entry);
    if (entry == "*") return true;
    if (entry.starts_with('.')) entry.remove_prefix(1);
    if (entry.starts_with('[') && entry.ends_with(']')) entry = entry.substr(1, entry.size() - 2);
    if (entry.empty()) continue;
    const std::string suffix = lower(entry);
    if (name == suffix || (name.size() > suffix.size() && name.ends_with(suffix) &&
                           name[name.size() - suffix.size() - 1] == '.'))
      return true;
  }
  return false;
}

std::optional<Proxy> proxy_for(const Url& target, const std::string& configured,
                               const Environment& environment) {
  const char* from_environment =
      target.tls ? first_set(environment, {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
                 // Never HTTP_PROXY: a CGI environment sets it from a request header (httpoxy).
                 : first_set(environment, {"http_proxy", "all_proxy", "ALL_PROXY"});
  const std::string url =
      configured.empty() ? (from_environment ? from_environment : "") : configured;
  if (url.empty()) return std::nullopt;
  if (const char* no_proxy = first_set(environment, {"no_proxy", "NO_PROXY"});
      no_proxy && bypasses_proxy(target.host, no_proxy))
    return std::nullopt;
  return parse_proxy(url);
}

std::optional<std::string> Head::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return std::nullopt;
}

bool Head::lists(std::string_view lower_name, std::string_view token) const {
  for (const auto& [name, value] : headers) {
    if (name != lower_name) continue;
    for (const auto item : text::split(value, ','))
      if (iequals(text::trim(item), token)) return true;
  }
  return false;
}

Reader::Reader(net::Stream& stream, net::Deadline deadline, std::string what, Limits limits)
    : stream_(stream), deadline_(deadline), what_(std::move(what)), limits_(limits) {}

bool Reader::fill() {
  if (position_ > 0 && position_ == buffer_.size()) {
    buffer_.clear();
    position_ = 0;
  }
  char chunk[16 * 1024];
  const std::size_t got = stream_.read_some(chunk, sizeof chunk, deadline_, what_);
  buffer_.append(chunk, got);
  received_ += got;
  return got > 0;
}

// One line without its CR LF (a bare LF is accepted too); counts against `budget`.
std::string Reader::line(std::size_t& budget) {
  for (;;) {
    const auto end = buffer_.find('\n', position_);
    if (end != std::string::npos) {
      const std::size_t length = end + 1 - position_;
      if (length > budget) break;
      budget -= length;
      std::string out = buffer_.substr(position_, end - position_);
      position_ = end + 1;
      if (out.ends_with('\r')) out.pop_back();
      return out;
    }
    if (buffer_.size() - position_ > budget) break;
    if (!fill()) {
      throw net::TransportError(received_ == 0
                                    ? "the server closed the connection without an answer"
                                    : "the connection closed in the middle of the answer");
    }
  }
  throw net::TransportError("the answer's head is larger than " +
                            std::to_string(limits_.max_head_bytes) + " bytes");
}

std::string Reader::take(std::size_t count) {
  while (buffer_.size() - position_ < count) {
    if (!fill()) throw net::TransportError("the connection closed in the middle of the answer");
  }
  std::string out = buffer_.substr(position_, count);
  position_ += count;
  return out;
}

Head Reader::read_head() {
  for (;;) {
    std::size_t budget = limits_.max_head_bytes;
    const std::string status_line = line(budget);
    // "HTTP/1.1 200 OK": version, three digits, optional reason.
    Head head;
    int status = 0;
    const bool well_formed =
        status_line.size() >= 12 && status_line.starts_with("HTTP/1.") && status_line[8] == ' ' &&
        (status_line.size() == 12 || status_line[12] == ' ') &&
        std::from_chars(status_line.data() + 9, status_line.data() + 12, status).ptr ==
            status_line.data() + 12 &&
        status >= 100;
    if (!well_formed)
      throw net::TransportError("not an HTTP answer: '" + status_line.substr(0, 40) + "'");
    head.status = status;
    head.http11 = status_line[7] == '1';
    for (std::string field = line(budget); !field.empty(); field = line(budget)) {
      const auto colon = field.find(':');
      if (colon == std::string::npos || colon == 0)
        throw net::TransportError("malformed header line in the answer");
      if (head.headers.size() == limits_.max_headers)
        throw net::TransportError("the answer has more than " +
                                  std::to_string(limits_.max_headers) + " headers");
      head.headers.emplace_back(lower(field.substr(0, colon)),
                                std::string(text::trim(std::string_view(field).substr(colon + 1))));
    }
    if (head.status >= 200) return head;  // 100 Continue and other interim answers are skipped
  }
}

std::string Reader::read_chunked(std::size_t& budget) {
  std::string body;
  for (;;) {
    const std::string size_line = line(budget);
    const std::string_view digits =
        text::trim(std::string_view(size_line).substr(0, size_line.find(';')));
    std::size_t size = 0;
    if (digits.empty() ||
        std::from_chars(digits.data(), digits.data() + digits.size(), size, 16).ptr !=
            digits.data() + digits.size())
      throw net::TransportError("malformed chunk size in the answer");
    if (size == 0) break;
    if (size > limits_.max_body_bytes - body.size())
      throw net::TransportError("the answer's body is larger than " +
                                std::to_string(limits_.max_body_bytes) + " bytes");
    body += take(size);
    if (!line(budget).empty()) throw net::TransportError("malformed chunk in the answer");
  }
  while (!line(budget).empty()) {
  }  // trailers: read and ignored
  return body;
}

std::string Reader::read_body(const Head& head, bool& reusable) {
  reusable = head.http11 && !head.lists("connection", "close");
  if (head.status == 204 || head.status == 304) return "";
  if (const auto coding = head.header("transfer-encoding")) {
    if (lower(text::trim(text::split(*coding, ',').back())) == "chunked") {
      std::size_t budget = limits_.max_head_bytes;
      return read_chunked(budget);
    }
  } else if (const auto length = head.header("content-length")) {
    const auto size = text::to_u64(*length);
    if (!size) throw net::TransportError("malformed Content-Length in the answer");
    if (*size > limits_.max_body_bytes)
      throw net::TransportError("the answer's body is larger than " +
                                std::to_string(limits_.max_body_bytes) + " bytes");
    return take(static_cast<std::size_t>(*size));
  }
  // Neither: the body runs until the server closes the connection.
  reusable = false;
  do {
    if (buffer_.size() - position_ > limits_.max_body_bytes)
      throw net::TransportError("the answer's body is larger than " +
                                std::to_string(limits_.max_body_bytes) + " bytes");
  } while (fill());
  std::string body = buffer_.substr(position_);
  position_ = buffer_.size();
  return body;
}

}  // namespace sahab::agent::http_wire
