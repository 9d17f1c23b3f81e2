// windows_service_state{name,state}: every Win32 service of EnumServicesStatusEx. Off by default,
// as windows_exporter's: eight samples per service, a few thousand on a busy server.
#include <windows.h>

#include "agent/metrics/windows_collectors.h"
#include "agent/metrics/windows_readings.h"

namespace sahab::agent::windows {

std::vector<ServiceReading> read_services() {
  const SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_ENUMERATE_SERVICE);
  if (!manager)
    throw CollectorError("OpenSCManager failed: error " + std::to_string(GetLastError()));
  constexpr std::size_t kMaxServices = 20'000;
  std::vector<ServiceReading> services;
  std::vector<unsigned char> buffer(256 * 1024);
  DWORD needed = 0, count = 0, resume = 0;
  for (bool more = true; more && services.size() < kMaxServices;) {
    const BOOL done = EnumServicesStatusExW(
        manager, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL, buffer.data(),
        static_cast<DWORD>(buffer.size()), &needed, &count, &resume, nullptr);
    const DWORD error = done ? ERROR_SUCCESS : GetLastError();
    if (!done && error != ERROR_MORE_DATA) {
      CloseServiceHandle(manager);
      throw CollectorError("EnumServicesStatusEx failed: error " + std::to_string(error));
    }
    const auto* entries = reinterpret_cast<const ENUM_SERVICE_STATUS_PROCESSW*>(buffer.data());
    for (DWORD i = 0; i < count; ++i)
      services.push_back(
          {utf8(entries[i].lpServiceName), entries[i].ServiceStatusProcess.dwCurrentState});
    more = !done;
  }
  CloseServiceHandle(manager);
  return services;
}

std::unique_ptr<Collector> make_service_collector(const Paths&) {
  return std::make_unique<FunctionCollector>(
      [](Exposition& out) { add_service_families(out, read_services()); });
}

}  // namespace sahab::agent::windows
