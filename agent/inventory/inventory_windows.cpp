// The Windows inventory's sections (Windows only): identity, system, hardware and software read
// from the registry and Win32 APIs, behind inventory.h's collect_* functions, so that
// inventory.cpp assembles the same sahab-inventory/1 document as on Linux. The mapping of what
// these read is windows_inventory.cpp's, tested natively; network is connections.cpp's, fed by
// connections_windows.cpp.
#include <winsock2.h>
// iphlpapi.h, ws2tcpip.h need winsock2.h first; it includes windows.h.
#include <cpuid.h>
#include <iphlpapi.h>
#include <winioctl.h>
#include <ws2tcpip.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "agent/identity.h"
#include "agent/inventory/inventory.h"
#include "agent/inventory/registry_windows.h"
#include "agent/inventory/windows_inventory.h"
#include "agent/metrics/windows_readings.h"
#include "common/protocol/inventory.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "sahab/version.h"

namespace sahab::agent::inventory {
namespace {
using windows::RegistryKey;
using windows::utf8;
using windows::wide;

const wchar_t kCurrentVersion[] = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";

std::string computer_name(COMPUTER_NAME_FORMAT format) {
  wchar_t name[256];
  DWORD length = 256;
  return GetComputerNameExW(format, name, &length) ? utf8(std::wstring(name, length)) : "";
}

windows::VersionValues version_values() {
  const RegistryKey key(HKEY_LOCAL_MACHINE, kCurrentVersion);
  windows::VersionValues v;
  v.product_name = key.text(L"ProductName");
  v.edition_id = key.text(L"EditionID");
  v.display_version = key.text(L"DisplayVersion");
  if (v.display_version.empty()) v.display_version = key.text(L"ReleaseId");
  v.ubr = key.dword(L"UBR");
  v.install_date = key.dword(L"InstallDate");
  v.licence_channel = windows::licence_channel(key.binary(L"DigitalProductId4"));
  // GetVersionEx lies to programs without a manifest; RtlGetVersion does not.
  using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOW*);
  OSVERSIONINFOW info{};
  info.dwOSVersionInfoSize = sizeof info;
  const auto rtl_get_version = reinterpret_cast<RtlGetVersionFn>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion")));
  if (rtl_get_version && rtl_get_version(&info) == 0) {
    v.major = info.dwMajorVersion;
    v.minor = info.dwMinorVersion;
    v.build = info.dwBuildNumber;
  }
  return v;
}

std::string arch_name() {
  SYSTEM_INFO info{};
  GetNativeSystemInfo(&info);
  switch (info.wProcessorArchitecture) {  // uname's names, as the Linux inventory writes them
    case PROCESSOR_ARCHITECTURE_AMD64:
      return "x86_64";
    case PROCESSOR_ARCHITECTURE_INTEL:
      return "i686";
    case 12:
      return "aarch64";  // PROCESSOR_ARCHITECTURE_ARM64, missing from older headers
    default:
      return "unknown";
  }
}

// GetFirmwareType (Windows 8 / 2012 and later) looked up at run time: Wine lacks it, and a
// missing import would stop the whole exe. "" when unknown.
std::string firmware_type() {
  using GetFirmwareTypeFn = BOOL(WINAPI*)(FIRMWARE_TYPE*);
  const auto get = reinterpret_cast<GetFirmwareTypeFn>(reinterpret_cast<void*>(
      GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "GetFirmwareType")));
  FIRMWARE_TYPE type = FirmwareTypeUnknown;
  if (!get || !get(&type)) return "";
  return type == FirmwareTypeUefi ? "uefi" : type == FirmwareTypeBios ? "bios" : "";
}

// The SMBIOS System Information of GetSystemFirmwareTable('RSMB') (no privilege needed).
windows::SmbiosSystem smbios_table() {
  constexpr DWORD kRsmb = 'R' << 24 | 'S' << 16 | 'M' << 8 | 'B';
  const UINT size = GetSystemFirmwareTable(kRsmb, 0, nullptr, 0);
  if (size == 0 || size > 4u << 20) return {};
  std::vector<unsigned char> raw(size);
  if (GetSystemFirmwareTable(kRsmb, 0, raw.data(), size) != size) return {};
  return windows::smbios_system(raw);
}

bool hypervisor_bit() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 31));
}

