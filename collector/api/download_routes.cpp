// What a server needs to install and enrol an agent (docs/install.md): GET /install.sh,
// GET /downloads/ (listing) and /downloads/{file} (the packages of `downloads_dir`),
// GET /api/v1/install-info (the one-liners for the web UI: Linux, and Windows when an MSI is
// served), POST /api/v1/enrol/check.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "collector/api/context.h"
#include "collector/api/install_script.h"
#include "collector/api/router.h"
#include "collector/ingest/credentials.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

// Packages are a few MB; the cap keeps a stray ISO in the directory from filling the memory.
constexpr std::uintmax_t kMaxDownloadBytes = 256u << 20;
constexpr std::string_view kUrlPlaceholder = "@SAHAB_COLLECTOR_URL@";

bool valid_file_name(std::string_view name) {
  return !name.empty() && name.size() <= 255 && name.front() != '.' &&
         std::all_of(name.begin(), name.end(), [](unsigned char ch) {
           return std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-' || ch == '+' || ch == '~';
         });
}

// The regular files of the downloads directory, sorted. A request must name one of them exactly,
// so no path built from the request ever reaches the filesystem.
std::vector<std::string> downloadable_files(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  if (dir.empty()) return names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code type_ec;
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(type_ec) && valid_file_name(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool is_package(std::string_view name) { return name.ends_with(".deb") || name.ends_with(".rpm"); }
bool is_msi(std::string_view name) { return name.ends_with(".msi"); }

std::string download_content_type(std::string_view name) {
  if (name.ends_with(".deb")) return "application/vnd.debian.binary-package";
  if (name.ends_with(".rpm")) return "application/x-rpm";
  if (is_msi(name)) return "application/x-msi";
  if (name.ends_with(".sh")) return "text/x-shellscript; charset=utf-8";
  if (name.ends_with(".txt") || name.ends_with(".asc") || name.ends_with(".sha256")) {
    return "text/plain; charset=utf-8";
  }
  return "application/octet-stream";
}

bool valid_host(std::string_view host) {
  return !host.empty() && host.size() <= 255 &&
         std::all_of(host.begin(), host.end(), [](unsigned char ch) {
           return std::isalnum(ch) || ch == '.' || ch == '-' || ch == ':' || ch == '[' || ch == ']';
         });
}

// The URL agents reach the collector at: public_url, else the request's Host with http, or https
// when a trusted proxy says so in X-Forwarded-Proto. Host is whatever the client sent, so the
// derived URL only ever goes back to that same client (docs/install.md).
std::optional<std::string> collector_url(const Context& ctx, const http::Request& request) {
  if (!ctx.config.public_url.empty()) return ctx.config.public_url;
  const auto host = request.header("host");
  if (!host || !valid_host(*host)) return std::nullopt;
  const bool https = from_trusted_proxy(ctx.config.trusted_proxies, request) &&
                     request.header("x-forwarded-proto") == "https";
  return (https ? "https://" : "http://") + *host;
}

// Whether a URL names this machine only (127.0.0.0/8, ::1, localhost): a command built on it
// works on the collector's own server and nowhere else.
bool is_loopback_url(std::string_view url) {
  const auto scheme = url.find("://");
  std::string_view host = url.substr(scheme == std::string_view::npos ? 0 : scheme + 3);
  host = host.substr(0, host.find('/'));
  if (host.starts_with('[')) return host.starts_with("[::1]");
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.");
}

const char* const kNoUrl =
    "cannot tell the collector's public URL from this request: set public_url in the "
    "collector's configuration";

http::Response install_script(const Context& ctx, const http::Request& request) {
  const auto url = collector_url(ctx, request);
  if (!url) return error_response(400, kNoUrl);
  std::string script(install_script_template());
  const auto at = script.find(kUrlPlaceholder);
  if (at != std::string::npos) script.replace(at, kUrlPlaceholder.size(), *url);
  http::Response r{200, "text/x-shellscript; charset=utf-8", std::move(script), {}};
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

http::Response download(const Context& ctx, const http::Request& request) {
  const std::string_view name = std::string_view(request.path).substr(sizeof("/downloads/") - 1);
  const auto files = downloadable_files(ctx.config.downloads_dir);
  if (name.empty()) {
    std::string listing;
    for (const auto& file : files) listing += file + "\n";
    return {200, "text/plain; charset=utf-8", std::move(listing), {{"Cache-Control", "no-cache"}}};
  }
  if (std::find(files.begin(), files.end(), name) == files.end()) {
    return http::Response::text(404, "no such download");
  }
  const auto path = ctx.config.downloads_dir / std::string(name);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return http::Response::text(404, "no such download");
  if (size > kMaxDownloadBytes) return http::Response::text(500, "download too large to serve");
  std::ifstream in(path, std::ios::binary);
  std::string body(static_cast<std::size_t>(size), '\0');
  if (!in.read(body.data(), static_cast<std::streamsize>(size))) {
    return http::Response::text(500, "cannot read the download");
  }
  return {200,
          download_content_type(name),
          std::move(body),
          {{"Content-Disposition", "attachment; filename=\"" + std::string(name) + "\""},
           {"Cache-Control", "no-cache"}}};
}

http::Response install_info(const Context& ctx, const http::Request& request) {
  const auto url = collector_url(ctx, request);
  if (!url) return error_response(400, kNoUrl);
  const std::string& ca = ctx.config.public_ca_file;
  // <TOKEN> stays a placeholder: the enrolment token is a secret this answer never carries.
  const std::string command = "curl -fsSL " + (ca.empty() ? "" : "--cacert " + ca + " ") + *url +
                              "/install.sh | sudo sh -s -- --token <TOKEN>" +
                              (ca.empty() ? "" : " --ca-file " + ca);
  json packages = json::array();
  std::string msi;  // one is expected; of several, the last in name order
  for (const auto& file : downloadable_files(ctx.config.downloads_dir)) {
    if (is_package(file)) packages.push_back(file);
    if (is_msi(file)) msi = file;
  }
  json info = {{"script_url", *url + "/install.sh"},
               {"command", command},
               {"packages", packages},
               {"collector_url", *url},
               {"public_url_configured", !ctx.config.public_url.empty()},
               {"loopback", is_loopback_url(*url)}};
  if (!msi.empty()) {
    // For an elevated PowerShell: download, then a silent install that enrols (the MSI's
    // COLLECTOR_URL and ENROLMENT_TOKEN, docs/windows-agent.md). Windows trusts the collector's
    // certificate through its own store: there is no --cacert here.
    info["msi"] = msi;
    info["windows_command"] =
        "Invoke-WebRequest -UseBasicParsing -Uri " + *url + "/downloads/" + msi +
        " -OutFile $env:TEMP\\" + msi +
        "; Start-Process msiexec.exe -Wait -ArgumentList '/i', \"$env:TEMP\\" + msi +
        "\", '/qn', 'COLLECTOR_URL=" + *url + "', 'ENROLMENT_TOKEN=<TOKEN>'";
  }
  return json_response(200, info);
}

// Lets the install script refuse a wrong token before it installs anything.
http::Response check_enrolment_token(const Context& ctx, const http::Request& request) {
  if (ctx.enrolment_token.empty()) return error_response(403, "enrolment is disabled");
  const auto token = bearer_token(request);
  if (!token || !constant_time_equal(*token, ctx.enrolment_token)) {
    return error_response(401, "enrolment token refused");
  }
  return json_response(200, {{"valid", true}});
}

}  // namespace

void register_download_routes(http::Server& server, Context& ctx) {
  // The script and the packages are public (a server being enrolled has no session); the check
  // takes the enrolment token itself.
  add_api_routes(server, ctx,
                 {{"GET", "/install.sh", std::nullopt, install_script},
                  {"GET", "/downloads/*", std::nullopt, download},
                  {"GET", "/api/v1/install-info", MinRole::kViewer, install_info},
                  {"POST", "/api/v1/enrol/check", std::nullopt, check_enrolment_token}});
}

}  // namespace sahab::collector
