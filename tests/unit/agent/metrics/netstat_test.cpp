#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("netstat: netstat, snmp and snmp6 through node_exporter's default field filter") {
  const auto families = collect(*make_netstat_collector(fixture_paths()));
  CHECK(value_of(families, "node_netstat_TcpExt_ListenDrops") == 19);
  CHECK(value_of(families, "node_netstat_TcpExt_ListenOverflows") == 17);
  CHECK(value_of(families, "node_netstat_TcpExt_SyncookiesFailed") == 1);
  CHECK(value_of(families, "node_netstat_TcpExt_TCPSynRetrans") == 112);
  CHECK(value_of(families, "node_netstat_IpExt_InOctets") == 1704109239);
  CHECK(value_of(families, "node_netstat_Ip_Forwarding") == 2);
  CHECK(value_of(families, "node_netstat_Tcp_CurrEstab") == 2);
  CHECK(value_of(families, "node_netstat_Tcp_RetransSegs") == 214);
  CHECK(value_of(families, "node_netstat_Tcp_InErrs") == 3);
  CHECK(value_of(families, "node_netstat_Udp_RcvbufErrors") == 1);
  CHECK(value_of(families, "node_netstat_UdpLite_InErrors") == 0);
  CHECK(value_of(families, "node_netstat_Icmp_InErrors") == 1);
  CHECK(value_of(families, "node_netstat_Ip6_InOctets") == 163424);
  CHECK(value_of(families, "node_netstat_Icmp6_OutMsgs") == 19);
  CHECK(value_of(families, "node_netstat_Udp6_NoPorts") == 1);
  CHECK(value_of(families, "node_netstat_UdpLite6_InErrors") == 0);
  // Outside the default filter.
  CHECK_FALSE(find_family(families, "node_netstat_TcpExt_TCPOFOQueue"));
  CHECK_FALSE(find_family(families, "node_netstat_Tcp_MaxConn"));
  CHECK_FALSE(find_family(families, "node_netstat_Icmp6_InType133"));
  CHECK(families.size() == 40);  // 28 from netstat and snmp, 12 from snmp6
  const auto* family = find_family(families, "node_netstat_Tcp_RetransSegs");
  REQUIRE(family);
  CHECK(family->type == prometheus::MetricType::Untyped);
  CHECK(family->help == "Statistic TcpRetransSegs.");
}

TEST_CASE("netstat: every field with an empty filter, negative values, no snmp6 without IPv6") {
  TempTree tree;
  tree.write("proc/net/netstat", "TcpExt: A B\nTcpExt: 1 2\n");
  tree.write("proc/net/snmp", "Tcp: MaxConn ActiveOpens\nTcp: -1 7\n");
  auto paths = tree.paths();
  paths.options.netstat_fields = "";
  const auto families = collect(*make_netstat_collector(paths));
  CHECK(value_of(families, "node_netstat_TcpExt_B") == 2);
  CHECK(value_of(families, "node_netstat_Tcp_MaxConn") == -1);
  CHECK(families.size() == 4);
  tree.write("proc/net/snmp", "Tcp: MaxConn ActiveOpens\nTcp: -1\n");
  CHECK_THROWS_WITH_AS(collect(*make_netstat_collector(paths)),
                       doctest::Contains("Tcp: has 2 values for 3 names"), CollectorError);
}

// The fields a header keeps are worked out once; a header that changes is worked out anew.
TEST_CASE("netstat: a header whose fields change between scrapes is read by its new names") {
  TempTree tree;
  tree.write("proc/net/netstat", "TcpExt: A B\nTcpExt: 1 2\n");
  tree.write("proc/net/snmp", "Tcp: MaxConn\nTcp: 5\n");
  tree.write("proc/net/snmp6", "Ip6InOctets 7\nUdp6NoPorts 8\n");
  auto paths = tree.paths();
  paths.options.netstat_fields = "^(TcpExt_|Tcp_|Ip6_InOctets|Udp6_NoPorts)";
  const auto collector = make_netstat_collector(paths);
  auto families = collect(*collector);
  CHECK(value_of(families, "node_netstat_TcpExt_A") == 1);
  CHECK(value_of(families, "node_netstat_Udp6_NoPorts") == 8);
  tree.write("proc/net/netstat", "TcpExt: B C A\nTcpExt: 3 4 5\n");
  tree.write("proc/net/snmp6", "Udp6NoPorts 9\nIp6InOctets 10\nIcmp6InMsgs 11\n");
  families = collect(*collector);
  CHECK(value_of(families, "node_netstat_TcpExt_A") == 5);
  CHECK(value_of(families, "node_netstat_TcpExt_B") == 3);
  CHECK(value_of(families, "node_netstat_TcpExt_C") == 4);
  CHECK(value_of(families, "node_netstat_Ip6_InOctets") == 10);
  CHECK(value_of(families, "node_netstat_Udp6_NoPorts") == 9);
  CHECK_FALSE(find_family(families, "node_netstat_Icmp6_InMsgs"));
  CHECK(families.size() == 6);
}
