#pragma once
// The operating system's side of common/file.cpp: opening files by path, syncing them and
// replacing one file by another atomically. POSIX in file_posix.cpp, Win32 in file_windows.cpp;
// the rest of file.cpp (reading, line splitting, the write-then-rename) is written once.
#include <filesystem>
#include <string>

namespace sahab::file_os {

// A descriptor for reading, or -1 with errno set.
int open_for_reading(const std::filesystem::path& path);
// A new or truncated file for writing, readable by its owner only; -1 with errno set.
int create_for_writing(const std::filesystem::path& path);
// Flushes the file's data to the disk; false with errno set.
bool sync(int fd);
// Renames `from` over `to` in one step, durably; "" on success, else the reason.
std::string replace(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace sahab::file_os
