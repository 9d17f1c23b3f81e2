#pragma once
// The Windows inventory's mapping from what the Win32 APIs and the registry hand over to the
// sections of sahab-inventory/1 (docs/windows-agent.md). Nothing here calls Windows: the readings
// come from the APIs in *_windows.cpp on Windows and from fixtures in the native unit tests
// (tests/windows/unit/), so the mapping is tested without Wine, including what Wine never returns
// (owning PIDs, IPv6 sockets, services in every state).
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/inventory/connections.h"
#include "agent/inventory/inventory.h"
#include "agent/inventory/parsers.h"
#include "agent/inventory/recognised.h"

namespace sahab::agent::inventory::windows {

// ---- Sockets: GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL) and GetExtendedUdpTable
// (UDP_TABLE_OWNER_PID) fill a buffer: a DWORD count, then fixed-size rows (MIB_TCPROW_OWNER_PID,
// MIB_TCP6ROW_OWNER_PID, MIB_UDPROW_OWNER_PID, MIB_UDP6ROW_OWNER_PID). These read that buffer as
// bytes (little-endian DWORDs, addresses and ports in network order), keep listening and
// established TCP sockets and every UDP socket, and put the owning PID in `inode`: the rows of
// ConnectionTracker::observe_rows. A count that overruns the buffer is a problem, and the rows
// that fit are kept.
inline constexpr std::size_t kMaxTableRows = 1 << 18;
std::vector<ConnectionTracker::TableRow> parse_tcp_table(std::span<const unsigned char> table,
                                                         bool ipv6, Problems& problems);
std::vector<ConnectionTracker::TableRow> parse_udp_table(std::span<const unsigned char> table,
                                                         bool ipv6, Problems& problems);

// ---- Installed software: one subkey of ...\CurrentVersion\Uninstall, from the 64-bit or the
// 32-bit (WOW6432Node) view of HKLM.
struct UninstallEntry {
  std::string display_name;
  std::string display_version;
  bool system_component = false;  // SystemComponent = 1: hidden from "Programs and Features"
  bool is_update = false;         // ParentKeyName set or ReleaseType an update or hotfix
  bool wow64 = false;             // from the 32-bit view: a 32-bit program
};
// What "Programs and Features" lists, as packages {name, version, arch "x64"/"x86", status
// "installed"}: entries without a display name, hidden ones and updates left out; sorted, each
// once.
std::vector<Package> packages_from_uninstall(const std::vector<UninstallEntry>& entries);

// ---- Services: EnumServicesStatusEx's state and the service's Start value (SERVICE_*_START).
struct ServiceEntry {
  std::string name;          // the key name ("W3SVC", "MSSQL$SQLEXPRESS")
  std::uint32_t start_type;  // 0 boot, 1 system, 2 automatic, 3 manual, 4 disabled
  std::uint32_t state;       // SERVICE_STOPPED (1) ... SERVICE_PAUSED (7)
};
// [{"name", "state", "enabled", "running", "start_type"}] sorted by name: `enabled` is an
// automatic start, as systemd's "enabled" on Linux; state "running", "stopped", "paused", ...;
// start_type "boot", "system", "auto", "manual", "disabled".
nlohmann::json services_json(std::vector<ServiceEntry> services);

// ---- Windows features and roles: the components Server Manager lists as installed
// (HKLM\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache, Windows Server
// only) and, where that cache is absent, the roles a service of theirs gives away.
// [{"name", "evidence"}] sorted by name; names are Install-WindowsFeature's ("Web-Server").
nlohmann::json features_json(const std::set<std::string>& installed_components,
                             const std::vector<ServiceEntry>& services);

// ---- Recognised server software: recognised.h's rules over the packages, process names
// (lower-case, without ".exe"), listening sockets and services, plus what the registry says of
// SQL Server instances and IIS sites.
struct SqlServerInstance {
  std::string name;     // "MSSQLSERVER", "SQLEXPRESS"
  std::string edition;  // Setup\Edition: "Standard Edition (64-bit)"
  std::string version;  // Setup\Version: "15.0.2000.5"
};
std::vector<Evidence> windows_findings(const std::vector<ServiceEntry>& services,
                                       const std::vector<SqlServerInstance>& sql_server,
                                       const std::vector<std::string>& iis_sites);

// The site names of IIS's applicationHost.config (<site name="...">), at most kMaxSites; the file
// is read up to kMaxConfigBytes.
inline constexpr std::size_t kMaxSites = 1024;
inline constexpr std::size_t kMaxConfigBytes = 16 << 20;
std::vector<std::string> iis_sites(std::string_view application_host_config);

// ---- SMBIOS: GetSystemFirmwareTable('RSMB') gives a RawSMBIOSData header (calling method, major
// and minor version, DMI revision, DWORD length) and the structure table. From the System
// Information structure (type 1): manufacturer, product, serial and UUID, the UUID written as
// Linux's product_uuid (lower case, the first three fields little-endian from SMBIOS 2.6 on).
// Structures and strings running past the buffer end the reading there.
struct SmbiosSystem {
  std::string vendor, product, serial, uuid;
};
SmbiosSystem smbios_system(std::span<const unsigned char> raw);

// ---- The operating system: HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion and
// RtlGetVersion.
struct VersionValues {
  std::string product_name;     // "Windows Server 2019 Standard"
  std::string edition_id;       // "ServerStandard"
  std::string display_version;  // DisplayVersion, else ReleaseId ("1809"); "" on older builds
  unsigned major = 0, minor = 0, build = 0;
  std::optional<std::uint32_t> ubr;           // the update build revision
  std::optional<std::uint32_t> install_date;  // InstallDate: seconds since 1970
  std::string licence_channel;                // licence_channel(DigitalProductId4)
};
// system.os: family "windows", id "windows", name, version "major.minor.build", pretty_name,
// edition, build "17763.1234", install_date (RFC 3339 or ""), licence_channel.
nlohmann::json os_json(const VersionValues& values);

// The licence channel in CurrentVersion's DigitalProductId4 (REG_BINARY, 1272 bytes, written by
// PidGenX at key installation; no WMI, no slc.dll): a DWORD holding the structure's size, then
// at byte 1016 the key type, NUL-terminated UTF-16LE in 64 characters ("Retail", "OEM:DM",
// "Volume:GVLK", "Volume:MAK"). "" when the value is shorter, says another size, or the text is
// not a channel name (letters, digits, ':', '_', '-' only).
inline constexpr std::size_t kDigitalProductId4Bytes = 1272;
inline constexpr std::size_t kKeyTypeOffset = 1016;
std::string licence_channel(std::span<const unsigned char> digital_product_id4);

// "vm" and the hypervisor's name from the SMBIOS system manufacturer and product and the CPU's
// hypervisor bit, as the Linux inventory names them ("vmware", "kvm", "microsoft" for Hyper-V,
// "xen", "oracle"); {"none", "none"} on bare metal.
struct Virtualisation {
  std::string name, kind;
};
Virtualisation virtualisation_of(const std::string& manufacturer, const std::string& product,
                                 bool hypervisor_bit);

}  // namespace sahab::agent::inventory::windows
