#include "agent/inventory/windows_inventory.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "common/protocol/inventory.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::agent::inventory::windows {
namespace {

// MIB_TCP_STATE values: the two that matter, as the Linux kernel's numbers (parsers.h).
constexpr std::uint32_t kMibTcpListen = 2;
constexpr std::uint32_t kMibTcpEstablished = 5;

std::uint32_t dword_at(std::span<const unsigned char> bytes, std::size_t at) {
  return static_cast<std::uint32_t>(bytes[at]) | static_cast<std::uint32_t>(bytes[at + 1]) << 8 |
         static_cast<std::uint32_t>(bytes[at + 2]) << 16 |
         static_cast<std::uint32_t>(bytes[at + 3]) << 24;
}

// A port DWORD holds the port in network order in its first two bytes.
std::uint16_t port_at(std::span<const unsigned char> bytes, std::size_t at) {
  return static_cast<std::uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

std::string address_at(std::span<const unsigned char> bytes, std::size_t at, bool ipv6) {
  return address_text(bytes.data() + at, ipv6);
}

// The rows of a table whose count the buffer can hold; a count beyond it is a problem.
std::span<const unsigned char> rows_of(std::span<const unsigned char> table, std::size_t row_size,
                                       const char* what, Problems& problems, std::size_t& count) {
  count = 0;
  if (table.size() < 4) {
    if (!table.empty()) problems.add(std::string(what) + ": table shorter than its count");
    return {};
  }
  const std::size_t claimed = dword_at(table, 0);
  const std::size_t fit = std::min((table.size() - 4) / row_size, kMaxTableRows);
  if (claimed > fit) {
    problems.add(std::string(what) + ": " + std::to_string(claimed) + " rows announced, " +
                 std::to_string(fit) + " read");
  }
  count = std::min(claimed, fit);
  return table.subspan(4, count * row_size);
}

// Where the fields of each row are: MIB_TCPROW_OWNER_PID (24 bytes) and MIB_TCP6ROW_OWNER_PID
// (56 bytes: addresses of 16 bytes, each followed by a scope id).
struct TcpLayout {
  std::size_t size, local_address, local_port, remote_address, remote_port, state, pid;
};
constexpr TcpLayout kTcp4{24, 4, 8, 12, 16, 0, 20};
constexpr TcpLayout kTcp6{56, 0, 20, 24, 44, 48, 52};

// MIB_UDPROW_OWNER_PID (12 bytes) and MIB_UDP6ROW_OWNER_PID (28 bytes).
struct UdpLayout {
  std::size_t size, local_address, local_port, pid;
};
constexpr UdpLayout kUdp4{12, 0, 4, 8};
constexpr UdpLayout kUdp6{28, 0, 20, 24};

}  // namespace

std::vector<ConnectionTracker::TableRow> parse_tcp_table(std::span<const unsigned char> table,
                                                         bool ipv6, Problems& problems) {
  const TcpLayout& layout = ipv6 ? kTcp6 : kTcp4;
  std::size_t count = 0;
  const auto rows = rows_of(table, layout.size, ipv6 ? "tcp6" : "tcp", problems, count);
  std::vector<ConnectionTracker::TableRow> out;
  for (std::size_t i = 0; i < count; ++i) {
    const auto row = rows.subspan(i * layout.size, layout.size);
    const std::uint32_t state = dword_at(row, layout.state);
    if (state != kMibTcpListen && state != kMibTcpEstablished) continue;  // TIME_WAIT abounds
    SocketEntry e;
    e.local_address = address_at(row, layout.local_address, ipv6);
    e.local_port = port_at(row, layout.local_port);
    e.remote_address = address_at(row, layout.remote_address, ipv6);
    e.remote_port = port_at(row, layout.remote_port);
    e.state = state == kMibTcpListen ? kTcpListen : kTcpEstablished;
    e.inode = dword_at(row, layout.pid);
    out.emplace_back("tcp", std::move(e));
  }
  return out;
}

std::vector<ConnectionTracker::TableRow> parse_udp_table(std::span<const unsigned char> table,
                                                         bool ipv6, Problems& problems) {
  const UdpLayout& layout = ipv6 ? kUdp6 : kUdp4;
  std::size_t count = 0;
  const auto rows = rows_of(table, layout.size, ipv6 ? "udp6" : "udp", problems, count);
  std::vector<ConnectionTracker::TableRow> out;
  for (std::size_t i = 0; i < count; ++i) {
    const auto row = rows.subspan(i * layout.size, layout.size);
    SocketEntry e;
    e.local_address = address_at(row, layout.local_address, ipv6);
    e.local_port = port_at(row, layout.local_port);
    e.remote_address = ipv6 ? "::" : "0.0.0.0";  // Windows' UDP table has no peers
    e.state = kUdpUnconnected;
    e.inode = dword_at(row, layout.pid);
    out.emplace_back("udp", std::move(e));
  }
  return out;
}

std::vector<Package> packages_from_uninstall(const std::vector<UninstallEntry>& entries) {
  std::vector<Package> packages;
  for (const auto& e : entries) {
    const auto name = text::trim(e.display_name);
    if (name.empty() || e.system_component || e.is_update) continue;
    packages.push_back({std::string(name), std::string(text::trim(e.display_version)),
                        e.wow64 ? "x86" : "x64", "installed"});
  }
  std::sort(packages.begin(), packages.end());
  packages.erase(std::unique(packages.begin(), packages.end()), packages.end());
  return packages;
}

namespace {

std::string state_name(std::uint32_t state) {
  static constexpr const char* kNames[] = {"stopped", "start pending",    "stop pending",
                                           "running", "continue pending", "pause pending",
                                           "paused"};
  return state >= 1 && state <= 7 ? kNames[state - 1] : "unknown";
}

std::string start_type_name(std::uint32_t start_type) {
  static constexpr const char* kNames[] = {"boot", "system", "auto", "manual", "disabled"};
  return start_type <= 4 ? kNames[start_type] : "unknown";
}

constexpr std::uint32_t kAutoStart = 2;
constexpr std::uint32_t kRunning = 4;

}  // namespace

nlohmann::json services_json(std::vector<ServiceEntry> services) {
  std::sort(services.begin(), services.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  nlohmann::json out = nlohmann::json::array();
  namespace f = protocol::inventory::service;
  for (const auto& s : services) {
    out.push_back({{f::kName.name, s.name},
                   {f::kState.name, state_name(s.state)},
                   {f::kEnabled.name, s.start_type == kAutoStart},
                   {f::kRunning.name, s.state == kRunning},
                   {f::kStartType.name, start_type_name(s.start_type)}});
  }
  return out;
}

namespace {

// The roles a migration plan cares about and a service that only they install.
struct Role {
  const char* feature;  // Install-WindowsFeature's name
  const char* service;
};
constexpr Role kRoles[] = {
    {"AD-Domain-Services", "NTDS"},
    {"DHCP", "DHCPServer"},
    {"DNS", "DNS"},
    {"Hyper-V", "vmms"},
    {"Web-Server", "W3SVC"},
    {"FS-DFS-Replication", "DFSR"},
};

// Service names are case-insensitive on Windows.
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const ServiceEntry* service_named(const std::vector<ServiceEntry>& services,
                                  std::string_view name) {
  for (const auto& s : services)
    if (same_name(s.name, name)) return &s;
  return nullptr;
}

}  // namespace

nlohmann::json features_json(const std::set<std::string>& installed_components,
                             const std::vector<ServiceEntry>& services) {
  std::map<std::string, std::string> found;
  for (const auto& name : installed_components) found[name] = "server manager";
  if (installed_components.empty()) {
    for (const auto& role : kRoles) {
      if (service_named(services, role.service))
        found[role.feature] = std::string("service ") + role.service;
    }
  }
  nlohmann::json out = nlohmann::json::array();
  namespace f = protocol::inventory::feature;
  for (const auto& [name, evidence] : found)
    out.push_back({{f::kName.name, name}, {f::kEvidence.name, evidence}});
  return out;
}

namespace {

// Products whose Windows services name them; a trailing '*' matches a prefix ("MSSQL$*" is every
// named SQL Server instance).
struct ServiceRule {
  const char* product;  // a recognised.cpp rule's name, or a Windows-only product
  const char* service;
};
constexpr ServiceRule kServiceRules[] = {
    {"sqlserver", "MSSQLSERVER"},
    {"sqlserver", "MSSQL$*"},
    {"postgresql", "postgresql*"},
    {"mysql-compatible", "MySQL*"},
    {"mariadb", "MariaDB*"},
    {"oracle-database", "OracleService*"},
    {"tomcat", "Tomcat*"},
    {"apache", "Apache2*"},
    {"iis", "W3SVC"},
    {"active-directory", "NTDS"},
    {"windows-dns", "DNS"},
    {"windows-dhcp", "DHCPServer"},
    {"exchange", "MSExchangeIS"},
    {"exchange", "MSExchangeTransport"},
    {"hyper-v", "vmms"},
    {"redis", "Redis"},
    {"mongodb", "MongoDB"},
};

bool service_matches(std::string_view pattern, std::string_view name) {
  if (!pattern.ends_with('*')) return same_name(pattern, name);
  pattern.remove_suffix(1);
  return name.size() >= pattern.size() && same_name(pattern, name.substr(0, pattern.size()));
}

}  // namespace

std::vector<Evidence> windows_findings(const std::vector<ServiceEntry>& services,
                                       const std::vector<SqlServerInstance>& sql_server,
                                       const std::vector<std::string>& sites) {
  std::vector<Evidence> out;
  for (const auto& rule : kServiceRules) {
    for (const auto& s : services) {
      if (service_matches(rule.service, s.name))
        out.push_back({rule.product, "", "service " + s.name + " (" + state_name(s.state) + ")"});
    }
  }
  for (const auto& instance : sql_server) {
    out.push_back({"sqlserver", instance.version,
                   "instance " + instance.name +
                       (instance.edition.empty() ? "" : " (" + instance.edition + ")")});
  }
  for (const auto& site : sites) out.push_back({"iis", "", "site " + site});
  return out;
}

std::vector<std::string> iis_sites(std::string_view config) {
  config = config.substr(0, kMaxConfigBytes);
  std::set<std::string> names;
  constexpr std::string_view kOpen = "<site ", kName = "name=\"";
  for (std::size_t at = config.find(kOpen);
       at != std::string_view::npos && names.size() < kMaxSites; at = config.find(kOpen, at + 1)) {
    const auto end = config.find('>', at);
    const auto tag = config.substr(at, end == std::string_view::npos ? end : end - at);
    const auto name_at = tag.find(kName);
    if (name_at == std::string_view::npos) continue;
    const auto value = tag.substr(name_at + kName.size());
    const auto quote = value.find('"');
    if (quote != std::string_view::npos && quote > 0) names.emplace(value.substr(0, quote));
  }
  return {names.begin(), names.end()};
}

namespace {

// String `index` (1-based) of the string set starting at `at`; "" for 0 or past the set.
std::string smbios_string(std::span<const unsigned char> table, std::size_t at, unsigned index) {
  for (unsigned i = 1; index != 0 && at < table.size() && table[at] != 0; ++i) {
    std::size_t end = at;
    while (end < table.size() && table[end] != 0) ++end;
    if (i == index) {
      return std::string(
          text::trim(std::string_view(reinterpret_cast<const char*>(table.data() + at), end - at)));
    }
    at = end + 1;
  }
  return "";
}

std::string smbios_uuid(std::span<const unsigned char, 16> u, bool little_endian_fields) {
  // All zeros or all ones: "not present" / "not set" per the SMBIOS specification.
  if (std::all_of(u.begin(), u.end(), [](auto b) { return b == 0; }) ||
      std::all_of(u.begin(), u.end(), [](auto b) { return b == 0xff; }))
    return "";
  static constexpr int kBig[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  static constexpr int kLittle[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  const int* order = little_endian_fields ? kLittle : kBig;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kDigits[u[order[i]] >> 4];
    out += kDigits[u[order[i]] & 0xf];
  }
  return out;
}

}  // namespace

SmbiosSystem smbios_system(std::span<const unsigned char> raw) {
  constexpr std::size_t kHeader = 8;  // RawSMBIOSData before the table
  if (raw.size() < kHeader) return {};
  const unsigned major = raw[1], minor = raw[2];
  const std::size_t length =
      raw[4] | raw[5] << 8 | raw[6] << 16 | static_cast<std::size_t>(raw[7]) << 24;
  const auto table = raw.subspan(kHeader, std::min(length, raw.size() - kHeader));
  for (std::size_t at = 0; at + 4 <= table.size();) {
    const unsigned type = table[at], size = table[at + 1];
    if (size < 4 || at + size > table.size()) break;
    if (type == 1 && size >= 8) {
      SmbiosSystem s{smbios_string(table, at + size, table[at + 4]),
                     smbios_string(table, at + size, table[at + 5]),
                     smbios_string(table, at + size, table[at + 7]), ""};
      if (size >= 0x18)  // the UUID exists from SMBIOS 2.1 on
        s.uuid =
            smbios_uuid(table.subspan(at + 8).first<16>(), major > 2 || (major == 2 && minor >= 6));
      return s;
    }
    if (type == 127) break;  // end of table
    // The string set ends with two NULs.
    std::size_t next = at + size;
    while (next + 1 < table.size() && (table[next] != 0 || table[next + 1] != 0)) ++next;
    at = next + 2;
  }
  return {};
}

nlohmann::json os_json(const VersionValues& v) {
  namespace f = protocol::inventory::os;
  const std::string build =
      std::to_string(v.build) + (v.ubr ? "." + std::to_string(*v.ubr) : std::string());
  const std::string version =
      std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.build);
  std::string pretty = v.product_name.empty() ? "Windows" : v.product_name;
  if (!v.display_version.empty()) pretty += " " + v.display_version;
  pretty += " (" + std::to_string(v.major) + "." + std::to_string(v.minor) + "." + build + ")";
  return {{f::kFamily.name, "windows"},
          {f::kName.name, v.product_name},
          {f::kVersion.name, version},
          {f::kId.name, "windows"},
          {f::kPrettyName.name, pretty},
          {f::kIdLike.name, ""},
          {f::kVersionCodename.name, v.display_version},
          {f::kEdition.name, v.edition_id},
          {f::kBuild.name, build},
          {f::kInstallDate.name, v.install_date ? format_rfc3339(*v.install_date) : ""},
          {f::kLicenceChannel.name, v.licence_channel}};
}

std::string licence_channel(std::span<const unsigned char> id4) {
  constexpr std::size_t kChars = 64;
  if (id4.size() != kDigitalProductId4Bytes) return "";
  const std::uint32_t size = static_cast<std::uint32_t>(id4[0]) | id4[1] << 8 | id4[2] << 16 |
                             static_cast<std::uint32_t>(id4[3]) << 24;
  if (size != kDigitalProductId4Bytes) return "";
  std::string channel;
  for (std::size_t i = 0; i < kChars; ++i) {
    const unsigned c = id4[kKeyTypeOffset + 2 * i] | id4[kKeyTypeOffset + 2 * i + 1] << 8;
    if (c == 0) return channel;
    if (c > 0x7f || !(std::isalnum(static_cast<int>(c)) || c == ':' || c == '_' || c == '-'))
      return "";
    channel += static_cast<char>(c);
  }
  return "";  // no terminating NUL within the field
}

Virtualisation virtualisation_of(const std::string& manufacturer, const std::string& product,
                                 bool hypervisor_bit) {
  std::string both = manufacturer + " " + product;
  std::transform(both.begin(), both.end(), both.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::pair<const char*, const char*> kKnown[] = {
      {"vmware", "vmware"},
      {"virtualbox", "oracle"},
      {"innotek", "oracle"},
      {"qemu", "kvm"},
      {"kvm", "kvm"},
      {"xen", "xen"},
      {"amazon ec2", "amazon"},
      {"google", "google"},
      {"openstack", "kvm"},
      {"bochs", "bochs"},
      {"parallels", "parallels"},
      {"microsoft corporation virtual machine", "microsoft"},
  };
  for (const auto& [needle, name] : kKnown) {
    if (both.find(needle) != std::string::npos) return {name, "vm"};
  }
  if (hypervisor_bit) return {"other", "vm"};
  return {"none", "none"};
}

}  // namespace sahab::agent::inventory::windows
