#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("filefd: allocated and maximum from file-nr") {
  const auto families = collect(*make_filefd_collector(fixture_paths()));
  CHECK(value_of(families, "node_filefd_allocated") == 1184);
  CHECK(value_of(families, "node_filefd_maximum") == 2466290);
  CHECK(families.size() == 2);
  REQUIRE(find_family(families, "node_filefd_maximum"));
  CHECK(find_family(families, "node_filefd_maximum")->help ==
        "File descriptor statistics: maximum.");
}

TEST_CASE("filefd: a file-nr without three numbers is an error") {
  TempTree tree;
  CHECK_THROWS(collect(*make_filefd_collector(tree.paths())));
  tree.write("proc/sys/fs/file-nr", "1184\t0\n");
  CHECK_THROWS_AS(collect(*make_filefd_collector(tree.paths())), CollectorError);
}
