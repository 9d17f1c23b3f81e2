// common/file.cpp's system calls on Windows: the C runtime's descriptors, opened by UTF-16 path
// in binary mode (no CR/LF translation), and MoveFileEx for the atomic replace.
#include <fcntl.h>
#include <io.h>
#include <windows.h>
// After windows.h:
#include <sddl.h>

#include <cerrno>

#include "common/file.h"
#include "common/file_os.h"

namespace sahab {

namespace file_os {

int open_for_reading(const std::filesystem::path& path) {
  return ::_wopen(path.c_str(), _O_RDONLY | _O_BINARY | _O_NOINHERIT);
}

// "Readable by its owner only", as mode 0600 on Linux: a protected access list of its own, full
// control for SYSTEM, Administrators and the file's owner (OW: the service's owner is SYSTEM or
// Administrators; a user running the agent from a console keeps reading its own files), nothing
// for anyone else, whatever the folder would hand down (the agent's folders get SYSTEM and
// Administrators: agent/windows/program_data.cpp). A file that only inherited its folder's list
// would be as open as the folder.
int create_for_writing(const std::filesystem::path& path) {
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
          L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;OW)", SDDL_REVISION_1, &descriptor, nullptr)) {
    errno = ENOMEM;
    return -1;
  }
  SECURITY_ATTRIBUTES attributes{sizeof attributes, descriptor, FALSE};
  const HANDLE handle = CreateFileW(path.c_str(), GENERIC_WRITE, 0, &attributes, CREATE_ALWAYS,
                                    FILE_ATTRIBUTE_NORMAL, nullptr);
  const DWORD error = GetLastError();
  LocalFree(descriptor);
  if (handle == INVALID_HANDLE_VALUE) {
    errno = error == ERROR_ACCESS_DENIED ? EACCES : error == ERROR_PATH_NOT_FOUND ? ENOENT : EIO;
    return -1;
  }
  const int fd = ::_open_osfhandle(reinterpret_cast<intptr_t>(handle), _O_WRONLY | _O_BINARY);
  if (fd == -1) CloseHandle(handle);
  return fd;
}

bool sync(int fd) { return ::_commit(fd) == 0; }

// ::rename refuses an existing target on Windows; MoveFileEx replaces it in one step, and
// WRITE_THROUGH returns once the rename is on disk (what syncing the directory does on Linux).
std::string replace(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    return "";
  return "Windows error " + std::to_string(GetLastError());
}

}  // namespace file_os

// Nothing left to do: replace() wrote the rename through already.
void sync_directory(const std::filesystem::path&) {}

}  // namespace sahab
