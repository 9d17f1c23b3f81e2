#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("nfsd: server caches, threads, errors and v4 operations") {
  const auto families = collect(*make_nfsd_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_nfsd_reply_cache_nocache_total") == 18622);
  CHECK(value_of(families, "node_nfsd_disk_bytes_read_total") == 157286400);
  CHECK(value_of(families, "node_nfsd_server_threads") == 8);
  CHECK(value_of(families, "node_nfsd_read_ahead_cache_size_blocks") == 32);
  CHECK(value_of(families, "node_nfsd_packets_total", {{"proto", "tcp"}}) == 18628);
  CHECK(value_of(families, "node_nfsd_rpc_errors_total", {{"error", "auth"}}) == 0);
  CHECK(value_of(families, "node_nfsd_requests_total", {{"method", "GetAttr"}, {"proto", "4"}}) ==
        8179);
  CHECK(value_of(families, "node_nfsd_requests_total", {{"method", "PutFH"}, {"proto", "4"}}) ==
        9609);
  CHECK(value_of(families, "node_nfsd_requests_total", {{"method", "Write"}, {"proto", "4"}}) == 3);
  // The unused operations 0-2 and PutPubFH/PutRootFH are not reported, as upstream.
  CHECK_FALSE(value_of(families, "node_nfsd_requests_total", {{"method", "PutRootFH"}}));
  CHECK(find_family(families, "node_nfsd_requests_total")->metric.size() == 18 + 22 + 33);
}

TEST_CASE("nfsd: lines of newer kernels are ignored, bad numbers are errors") {
  TempTree tree;
  CHECK(no_data(*make_nfsd_collector(tree.paths())));
  tree.write("proc/net/rpc/nfsd", "th 16 0 0.000 0.000\nwdeleg_getattr 4\n");
  CHECK(value_of(collect(*make_nfsd_collector(tree.paths())), "node_nfsd_server_threads") == 16);
  tree.write("proc/net/rpc/nfsd", "io many 0\n");
  CHECK_THROWS_AS(collect(*make_nfsd_collector(tree.paths())), CollectorError);
}
