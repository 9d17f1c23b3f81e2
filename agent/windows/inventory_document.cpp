#include "agent/windows/inventory_document.h"

#include <windows.h>

#include <chrono>

#include "agent/metrics/windows_readings.h"
#include "common/crypto.h"
#include "common/protocol/inventory.h"
#include "common/protocol/report.h"
#include "common/timestamp.h"
#include "sahab/version.h"

namespace sahab::agent::windows {
namespace {

std::string computer_name(COMPUTER_NAME_FORMAT format) {
  wchar_t name[256] = L"";
  DWORD size = sizeof name / sizeof name[0];
  return GetComputerNameExW(format, name, &size) ? utf8(name) : "";
}

nlohmann::json identity(const AgentConfig& config, const std::string& host_id) {
  namespace f = protocol::inventory::identity;
  const std::string hostname = dns_hostname();
  const std::string fqdn = computer_name(ComputerNameDnsFullyQualified);
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& [key, value] : config.labels) labels[key] = value;
  return {{f::kHostId.name, host_id},
          {f::kHostname.name, hostname},
          {f::kFqdn.name, fqdn.empty() ? hostname : fqdn},
          {f::kAgentVersion.name, kVersion},
          {f::kLabels.name, std::move(labels)},
          {f::kListenAddress.name, config.listen_address}};
}

nlohmann::json system() {
  namespace f = protocol::inventory::system;
  namespace o = protocol::inventory::os;
  const OsReading os = read_os();
  const std::string version =
      std::to_string(os.major) + "." + std::to_string(os.minor) + "." + std::to_string(os.build);
  return {{f::kOs.name,
           {{o::kFamily.name, "windows"},
            {o::kName.name, os.product},
            {o::kVersion.name, version},
            {o::kPrettyName.name, os.product.empty() ? "Windows " + version : os.product}}},
          {f::kKernel.name, version},
          {f::kArch.name, "x86_64"}};
}

// {"hash", "data"} as the Linux inventory writes a section: the hash is of the same canonical
// text (sorted keys, invalid UTF-8 replaced), so unchanged sections are left out of reports.
nlohmann::json section(nlohmann::json data) {
  namespace f = protocol::report::section;
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return {{f::kHash.name, crypto::sha256_hex(text)}, {f::kData.name, std::move(data)}};
}

}  // namespace

std::string dns_hostname() { return computer_name(ComputerNameDnsHostname); }

nlohmann::json collect_inventory(const AgentConfig& config, const std::string& host_id) {
  namespace s = protocol::inventory;
  namespace f = protocol::report::inventory;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  nlohmann::json sections;
  sections[s::identity::kSection] = section(identity(config, host_id));
  sections[s::system::kSection] = section(system());
  return {{f::kFormat.name, protocol::report::kInventoryFormat},
          {f::kCollectedAt.name, format_rfc3339(now.count())},
          {f::kFull.name, true},
          {f::kSections.name, std::move(sections)}};
}

}  // namespace sahab::agent::windows
