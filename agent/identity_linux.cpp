#include "agent/identity.h"
#include "common/file.h"

namespace sahab::agent {

std::vector<std::string> system_host_ids(const Paths& paths) {
  std::vector<std::string> ids;
  for (const auto& file : {paths.root("etc/machine-id"), paths.sys("class/dmi/id/product_uuid")}) {
    if (auto line = try_read_line(file)) ids.push_back(std::move(*line));
  }
  return ids;
}

}  // namespace sahab::agent
