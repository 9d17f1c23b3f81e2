#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("selinux: off without selinuxfs, modes when it is there") {
  TempTree tree;
  auto families = collect(*make_selinux_collector(tree.paths()));
  CHECK(value_of(families, "node_selinux_enabled") == 0);
  CHECK(families.size() == 1);

  tree.write("sys/fs/selinux/enforce", "0");
  tree.write("root/etc/selinux/config", "# comment\nSELINUX=enforcing\nSELINUXTYPE=targeted\n");
  families = collect(*make_selinux_collector(tree.paths()));
  CHECK(value_of(families, "node_selinux_enabled") == 1);
  CHECK(value_of(families, "node_selinux_config_mode") == 1);
  CHECK(value_of(families, "node_selinux_current_mode") == 0);
  tree.write("root/etc/selinux/config", "SELINUX=permissive\n");
  CHECK(value_of(collect(*make_selinux_collector(tree.paths())), "node_selinux_config_mode") == 0);
}
