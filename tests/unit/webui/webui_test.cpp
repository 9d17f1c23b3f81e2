#include "collector/webui/webui.h"

#include <doctest/doctest.h>

#include <regex>

namespace {
using namespace sahab;
using namespace sahab::collector::webui;

std::string header(const http::Response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

const EmbeddedAsset kFake[] = {
    {"index.html", "<!doctype html><script src=\"assets/app-ABC123.js\"></script>"},
    {"assets/app-ABC123.js", "console.log(1)"},
    {"assets/app-ABC123.css", "body{}"},
};

// The script the shell of this build references, e.g. "assets/app-2CVC7XJB.js".
std::string referenced_script(std::string_view index) {
  std::smatch m;
  const std::string text(index);
  REQUIRE(std::regex_search(text, m, std::regex(R"(src="(assets/app-[A-Z0-9]+\.js)\")")));
  return m[1];
}

}  // namespace

TEST_CASE("content types by extension") {
  CHECK(content_type_of("index.html") == "text/html; charset=utf-8");
  CHECK(content_type_of("assets/app-X.js") == "text/javascript; charset=utf-8");
  CHECK(content_type_of("assets/app-X.css") == "text/css; charset=utf-8");
  CHECK(content_type_of("assets/font-X.woff2") == "font/woff2");
  CHECK(content_type_of("assets/odd") == "application/octet-stream");
  CHECK(content_type_of("assets/app.js.exe") == "application/octet-stream");
}

TEST_CASE("the shell is served at / with the security headers and no-cache") {
  const auto r = serve(kFake, "/");
  CHECK(r.status == 200);
  CHECK(r.content_type == "text/html; charset=utf-8");
  CHECK(r.body == kFake[0].bytes);
  CHECK(header(r, "Cache-Control") == "no-cache");
  const auto csp = header(r, "Content-Security-Policy");
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("http") == std::string::npos);  // no CDN, no other origin
  // nosniff is on every answer of the HTTP server (http_server_hardening_test, webui_serve.sh).
  CHECK(header(r, "X-Frame-Options") == "DENY");
}

TEST_CASE("hashed assets are immutable, anything else is 404") {
  const auto js = serve(kFake, "/assets/app-ABC123.js");
  CHECK(js.status == 200);
  CHECK(js.body == "console.log(1)");
  CHECK(js.content_type == "text/javascript; charset=utf-8");
  CHECK(header(js, "Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(serve(kFake, "/assets/app-ABC123.css").content_type == "text/css; charset=utf-8");

  for (const char* path :
       {"/assets/app-OTHER.js", "/assets/", "/assets", "/index.html", "/assets/../index.html",
        "/assets/../../etc/passwd", "/assets//app-ABC123.js", "/assets/app-ABC123.js/",
        "/etc/passwd", "/assets/%2e%2e/index.html", ""}) {
    CAPTURE(path);
    const auto r = serve(kFake, path);
    CHECK(r.status == 404);
    CHECK(header(r, "Content-Security-Policy") == kContentSecurityPolicy);
  }
}

TEST_CASE("the embedded bundle: a shell whose script and stylesheet are embedded, hashed names") {
  const auto assets = embedded_assets();
  const auto index = serve(assets, "/");
  REQUIRE(index.status == 200);
  CHECK(index.body.find("<html lang=\"fr\">") != std::string::npos);
  CHECK(index.body.find("<script>") == std::string::npos);  // nothing inline
  CHECK(index.body.find("http") == std::string::npos);      // no CDN
  std::string script_path = "/";  // appended: `"/" + f()` trips GCC 12 (GCC bug 105329)
  script_path += referenced_script(index.body);
  const auto script = serve(assets, script_path);
  CHECK(script.status == 200);
  CHECK(script.body.size() > 1000);
  for (const auto& asset : assets) {
    if (asset.name == "index.html") continue;
    CAPTURE(asset.name);
    CHECK(std::regex_match(std::string(asset.name),
                           std::regex(R"(assets/[a-z]+-[A-Z0-9]{8}\.(js|css))")));
  }
}
