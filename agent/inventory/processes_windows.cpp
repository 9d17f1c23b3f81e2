// The Windows half of processes.h: process names from a Toolhelp snapshot, lower-case and without
// ".exe" so that recognised.cpp's rules ("sqlservr", "postgres", "mysqld") match them as on Linux.
// A socket's owner is named by its PID (the `inode` of connections_windows.cpp's rows).
#include <windows.h>
// tlhelp32.h needs windows.h first.
#include <tlhelp32.h>

#include <algorithm>
#include <cctype>

#include "agent/inventory/processes.h"
#include "agent/inventory/registry_windows.h"

namespace sahab::agent::inventory {
namespace {

constexpr std::size_t kMaxProcesses = 100'000;

std::string process_name(const wchar_t* exe) {
  std::string name = windows::utf8(exe);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name.ends_with(".exe")) name.resize(name.size() - 4);
  return name;
}

}  // namespace

ProcessScan scan_processes(const Paths&, bool sockets) {
  ProcessScan scan;
  const HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return scan;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  for (BOOL more = Process32FirstW(snapshot, &entry); more && scan.names.size() < kMaxProcesses;
       more = Process32NextW(snapshot, &entry)) {
    const auto name = process_name(entry.szExeFile);
    scan.names.insert(name);
    // PID 0 is the idle process, and the owner Wine gives every socket: never an owner.
    if (sockets && entry.th32ProcessID != 0) scan.socket_owner[entry.th32ProcessID] = name;
  }
  CloseHandle(snapshot);
  return scan;
}

}  // namespace sahab::agent::inventory
