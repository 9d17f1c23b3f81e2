#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("nfs: client RPCs, packets and procedures of NFS v2, v3 and v4") {
  const auto families = collect(*make_nfs_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_nfs_packets_total", {{"protocol", "tcp"}}) == 18628);
  CHECK(value_of(families, "node_nfs_connections_total") == 6);
  CHECK(value_of(families, "node_nfs_rpcs_total") == 4329785);
  CHECK(value_of(families, "node_nfs_rpc_authentication_refreshes_total") == 4338291);
  CHECK(value_of(families, "node_nfs_requests_total", {{"method", "Lookup"}, {"proto", "2"}}) ==
        4410);
  CHECK(value_of(families, "node_nfs_requests_total", {{"method", "Access"}, {"proto", "3"}}) ==
        32580);
  CHECK(value_of(families, "node_nfs_requests_total", {{"method", "Commit"}, {"proto", "3"}}) ==
        39);
  CHECK(value_of(families, "node_nfs_requests_total", {{"method", "Setattr"}, {"proto", "4"}}) ==
        0);
  CHECK(value_of(families, "node_nfs_requests_total", {{"method", "Symlink"}, {"proto", "4"}}) ==
        0);
  CHECK(find_family(families, "node_nfs_requests_total")->metric.size() == 18 + 22 + 59);
}

TEST_CASE("nfs: an older kernel's short v4 line counts the missing procedures as 0") {
  TempTree tree;
  CHECK(no_data(*make_nfs_collector(tree.paths())));
  tree.write("proc/net/rpc/nfs", "net 1 0 1 1\nrpc 5 0 5\nproc4 3 1 2 3\n");
  const auto families = collect(*make_nfs_collector(tree.paths()));
  CHECK(value_of(families, "node_nfs_requests_total", {{"method", "Write"}, {"proto", "4"}}) == 3);
  CHECK(value_of(families, "node_nfs_requests_total", {{"method", "Clone"}, {"proto", "4"}}) == 0);
  tree.write("proc/net/rpc/nfs", "proc3 22 1 2\n");  // says 22, has 2
  CHECK_THROWS_AS(collect(*make_nfs_collector(tree.paths())), CollectorError);
}
