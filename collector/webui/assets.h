#pragma once
// The web UI's files, bundled by esbuild and compiled into the binary by embed_assets.py.
#include <span>
#include <string_view>

namespace sahab::collector::webui {

struct EmbeddedAsset {
  std::string_view name;  // relative to the bundle: "index.html", "assets/app-4F3K2J.js"
  std::string_view bytes;
};

// Every file of the bundle (generated in the build directory).
std::span<const EmbeddedAsset> embedded_assets();

}  // namespace sahab::collector::webui
