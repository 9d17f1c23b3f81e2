// The Windows host id: MachineGuid, which Windows Setup writes once per installation and sysprep
// renews for each clone (as /etc/machine-id on Linux). Linux paths are not tried: under Wine
// "/etc/machine-id" is the Linux host's file through drive Z:.
#include <windows.h>

#include "agent/identity.h"
#include "agent/metrics/windows_readings.h"

namespace sahab::agent {

std::vector<std::string> system_host_ids(const Paths&) {
  wchar_t guid[64] = L"";
  DWORD size = sizeof guid;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", L"MachineGuid",
                   RRF_RT_REG_SZ, nullptr, guid, &size) != ERROR_SUCCESS)
    return {};
  return {windows::utf8(guid)};
}

}  // namespace sahab::agent
