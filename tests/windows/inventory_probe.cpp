// sahab-inventory-probe.exe: a test tool of inventory_wine.sh, cross-built beside sahab-agent.exe.
// Prints the Windows inventory document (collect_windows_inventory, what --once prints), or with
// --tcp-table the raw IPv4 table of GetExtendedTcpTable as hex, the form of the recorded fixture
// tests/fixtures/windows/wine_tcp_table.hex.
#include <winsock2.h>
// iphlpapi.h needs winsock2.h first.
#include <iphlpapi.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "agent/inventory/windows_inventory.h"

namespace {

int print_tcp_table() {
  std::vector<unsigned char> table(256 * 1024);
  DWORD size = static_cast<DWORD>(table.size());
  if (GetExtendedTcpTable(table.data(), &size, FALSE, AF_INET, TCP_TABLE_OWNER_PID_ALL, 0) !=
      NO_ERROR)
    return 1;
  for (DWORD i = 0; i < size; ++i) std::printf("%02x%s", table[i], i % 24 == 3 ? "\n" : "");
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--tcp-table") return print_tcp_table();
  sahab::agent::inventory::Context ctx;
  ctx.labels = {{"probe", "wine"}};
  std::cout << sahab::agent::inventory::to_text(
                   sahab::agent::inventory::windows::collect_windows_inventory(ctx), 2)
            << "\n";
  return 0;
}
