// identity section: host id, hostname, FQDN, agent version, labels.
#include "agent/identity.h"

#include "agent/inventory/inventory.h"
#include "common/file.h"
#include "common/protocol/inventory.h"
#include "common/text.h"
#include "sahab/version.h"

namespace sahab::agent::inventory {
namespace {

// The FQDN without DNS (the agent must never hang on a dead resolver): the first dotted alias of
// the hostname in /etc/hosts, else the kernel's NIS domain name, else the hostname itself.
std::string fqdn_of(const std::string& hostname, const Context& ctx) {
  if (hostname.find('.') != std::string::npos) return hostname;
  std::string found;
  if (auto hosts = try_read_file(ctx.paths.root("etc/hosts"))) {
    text::for_each_line(*hosts, [&](std::string_view line) {
      if (!found.empty()) return;
      line = line.substr(0, line.find('#'));
      const auto names = text::fields(line);
      bool mentions_host = false;
      for (std::size_t i = 1; i < names.size(); ++i) mentions_host |= names[i] == hostname;
      if (!mentions_host) return;
      for (std::size_t i = 1; i < names.size(); ++i) {
        if (names[i].starts_with(hostname + ".")) {
          found = std::string(names[i]);
          return;
        }
      }
    });
  }
  if (!found.empty()) return found;
  const auto domain = try_read_line(ctx.paths.proc("sys/kernel/domainname"));
  if (domain && !text::trim(*domain).empty() && text::trim(*domain) != "(none)") {
    return hostname + "." + std::string(text::trim(*domain));
  }
  return hostname;
}

}  // namespace

nlohmann::json collect_identity(const Context& ctx, Problems& problems) {
  namespace f = protocol::inventory::identity;
  nlohmann::json data;
  data[f::kHostId.name] = read_host_id(ctx.paths, ctx.state_dir);
  std::string hostname;
  if (auto line = try_read_line(ctx.paths.proc("sys/kernel/hostname"))) {
    hostname = std::string(text::trim(*line));
  } else {
    problems.add("cannot read " + ctx.paths.proc("sys/kernel/hostname").string());
  }
  data[f::kHostname.name] = hostname;
  data[f::kFqdn.name] = hostname.empty() ? "" : fqdn_of(hostname, ctx);
  data[f::kAgentVersion.name] = kVersion;
  nlohmann::json& labels = data[f::kLabels.name] = nlohmann::json::object();
  for (const auto& [key, value] : ctx.labels) labels[key] = value;
  if (!ctx.listen_address.empty()) data[f::kListenAddress.name] = ctx.listen_address;
  return data;
}

}  // namespace sahab::agent::inventory
