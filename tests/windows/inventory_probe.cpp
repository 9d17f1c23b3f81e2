// sahab-inventory-probe.exe: a test tool of inventory_wine.sh, cross-built beside sahab-agent.exe.
// Prints the raw IPv4 table of GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL) as hex: the form of
// the fixture recorded under Wine, tests/fixtures/windows/wine_tcp_table.hex, which the native
// unit tests read; run again, it records a new one.
#include <winsock2.h>
// iphlpapi.h needs winsock2.h first.
#include <iphlpapi.h>

#include <cstdio>
#include <vector>

int main() {
  std::vector<unsigned char> table(256 * 1024);
  DWORD size = static_cast<DWORD>(table.size());
  if (GetExtendedTcpTable(table.data(), &size, FALSE, AF_INET, TCP_TABLE_OWNER_PID_ALL, 0) !=
      NO_ERROR)
    return 1;
  // The count, then one 24-byte row per line.
  for (DWORD i = 0; i < size; ++i) std::printf("%02x%s", table[i], i % 24 == 3 ? "\n" : "");
  std::printf("\n");
  return 0;
}
