// windows_net_*{nic}: GetIfTable2's 64-bit interface counters (no WMI, no PDH). The loopback
// pseudo-interface and NDIS filter interfaces (which repeat their adapter's traffic) are left out.
#include <winsock2.h>
// iphlpapi.h declares GetIfTable2 only after winsock2.h and ws2tcpip.h.
#include <ws2tcpip.h>
// (kept in this order)
#include <iphlpapi.h>

#include "agent/metrics/windows_collectors.h"
#include "agent/metrics/windows_readings.h"

namespace sahab::agent::windows {
namespace {

NicReading reading_of(const MIB_IF_ROW2& row) {
  NicReading nic;
  nic.description = utf8(row.Description);
  nic.bytes_received = row.InOctets;
  nic.bytes_sent = row.OutOctets;
  nic.packets_received = row.InUcastPkts + row.InNUcastPkts;
  nic.packets_sent = row.OutUcastPkts + row.OutNUcastPkts;
  nic.receive_errors = row.InErrors;
  nic.transmit_errors = row.OutErrors;
  nic.receive_discards = row.InDiscards;
  nic.transmit_discards = row.OutDiscards;
  nic.link_bits_per_second = row.ReceiveLinkSpeed;
  return nic;
}

}  // namespace

std::vector<NicReading> read_nics() {
  MIB_IF_TABLE2* table = nullptr;
  if (const DWORD error = GetIfTable2(&table); error != NO_ERROR)
    throw CollectorError("GetIfTable2 failed: error " + std::to_string(error));
  std::vector<NicReading> nics;
  for (ULONG i = 0; i < table->NumEntries; ++i) {
    const MIB_IF_ROW2& row = table->Table[i];
    if (row.Type == IF_TYPE_SOFTWARE_LOOPBACK || row.InterfaceAndOperStatusFlags.FilterInterface)
      continue;
    nics.push_back(reading_of(row));
  }
  FreeMibTable(table);
  return nics;
}

std::unique_ptr<Collector> make_net_collector(const Paths&) {
  return std::make_unique<FunctionCollector>(
      [](Exposition& out) { add_net_families(out, read_nics()); });
}

}  // namespace sahab::agent::windows
