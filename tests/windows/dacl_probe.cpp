// sahab-dacl-probe.exe: a test tool of agent_wine.sh, cross-built beside sahab-agent.exe. Prints
// the access list (DACL) of each path given, as Wine stored it, in SDDL, one line per path:
// Wine does not enforce access lists, but it keeps them, and GetNamedSecurityInfo reads them back
// as Windows would.
#include <windows.h>
// After windows.h:
#include <aclapi.h>
#include <sddl.h>

#include <cstdio>

int wmain(int argc, wchar_t** argv) {
  for (int i = 1; i < argc; ++i) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (GetNamedSecurityInfoW(argv[i], SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr,
                              nullptr, nullptr, &descriptor) != ERROR_SUCCESS)
      return 1;
    wchar_t* sddl = nullptr;
    if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(
            descriptor, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl, nullptr))
      return 1;
    std::printf("%ls\n", sddl);
    LocalFree(sddl);
    LocalFree(descriptor);
  }
  return 0;
}
