#include "collector/store/store_url.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace sahab::collector {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  for (const auto prefix : prefixes) {
    if (text.starts_with(prefix)) return true;
  }
  return false;
}

// libpq's own parser decides whether it can use the URL, so every option it knows is accepted and
// its message names what is wrong.
void check_with_libpq(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  const std::unique_ptr<char, void (*)(void*)> owned_error(error, PQfreemem);
  if (options) {
    PQconninfoFree(options);
    return;
  }
  std::string why = error ? error : "not a PostgreSQL URL";
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  throw std::invalid_argument("store URL '" + redact_password(url) + "': " + why);
}

}  // namespace

StoreUrl StoreUrl::parse(std::string_view text) {
  StoreUrl url;
  if (text.starts_with(kSqliteScheme)) {
    url.file = std::string(text.substr(kSqliteScheme.size()));
    if (url.file.empty()) {
      throw std::invalid_argument("store URL '" + std::string(text) +
                                  "': no file; write sqlite:///path/to/sahab.db");
    }
    return url;
  }
  if (starts_with_any(text, {"postgresql://", "postgres://"})) {
    url.kind = StoreKind::kPostgresql;
    url.conninfo = std::string(text);
    check_with_libpq(url.conninfo);
    return url;
  }
  throw std::invalid_argument("store URL '" + redact_password(text) +
                              "': expected sqlite:///path/to/sahab.db or postgresql://host/db");
}

std::string StoreUrl::redacted() const {
  return kind == StoreKind::kSqlite ? std::string(kSqliteScheme) + file.string()
                                    : redact_password(conninfo);
}

std::string redact_password(std::string_view url) {
  std::string out(url);
  const auto scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    const auto start = scheme_end + 3;
    const auto authority_end = std::min(out.find_first_of("/?", start), out.size());
    const auto at = out.rfind('@', authority_end - 1);
    if (at != std::string::npos && at >= start) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (auto pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    const auto value = pos + 9;
    const auto end = std::min(out.find('&', value), out.size());
    out.replace(value, end - value, "***");
  }
  return out;
}

}  // namespace sahab::collector
