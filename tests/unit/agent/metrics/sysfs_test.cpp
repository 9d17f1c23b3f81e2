#include "agent/metrics/sysfs.h"

#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("sysfs: an attribute directory reads the first line of its files, trimmed") {
  TempTree tree;
  tree.write("sys/class/net/eth0/operstate", "up\n");
  tree.write("sys/class/net/eth0/ifalias", "  uplink to the province  \nsecond line\n");
  tree.write("sys/class/net/eth0/empty", "");
  const AttributeDir eth0(tree.base / "sys/class/net/eth0");
  CHECK(eth0.read_text("operstate") == "up");
  CHECK(eth0.read_text("ifalias") == "uplink to the province");
  CHECK(eth0.read_text("empty") == "");
}

TEST_CASE("sysfs: missing files, missing directories and unreadable entries give nothing") {
  TempTree tree;
  tree.write("sys/class/net/eth0/queues/rx-0/rps_cpus", "0\n");
  const AttributeDir eth0(tree.base / "sys/class/net/eth0");
  CHECK_FALSE(eth0.read_text("speed"));
  CHECK_FALSE(eth0.read_text("queues"));  // a directory: read() fails with EISDIR
  const AttributeDir absent(tree.base / "sys/class/net/eth9");
  CHECK_FALSE(absent.read_text("operstate"));
}

TEST_CASE("sysfs: a file longer than one read is read whole") {
  TempTree tree;
  const std::string long_line(10000, 'x');
  tree.write("sys/long/value", long_line + "\n");
  const AttributeDir dir(tree.base / "sys/long");
  CHECK(dir.read_text("value") == long_line);
}

// /sys/class/net: device links beside bonding_masters, a plain file.
TEST_CASE("sysfs: a directory is listed sorted, without regular files when asked") {
  TempTree tree;
  const auto dir = tree.base / "sys/class/net";
  tree.write("sys/class/net/bonding_masters", "bond0\n");
  tree.write("sys/devices/eth1/mtu", "1500\n");
  std::filesystem::create_directories(dir / "lo");
  std::filesystem::create_directory_symlink(tree.base / "sys/devices/eth1", dir / "eth1");
  std::filesystem::create_symlink(tree.base / "sys/devices/eth1/mtu", dir / "link_to_a_file");
  using Names = std::vector<std::string>;
  CHECK(list_dir(dir) == Names{"bonding_masters", "eth1", "link_to_a_file", "lo"});
  CHECK(list_dir(dir, Listing::kNoRegularFiles) == Names{"eth1", "link_to_a_file", "lo"});
  CHECK(list_dir(tree.base / "absent").empty());
  CHECK(list_dir(dir / "bonding_masters").empty());  // not a directory
}