nlohmann::json cpu_of() {
  const RegistryKey key(HKEY_LOCAL_MACHINE, L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0");
  int sockets = 0, cores = 0, threads = 0;
  DWORD bytes = 0;
  GetLogicalProcessorInformation(nullptr, &bytes);
  std::vector<SYSTEM_LOGICAL_PROCESSOR_INFORMATION> info(bytes / sizeof(info[0]) + 1);
  bytes = static_cast<DWORD>(info.size() * sizeof(info[0]));
  if (GetLogicalProcessorInformation(info.data(), &bytes)) {
    info.resize(bytes / sizeof(info[0]));
    for (const auto& i : info) {
      sockets += i.Relationship == RelationProcessorPackage;
      if (i.Relationship != RelationProcessorCore) continue;
      ++cores;
      threads += __builtin_popcountll(i.ProcessorMask);
    }
  }
  namespace f = protocol::inventory::cpu;
  const std::string model = key.text(L"ProcessorNameString");
  return {{f::kModel.name, std::string(text::trim(model))},
          {f::kSockets.name, sockets},
          {f::kCores.name, cores},
          {f::kThreads.name, threads},
          {f::kMhz.name, key.dword(L"~MHz").value_or(0)}};
}

nlohmann::json block_devices_of() {
  nlohmann::json out = nlohmann::json::array();
  for (int n = 0; n < 64; ++n) {
    const std::wstring path = L"\\\\.\\PhysicalDrive" + std::to_wstring(n);
    // No access rights needed for the length and the descriptor: works unprivileged.
    const HANDLE disk = CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                    OPEN_EXISTING, 0, nullptr);
    if (disk == INVALID_HANDLE_VALUE) continue;
    GET_LENGTH_INFORMATION length{};
    DWORD returned = 0;
    const bool sized = DeviceIoControl(disk, IOCTL_DISK_GET_LENGTH_INFO, nullptr, 0, &length,
                                       sizeof length, &returned, nullptr);
    std::string model, vendor;
    STORAGE_PROPERTY_QUERY query{};
    query.PropertyId = StorageDeviceProperty;
    query.QueryType = PropertyStandardQuery;
    alignas(8) unsigned char buffer[4096] = {};
    if (DeviceIoControl(disk, IOCTL_STORAGE_QUERY_PROPERTY, &query, sizeof query, buffer,
                        sizeof buffer - 1, &returned, nullptr)) {
      const auto* descriptor = reinterpret_cast<const STORAGE_DEVICE_DESCRIPTOR*>(buffer);
      const auto text_at = [&](DWORD offset) {
        return offset > 0 && offset < returned
                   ? std::string(text::trim(reinterpret_cast<const char*>(buffer + offset)))
                   : std::string();
      };
      model = text_at(descriptor->ProductIdOffset);
      vendor = text_at(descriptor->VendorIdOffset);
    }
    CloseHandle(disk);
    namespace f = protocol::inventory::block_device;
    out.push_back({{f::kName.name, "PhysicalDrive" + std::to_string(n)},
                   {f::kSizeBytes.name, sized ? length.Length.QuadPart : 0},
                   {f::kModel.name, model},
                   {f::kVendor.name, vendor}});
  }
  return out;
}

nlohmann::json filesystems_of(Problems& problems) {
  nlohmann::json out = nlohmann::json::array();
  wchar_t roots[512];
  const DWORD length = GetLogicalDriveStringsW(512, roots);
  if (length == 0 || length >= 512) {
    problems.add("GetLogicalDriveStrings failed");
    return out;
  }
  for (const wchar_t* root = roots; *root; root += wcslen(root) + 1) {
    if (GetDriveTypeW(root) != DRIVE_FIXED) continue;
    wchar_t fstype[MAX_PATH + 1] = L"", volume[MAX_PATH + 1] = L"";
    GetVolumeInformationW(root, nullptr, 0, nullptr, nullptr, nullptr, fstype, MAX_PATH + 1);
    const std::string device =
        GetVolumeNameForVolumeMountPointW(root, volume, MAX_PATH + 1) ? utf8(volume) : utf8(root);
    ULARGE_INTEGER available{}, total{}, total_free{};
    if (!GetDiskFreeSpaceExW(root, &available, &total, &total_free)) continue;
    namespace f = protocol::inventory::filesystem;
    out.push_back({{f::kDevice.name, device},
                   {f::kMountpoint.name, utf8(root)},
                   {f::kFstype.name, utf8(fstype)},
                   {f::kSizeBytes.name, total.QuadPart},
                   {f::kUsedBytes.name, total.QuadPart - total_free.QuadPart},
                   {f::kAvailableBytes.name, available.QuadPart}});
  }
  return out;
}

std::string address_text(const SOCKET_ADDRESS& address) {
  char text[INET6_ADDRSTRLEN] = "";
  const auto* sa = address.lpSockaddr;
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
  }
  return text;
}

