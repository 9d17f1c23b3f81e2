#include "collector/webui/webui.h"

#include <algorithm>
#include <array>
#include <utility>

namespace sahab::collector::webui {

const char* const kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

namespace {

constexpr std::string_view kIndex = "index.html";
constexpr std::string_view kAssetsPrefix = "/assets/";

void add_security_headers(http::Response& response) {
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

const EmbeddedAsset* find_asset(std::span<const EmbeddedAsset> assets, std::string_view name) {
  const auto it = std::find_if(assets.begin(), assets.end(),
                               [name](const EmbeddedAsset& a) { return a.name == name; });
  return it == assets.end() ? nullptr : &*it;
}

http::Response not_found() {
  http::Response r = http::Response::text(404, "not found\n");
  add_security_headers(r);
  return r;
}

http::Response file_response(const EmbeddedAsset& asset, const char* cache_control) {
  http::Response r;
  r.content_type = content_type_of(asset.name);
  r.body.assign(asset.bytes);
  r.headers.emplace_back("Cache-Control", cache_control);
  add_security_headers(r);
  return r;
}

}  // namespace

std::string content_type_of(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (name.ends_with(extension)) return std::string(type);
  }
  return "application/octet-stream";
}

http::Response serve(std::span<const EmbeddedAsset> assets, std::string_view path) {
  if (path == "/") {
    const auto* index = find_asset(assets, kIndex);
    // The shell names the hashed assets of this build: browsers must revalidate it every time.
    return index ? file_response(*index, "no-cache") : not_found();
  }
  if (!path.starts_with(kAssetsPrefix)) return not_found();
  // Assets are looked up by exact name in the embedded table, never on disk, so "..", "//" or
  // encoded separators can only miss.
  const std::string_view name = path.substr(1);
  if (name.find("..") != std::string_view::npos) return not_found();
  const auto* asset = find_asset(assets, name);
  // Every name under assets/ carries a content hash (see app/build.mjs): it never changes.
  return asset ? file_response(*asset, "public, max-age=31536000, immutable") : not_found();
}

void register_webui_routes(http::Server& server) {
  const auto handler = [](const http::Request& request) {
    return serve(embedded_assets(), request.path);
  };
  server.route("GET", "/", handler);
  server.route("GET", "/assets/*", handler);
}

}  // namespace sahab::collector::webui
