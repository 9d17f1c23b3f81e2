#pragma once
// The sections of sahab-inventory/1 (docs/inventory.md): the fields of each section's data and of
// the records of its lists. This file owns them, as report.h owns the report around them: the
// agent writes the names from here, the collector checks every known section against its table
// when a report arrives (check_section) and reads the fields it uses by the same names. Limits
// are generous on purpose: a report the collector refuses is dropped by the agent, summaries and
// all, so they stop only what no real server gives.
#include <array>
#include <span>
#include <string>
#include <string_view>

#include "common/protocol/report.h"

namespace sahab::protocol::inventory {
using report::Field;
using report::Kind;

inline constexpr double kNameBytes = 1024;  // product names, models, labels read from one file
inline constexpr double kPathBytes = 4096;  // PATH_MAX: devices, mount points
inline constexpr double kBytes = report::kLargestCount;
inline constexpr double kRecords = static_cast<double>(report::kMaxRecordsPerList);
inline constexpr double kLargestPort = 65535;

// Every section may carry what went wrong while collecting it (capped by the agent).
inline constexpr std::size_t kMaxProblems = 20;
inline constexpr Field kProblems{"problems", Kind::kArray, "", 0, kMaxProblems};
inline constexpr Field kProblemsDropped{"problems_dropped", Kind::kWholeNumber, "", 0, kBytes};

namespace identity {
inline constexpr std::string_view kSection = "identity";
inline constexpr Field kHostId{"host_id", Kind::kText, "", 0, 128};
inline constexpr Field kHostname{"hostname", Kind::kText, "", 0, report::kMaxHostnameBytes};
inline constexpr Field kFqdn{"fqdn", Kind::kText, "", 0, report::kMaxHostnameBytes};
inline constexpr Field kAgentVersion{"agent_version", Kind::kText, "", 0, 64};
// Strings by name; their names and sizes are checked as the report's labels (kMaxLabels).
inline constexpr Field kLabels{"labels", Kind::kObject, "", 0, 0};
inline constexpr Field kListenAddress{"listen_address", Kind::kText, "", 0, 256};
inline constexpr std::array kFields{kHostId,       kHostname, kFqdn,
                                    kAgentVersion, kLabels,   kListenAddress};
}  // namespace identity

namespace system {
inline constexpr std::string_view kSection = "system";
inline constexpr Field kOs{"os", Kind::kObject, "", 0, 0};
inline constexpr Field kKernel{"kernel", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kArch{"arch", Kind::kText, "", 0, 64};
// RFC 3339, or "" when /proc/stat has no btime.
inline constexpr Field kBootTime{"boot_time", Kind::kText, "", 0, 64};
inline constexpr Field kTimezone{"timezone", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kFirmware{"firmware", Kind::kText, "", 0, 16};  // "uefi" or "bios"
inline constexpr Field kVirtualisation{"virtualisation", Kind::kText, "", 0, 64};
inline constexpr Field kVirtualisationKind{"virtualisation_kind", Kind::kText, "", 0, 16};
inline constexpr Field kDmi{"dmi", Kind::kObject, "", 0, 0};
inline constexpr std::array kFields{kOs,       kKernel,   kArch,           kBootTime,
                                    kTimezone, kFirmware, kVirtualisation, kVirtualisationKind,
                                    kDmi};
}  // namespace system

// system.os, from os-release
namespace os {
inline constexpr Field kFamily{"family", Kind::kText, "", 0, 32};  // "linux", "windows"
inline constexpr Field kName{"name", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kVersion{"version", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kId{"id", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kPrettyName{"pretty_name", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kIdLike{"id_like", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kVersionCodename{"version_codename", Kind::kText, "", 0, kNameBytes};
// Windows only (the registry's CurrentVersion key): EditionID ("ServerStandard"), the build with
// its update revision ("17763.1234") and the installation date (RFC 3339).
inline constexpr Field kEdition{"edition", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kBuild{"build", Kind::kText, "", 0, 64};
inline constexpr Field kInstallDate{"install_date", Kind::kText, "", 0, 64};
// Windows only: the licence channel of the installed product key ("Retail", "OEM:DM",
// "Volume:GVLK", "Volume:MAK"), from the registry's DigitalProductId4; "" where not readable.
inline constexpr Field kLicenceChannel{"licence_channel", Kind::kText, "", 0, 64};
inline constexpr std::array kFields{kFamily,     kName,        kVersion,         kId,
                                    kPrettyName, kIdLike,      kVersionCodename, kEdition,
                                    kBuild,      kInstallDate, kLicenceChannel};
}  // namespace os

// system.dmi
namespace dmi {
inline constexpr Field kVendor{"vendor", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kProduct{"product", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kSerial{"serial", Kind::kText, "", 0, kNameBytes};
// The SMBIOS UUID as Linux shows it (product_uuid): what vCenter, RVTools and inventory agents
// know the machine by, so an imported server is matched to its agent (collector import_match.h).
inline constexpr Field kUuid{"uuid", Kind::kText, "", 0, 64};
inline constexpr std::array kFields{kVendor, kProduct, kSerial, kUuid};
}  // namespace dmi

namespace hardware {
inline constexpr std::string_view kSection = "hardware";
inline constexpr Field kCpu{"cpu", Kind::kObject, "", 0, 0};
inline constexpr Field kMemoryBytes{"memory_bytes", Kind::kWholeNumber, "bytes", 0, kBytes};
inline constexpr Field kSwapBytes{"swap_bytes", Kind::kWholeNumber, "bytes", 0, kBytes};
inline constexpr Field kBlockDevices{"block_devices", Kind::kArray, "", 0, kRecords};
inline constexpr Field kFilesystems{"filesystems", Kind::kArray, "", 0, kRecords};
inline constexpr Field kNics{"nics", Kind::kArray, "", 0, kRecords};
inline constexpr std::array kFields{kCpu,          kMemoryBytes, kSwapBytes,
                                    kBlockDevices, kFilesystems, kNics};
}  // namespace hardware

// hardware.cpu
namespace cpu {
inline constexpr double kCount = 1 << 20;
inline constexpr Field kModel{"model", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kSockets{"sockets", Kind::kWholeNumber, "", 0, kCount};
inline constexpr Field kCores{"cores", Kind::kWholeNumber, "", 0, kCount};
inline constexpr Field kThreads{"threads", Kind::kWholeNumber, "", 0, kCount};
inline constexpr Field kMhz{"mhz", Kind::kNumber, "MHz", 0, 1e6};
inline constexpr std::array kFields{kModel, kSockets, kCores, kThreads, kMhz};
}  // namespace cpu

// hardware.block_devices[]
namespace block_device {
inline constexpr Field kName{"name", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kSizeBytes{"size_bytes", Kind::kWholeNumber, "bytes", 0, kBytes};
inline constexpr Field kRotational{"rotational", Kind::kBoolean, "", 0, 0};
inline constexpr Field kModel{"model", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kVendor{"vendor", Kind::kText, "", 0, kNameBytes};
inline constexpr std::array kFields{kName, kSizeBytes, kRotational, kModel, kVendor};
}  // namespace block_device

// hardware.filesystems[]
namespace filesystem {
inline constexpr Field kDevice{"device", Kind::kText, "", 0, kPathBytes};
inline constexpr Field kMountpoint{"mountpoint", Kind::kText, "", 0, kPathBytes};
inline constexpr Field kFstype{"fstype", Kind::kText, "", 0, 64};
inline constexpr Field kSizeBytes{"size_bytes", Kind::kWholeNumber, "bytes", 0, kBytes};
// Readings: they move between two reports of an unchanged server (readings() below).
inline constexpr Field kUsedBytes{"used_bytes", Kind::kWholeNumber, "bytes", 0, kBytes};
inline constexpr Field kAvailableBytes{"available_bytes", Kind::kWholeNumber, "bytes", 0, kBytes};
inline constexpr std::array kFields{kDevice,    kMountpoint, kFstype,
                                    kSizeBytes, kUsedBytes,  kAvailableBytes};
}  // namespace filesystem

// hardware.nics[]
namespace nic {
inline constexpr Field kName{"name", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kMac{"mac", Kind::kText, "", 0, 128};
inline constexpr Field kMtu{"mtu", Kind::kWholeNumber, "bytes", 0, kBytes};
inline constexpr Field kSpeedMbps{"speed_mbps", Kind::kWholeNumber, "Mbit/s", 0, kBytes};
inline constexpr Field kOperstate{"operstate", Kind::kText, "", 0, 64};
inline constexpr Field kVirtual{"virtual", Kind::kBoolean, "", 0, 0};
inline constexpr Field kIpv4{"ipv4", Kind::kArray, "", 0, kRecords};
inline constexpr Field kIpv6{"ipv6", Kind::kArray, "", 0, kRecords};
inline constexpr std::array kFields{kName,      kMac,     kMtu,  kSpeedMbps,
                                    kOperstate, kVirtual, kIpv4, kIpv6};
}  // namespace nic

namespace software {
inline constexpr std::string_view kSection = "software";
inline constexpr Field kPackageManager{"package_manager", Kind::kText, "", 0, 32};
inline constexpr Field kPackages{"packages", Kind::kArray, "", 0, kRecords};
inline constexpr Field kServices{"services", Kind::kArray, "", 0, kRecords};
inline constexpr Field kRecognised{"recognised", Kind::kArray, "", 0, kRecords};
// Windows only: the installed features and roles ("Web-Server", "AD-Domain-Services").
inline constexpr Field kFeatures{"features", Kind::kArray, "", 0, kRecords};
inline constexpr std::array kFields{kPackageManager, kPackages, kServices, kRecognised, kFeatures};
}  // namespace software

// software.packages[]
namespace package {
inline constexpr Field kName{"name", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kVersion{"version", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kArch{"arch", Kind::kText, "", 0, 64};
inline constexpr Field kStatus{"status", Kind::kText, "", 0, 64};
inline constexpr std::array kFields{kName, kVersion, kArch, kStatus};
}  // namespace package

// software.services[]
namespace service {
inline constexpr Field kName{"name", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kState{"state", Kind::kText, "", 0, 64};  // "running", "enabled", ...
inline constexpr Field kEnabled{"enabled", Kind::kBoolean, "", 0, 0};
inline constexpr Field kRunning{"running", Kind::kBoolean, "", 0, 0};
// Windows only: "auto", "manual", "disabled", "boot", "system".
inline constexpr Field kStartType{"start_type", Kind::kText, "", 0, 16};
inline constexpr std::array kFields{kName, kState, kEnabled, kRunning, kStartType};
}  // namespace service

// software.features[] (Windows)
namespace feature {
inline constexpr Field kName{"name", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kEvidence{"evidence", Kind::kText, "", 0, kNameBytes};
inline constexpr std::array kFields{kName, kEvidence};
}  // namespace feature

// software.recognised[]
namespace recognised {
inline constexpr Field kName{"name", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kVersion{"version", Kind::kText, "", 0, kNameBytes};
inline constexpr Field kEvidence{"evidence", Kind::kText, "", 0, kPathBytes};
inline constexpr std::array kFields{kName, kVersion, kEvidence};
}  // namespace recognised

namespace network {
inline constexpr std::string_view kSection = "network";
inline constexpr Field kListening{"listening", Kind::kArray, "", 0, kRecords};
inline constexpr Field kConnections{"connections", Kind::kArray, "", 0, kRecords};
// Readings (readings() below): the connections open at the instant of the scan, and how many edges
// the agent's tracker had no room for.
inline constexpr Field kEstablished{"established", Kind::kArray, "", 0, kRecords};
inline constexpr Field kEdgesDropped{"edges_dropped", Kind::kWholeNumber, "", 0, kBytes};
inline constexpr Field kProcessOwnersVisible{"process_owners_visible", Kind::kBoolean, "", 0, 0};
inline constexpr std::array kFields{kListening, kConnections, kEstablished, kEdgesDropped,
                                    kProcessOwnersVisible};
}  // namespace network

// network.listening[]
namespace listening {
inline constexpr Field kProtocol{"protocol", Kind::kText, "", 0, 8};  // "tcp", "udp"
inline constexpr Field kAddress{"address", Kind::kText, "", 0, 64};
inline constexpr Field kPort{"port", Kind::kWholeNumber, "", 0, kLargestPort};
inline constexpr Field kProcess{"process", Kind::kText, "", 0, kNameBytes};
inline constexpr std::array kFields{kProtocol, kAddress, kPort, kProcess};
}  // namespace listening

// network.connections[] (edges: the ephemeral side's port is 0) and network.established[].
namespace connection {
inline constexpr Field kDirection{"direction", Kind::kText, "", 0, 16};  // inbound, outbound
inline constexpr Field kLocalAddress{"local_address", Kind::kText, "", 0, 64};
inline constexpr Field kLocalPort{"local_port", Kind::kWholeNumber, "", 0, kLargestPort};
inline constexpr Field kRemoteAddress{"remote_address", Kind::kText, "", 0, 64};
inline constexpr Field kRemotePort{"remote_port", Kind::kWholeNumber, "", 0, kLargestPort};
inline constexpr Field kProcess{"process", Kind::kText, "", 0, kNameBytes};
// A reading: distinct connections seen for the edge since the last report.
inline constexpr Field kCount{"count", Kind::kWholeNumber, "", 0, kBytes};
inline constexpr std::array kFields{kDirection,  kLocalAddress, kLocalPort, kRemoteAddress,
                                    kRemotePort, kProcess,      kCount};
}  // namespace connection

// ---- The tables, by section ------------------------------------------------------------------

// An object or a list of objects inside a section's data: the field holding it and the fields of
// the object (of each element, for a list).
struct Nested {
  Field holder;
  std::span<const Field> fields;
};

struct Section {
  std::string_view name;
  std::span<const Field> fields;
  std::span<const Nested> nested;
};

// The known sections; an unknown one (a newer agent's) is stored without checks beyond the
// report's limits.
std::span<const Section> sections();
const Section* section(std::string_view name);

// A reading: a field whose value moves between two reports of an unchanged server (a
// filesystem's free space), left out when deciding whether a section changed.
struct Reading {
  std::string_view section;
  std::string_view list;  // the list whose elements hold the field; "" for the section's own
  std::string_view field;
};
std::span<const Reading> readings();

// Checks the data of the section `name` against its table (nothing for an unknown section):
// each field of its kind and within its limits, each nested object and list element too.
// Throws report::ReportError naming `where`.field ("....hardware.data.filesystems[2].used_bytes").
void check_section(std::string_view name, const nlohmann::json& data, const std::string& where);

}  // namespace sahab::protocol::inventory
