// common/file.cpp's system calls on Windows: the C runtime's descriptors, opened by UTF-16 path
// in binary mode (no CR/LF translation), and MoveFileEx for the atomic replace.
#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <windows.h>

#include <cerrno>

#include "common/file.h"
#include "common/file_os.h"

namespace sahab {

namespace file_os {

int open_for_reading(const std::filesystem::path& path) {
  return ::_wopen(path.c_str(), _O_RDONLY | _O_BINARY | _O_NOINHERIT);
}

// Who may read it is the folder's inherited access list (the agent's folder allows SYSTEM and
// Administrators only: agent/windows/program_data.cpp); the mode only keeps it writable.
int create_for_writing(const std::filesystem::path& path) {
  return ::_wopen(path.c_str(), _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY | _O_NOINHERIT,
                  _S_IREAD | _S_IWRITE);
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
