#include "agent/identity.h"

#include "common/file.h"
#include "common/text.h"

namespace sahab::agent {

std::string read_host_id(const Paths& paths) {
  for (const auto& candidate : {paths.root("etc/machine-id"), paths.sys("class/dmi/id/product_uuid")}) {
    if (auto line = try_read_line(candidate)) {
      const auto id = text::trim(*line);
      if (!id.empty()) return std::string(id);
    }
  }
  return "unknown";
}

}  // namespace sahab::agent
