#pragma once
// File helpers that report failures as exceptions naming the path and the reason.
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sahab {

class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a whole file. /proc and /sys files report size 0, so this reads until EOF.
std::string read_file(const std::filesystem::path& path);

// Like read_file, but returns nullopt when the file cannot be opened (absent, no permission).
std::optional<std::string> try_read_file(const std::filesystem::path& path);

// First line of a file without its newline; nullopt if unreadable. For one-value sysfs files.
std::optional<std::string> try_read_line(const std::filesystem::path& path);

// Writes via a temporary file and rename, so readers never see a half-written file.
void write_file_atomic(const std::filesystem::path& path, const std::string& content,
                       std::filesystem::perms perms = std::filesystem::perms::owner_read |
                                                      std::filesystem::perms::owner_write);

// Makes the renames of files in `dir` (write_file_atomic) survive a power loss.
void sync_directory(const std::filesystem::path& dir);

// Calls `on_line` for each line of a file (without the newline), reading it in 64 KiB chunks, so
// that huge /proc files (/proc/net/tcp on a busy server) never sit whole in memory. A line longer
// than 64 KiB is a FileError.
void for_each_file_line(const std::filesystem::path& path,
                        const std::function<void(std::string_view)>& on_line);

}  // namespace sahab
