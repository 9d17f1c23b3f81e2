#include "agent/windows/program_data.h"

#include <windows.h>
// After windows.h:
#include <aclapi.h>
#include <sddl.h>
#include <shlobj.h>

#include <stdexcept>
#include <string>

namespace sahab::agent::windows {

std::filesystem::path program_data_dir() {
  wchar_t* folder = nullptr;
  std::filesystem::path dir = L"C:\\ProgramData";
  if (SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &folder) == S_OK) dir = folder;
  CoTaskMemFree(folder);
  return dir / "Sahab";
}

void restrict_to_administrators(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  // P: protected (nothing inherited from ProgramData, which lets Users read); OICI: inherited by
  // files and folders inside; FA: full access; SY: LocalSystem; BA: the Administrators group.
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)",
                                                            SDDL_REVISION_1, &descriptor, nullptr))
    throw std::runtime_error("cannot build the access list for " + dir.string() +
                             ": Windows error " + std::to_string(GetLastError()));
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  PACL acl = nullptr;
  GetSecurityDescriptorDacl(descriptor, &present, &acl, &defaulted);
  std::wstring name = dir.wstring();
  const DWORD rc = SetNamedSecurityInfoW(
      name.data(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
      nullptr, nullptr, acl, nullptr);
  LocalFree(descriptor);
  if (rc != ERROR_SUCCESS)
    throw std::runtime_error("cannot restrict " + dir.string() +
                             " to SYSTEM and Administrators: Windows error " + std::to_string(rc));
}

}  // namespace sahab::agent::windows
