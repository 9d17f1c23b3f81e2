#pragma once
// packaging/install.sh, compiled into the collector (packaging/embed_text.cmake) so that
// GET /install.sh needs no file beside the binary and always matches the collector's version.
#include <string_view>

namespace sahab::collector {

// The script as written; "@SAHAB_COLLECTOR_URL@" stands for the collector's public URL.
std::string_view install_script_template();

}  // namespace sahab::collector