nlohmann::json nics_of(Problems& problems) {
  nlohmann::json out = nlohmann::json::array();
  ULONG size = 64 * 1024;
  std::vector<unsigned char> buffer;
  ULONG status = ERROR_BUFFER_OVERFLOW;
  for (int attempt = 0; attempt < 4 && status == ERROR_BUFFER_OVERFLOW; ++attempt) {
    buffer.resize(size);
    status = GetAdaptersAddresses(
        AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER,
        nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
  }
  if (status != NO_ERROR) {
    problems.add("GetAdaptersAddresses: error " + std::to_string(status));
    return out;
  }
  for (auto* a = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()); a; a = a->Next) {
    if (a->IfType == IF_TYPE_SOFTWARE_LOOPBACK) continue;
    std::string mac;
    for (ULONG i = 0; i < a->PhysicalAddressLength && i < MAX_ADAPTER_ADDRESS_LENGTH; ++i) {
      char byte[4];
      std::snprintf(byte, sizeof byte, "%s%02x", i ? ":" : "", a->PhysicalAddress[i]);
      mac += byte;
    }
    nlohmann::json ipv4 = nlohmann::json::array(), ipv6 = nlohmann::json::array();
    for (auto* u = a->FirstUnicastAddress; u; u = u->Next) {
      (u->Address.lpSockaddr->sa_family == AF_INET ? ipv4 : ipv6)
          .push_back(address_text(u->Address));
    }
    namespace f = protocol::inventory::nic;
    out.push_back({{f::kName.name, utf8(a->FriendlyName)},
                   {f::kMac.name, mac},
                   {f::kMtu.name, a->Mtu},
                   {f::kSpeedMbps.name, a->TransmitLinkSpeed / 1'000'000},
                   {f::kOperstate.name, a->OperStatus == IfOperStatusUp ? "up" : "down"},
                   {f::kVirtual.name, a->IfType == IF_TYPE_TUNNEL},
                   {f::kIpv4.name, std::move(ipv4)},
                   {f::kIpv6.name, std::move(ipv6)}});
  }
  return out;
}

const wchar_t kUninstall[] = L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

std::vector<windows::UninstallEntry> uninstall_entries() {
  std::vector<windows::UninstallEntry> entries;
  for (const REGSAM view : {KEY_WOW64_64KEY, KEY_WOW64_32KEY}) {
    const RegistryKey uninstall(HKEY_LOCAL_MACHINE, kUninstall, view);
    for (const auto& name : uninstall.subkeys()) {
      const RegistryKey key(uninstall.handle(), name, view);
      const std::string release = key.text(L"ReleaseType");
      entries.push_back({key.text(L"DisplayName"), key.text(L"DisplayVersion"),
                         key.dword(L"SystemComponent").value_or(0) == 1,
                         !key.text(L"ParentKeyName").empty() ||
                             release.find("Update") != std::string::npos || release == "Hotfix",
                         view == KEY_WOW64_32KEY});
    }
  }
  return entries;
}

// The SCM's services (the service collector's reading) with their start type from the registry.
std::vector<windows::ServiceEntry> services(Problems& problems) {
  std::vector<windows::ServiceEntry> out;
  try {
    for (auto& s : agent::windows::read_services()) {
      const RegistryKey key(HKEY_LOCAL_MACHINE,
                            L"SYSTEM\\CurrentControlSet\\Services\\" + wide(s.name));
      out.push_back({std::move(s.name), key.dword(L"Start").value_or(3), s.state});
    }
  } catch (const std::exception& e) {
    problems.add(e.what());
  }
  return out;
}

std::set<std::string> installed_components() {
  std::set<std::string> names;
  const RegistryKey cache(
      HKEY_LOCAL_MACHINE,
      L"SOFTWARE\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache");
  for (const auto& name : cache.subkeys()) {
    if (RegistryKey(cache.handle(), name).dword(L"InstallState").value_or(0) == 1)
      names.insert(utf8(name));
  }
  return names;
}

std::vector<windows::SqlServerInstance> sql_server_instances() {
  const std::wstring root = L"SOFTWARE\\Microsoft\\Microsoft SQL Server";
  const RegistryKey names(HKEY_LOCAL_MACHINE, root + L"\\Instance Names\\SQL");
  std::vector<windows::SqlServerInstance> out;
  for (const auto& instance : names.value_names()) {
    const std::string id = names.text(instance.c_str());
    const RegistryKey setup(HKEY_LOCAL_MACHINE, root + L"\\" + wide(id) + L"\\Setup");
    out.push_back({utf8(instance), setup.text(L"Edition"), setup.text(L"Version")});
  }
  return out;
}

std::vector<std::string> iis_sites() {
  wchar_t windir[MAX_PATH] = L"";
  if (!GetSystemWindowsDirectoryW(windir, MAX_PATH)) return {};
  std::ifstream file(
      std::filesystem::path(windir) / L"System32\\inetsrv\\config\\applicationHost.config",
      std::ios::binary);
  if (!file) return {};
  std::string content(windows::kMaxConfigBytes, '\0');
  file.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<std::size_t>(file.gcount()));
  return windows::iis_sites(content);
}

}  // namespace

