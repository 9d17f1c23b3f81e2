#pragma once
// Serves the embedded web UI: "/" (the page shell) and "/assets/<hashed name>".
#include <span>
#include <string>
#include <string_view>

#include "collector/webui/assets.h"
#include "common/http_server.h"

namespace sahab::collector::webui {

// The Content-Security-Policy of every UI response: only this origin's scripts and styles, no
// inline script, no framing.
extern const char* const kContentSecurityPolicy;

// The Content-Type for a file name, by extension; application/octet-stream when unknown.
std::string content_type_of(std::string_view name);

// The answer to GET `path` from `assets`: the index for "/", a hashed asset (cached forever) for
// "/assets/NAME", 404 otherwise. Every answer carries the security headers.
http::Response serve(std::span<const EmbeddedAsset> assets, std::string_view path);

void register_webui_routes(http::Server& server);

}  // namespace sahab::collector::webui