nlohmann::json collect_identity(const Context& ctx, Problems&) {
  namespace f = protocol::inventory::identity;
  nlohmann::json data;
  // The MachineGuid (agent/identity_windows.cpp), as the push client enrols under.
  data[f::kHostId.name] = read_host_id(ctx.paths, ctx.state_dir);
  data[f::kHostname.name] = computer_name(ComputerNameDnsHostname);
  data[f::kFqdn.name] = computer_name(ComputerNameDnsFullyQualified);
  data[f::kAgentVersion.name] = kVersion;
  nlohmann::json& labels = data[f::kLabels.name] = nlohmann::json::object();
  for (const auto& [key, value] : ctx.labels) labels[key] = value;
  if (!ctx.listen_address.empty()) data[f::kListenAddress.name] = ctx.listen_address;
  return data;
}

nlohmann::json collect_system(const Context&, Problems&) {
  namespace f = protocol::inventory::system;
  const auto version = version_values();
  nlohmann::json data;
  data[f::kOs.name] = windows::os_json(version);
  data[f::kKernel.name] = "NT " + std::to_string(version.major) + "." +
                          std::to_string(version.minor) + "." + std::to_string(version.build);
  data[f::kArch.name] = arch_name();
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  data[f::kBootTime.name] =
      format_rfc3339(now - static_cast<std::int64_t>(GetTickCount64() / 1000));
  DYNAMIC_TIME_ZONE_INFORMATION zone{};
  data[f::kTimezone.name] = GetDynamicTimeZoneInformation(&zone) != TIME_ZONE_ID_INVALID
                                ? utf8(zone.TimeZoneKeyName)
                                : "";
  data[f::kFirmware.name] = firmware_type();
  auto smbios = smbios_table();
  // The registry's copy of the names where the SMBIOS table gives none.
  const RegistryKey bios(HKEY_LOCAL_MACHINE, L"HARDWARE\\DESCRIPTION\\System\\BIOS");
  if (smbios.vendor.empty()) smbios.vendor = bios.text(L"SystemManufacturer");
  if (smbios.product.empty()) smbios.product = bios.text(L"SystemProductName");
  const auto virtualisation =
      windows::virtualisation_of(smbios.vendor, smbios.product, hypervisor_bit());
  data[f::kVirtualisation.name] = virtualisation.name;
  data[f::kVirtualisationKind.name] = virtualisation.kind;
  namespace dmi = protocol::inventory::dmi;
  data[f::kDmi.name] = {{dmi::kVendor.name, smbios.vendor},
                        {dmi::kProduct.name, smbios.product},
                        {dmi::kSerial.name, smbios.serial},
                        {dmi::kUuid.name, smbios.uuid}};
  return data;
}

nlohmann::json collect_hardware(const Context&, Problems& problems) {
  namespace f = protocol::inventory::hardware;
  nlohmann::json data;
  data[f::kCpu.name] = cpu_of();
  MEMORYSTATUSEX memory{};
  memory.dwLength = sizeof memory;
  const bool known = GlobalMemoryStatusEx(&memory);
  if (!known) problems.add("GlobalMemoryStatusEx failed");
  data[f::kMemoryBytes.name] = known ? memory.ullTotalPhys : 0;
  // The commit limit beyond physical memory is what the paging files add.
  data[f::kSwapBytes.name] = known && memory.ullTotalPageFile > memory.ullTotalPhys
                                 ? memory.ullTotalPageFile - memory.ullTotalPhys
                                 : 0;
  data[f::kBlockDevices.name] = block_devices_of();
  data[f::kFilesystems.name] = filesystems_of(problems);
  data[f::kNics.name] = nics_of(problems);
  return data;
}

nlohmann::json collect_software(const Context&, const ProcessScan& processes,
                                const nlohmann::json& listening, Problems& problems) {
  namespace f = protocol::inventory::software;
  namespace package = protocol::inventory::package;
  const auto packages = windows::packages_from_uninstall(uninstall_entries());
  const auto running = services(problems);
  nlohmann::json data;
  data[f::kPackageManager.name] = "windows";
  nlohmann::json& list = data[f::kPackages.name] = nlohmann::json::array();
  for (const auto& p : packages) {
    list.push_back({{package::kName.name, p.name},
                    {package::kVersion.name, p.version},
                    {package::kArch.name, p.arch},
                    {package::kStatus.name, p.status}});
  }
  data[f::kServices.name] = windows::services_json(running);
  data[f::kFeatures.name] = windows::features_json(installed_components(), running);
  data[f::kRecognised.name] =
      recognise_software(packages, processes, listening,
                         windows::windows_findings(running, sql_server_instances(), iis_sites()));
  return data;
}

}  // namespace sahab::agent::inventory
