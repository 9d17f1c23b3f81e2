#include <sys/statfs.h>

#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

Labels mount(const std::string& device, const std::string& fstype, const std::string& mountpoint) {
  return {{"device", device}, {"fstype", fstype}, {"mountpoint", mountpoint}};
}

size_t series(const MetricFamilies& families, const std::string& name) {
  const auto* family = find_family(families, name);
  return family ? family->metric.size() : 0;
}

}  // namespace

TEST_CASE("filesystem: node_exporter's default exclusions, labels and statfs numbers") {
  const auto paths = fixture_paths();
  const auto families = collect(*make_filesystem_collector(paths));

  // Kept: / /run /run/lock /boot /boot/efi /srv/data "/mnt/archives 2019" /home /run/user/1000.
  CHECK(series(families, "node_filesystem_device_error") == 9);
  CHECK(value_of(families, "node_filesystem_device_error",
                 mount("/dev/mapper/vg0-root", "ext4", "/")) == 0);
  // Left out by mount point (/dev, /proc, /sys, /run/credentials/..., /var/lib/docker/...) and
  // by type (nsfs under /run/docker, squashfs snaps).
  for (const char* gone :
       {"/dev/shm", "/sys/fs/cgroup", "/run/credentials/systemd-sysusers.service",
        "/run/docker/netns/1a2b3c4d5e6f", "/snap/core20/1974"}) {
    CAPTURE(gone);
    CHECK_FALSE(value_of(families, "node_filesystem_device_error", {{"mountpoint", gone}}));
  }
  // The duplicate /boot line gives one series.
  CHECK(find_family(families, "node_filesystem_device_error")->metric.size() == 9);

  // statfs runs on <rootfs>/<mountpoint>: compare with the real call.
  struct statfs expected {};
  REQUIRE(::statfs((paths.rootfs / "srv/data").c_str(), &expected) == 0);
  const auto data = mount("/dev/nvme0n1p1", "xfs", "/srv/data");
  CHECK(value_of(families, "node_filesystem_size_bytes", data) ==
        doctest::Approx(static_cast<double>(expected.f_blocks) * expected.f_bsize));
  CHECK(value_of(families, "node_filesystem_files", data) == static_cast<double>(expected.f_files));
  CHECK(value_of(families, "node_filesystem_avail_bytes", data) > 0);
  CHECK(value_of(families, "node_filesystem_free_bytes", data) >=
        value_of(families, "node_filesystem_avail_bytes", data));
  CHECK(value_of(families, "node_filesystem_files_free", data) > 0);
  CHECK(value_of(families, "node_filesystem_readonly", data) == 0);

  // \040 in /proc/mounts is a space; "ro" in the options makes it read-only.
  const auto archives = mount("/dev/sdb1", "ext4", "/mnt/archives 2019");
  CHECK(value_of(families, "node_filesystem_readonly", archives) == 1);
  CHECK(value_of(families, "node_filesystem_device_error", archives) == 0);

  // A mount point absent under rootfs: device_error=1 and no other series.
  const auto user = mount("tmpfs", "tmpfs", "/run/user/1000");
  CHECK(value_of(families, "node_filesystem_device_error", user) == 1);
  CHECK_FALSE(value_of(families, "node_filesystem_size_bytes", user));
  CHECK(series(families, "node_filesystem_size_bytes") == 8);

  const auto* size = find_family(families, "node_filesystem_size_bytes");
  CHECK(size->help == "Filesystem size in bytes.");
  CHECK(size->type == prometheus::MetricType::Gauge);
}

TEST_CASE("filesystem: the exclusion patterns are configurable") {
  auto paths = fixture_paths();
  paths.options.filesystem_mount_points_exclude = "^/(run|boot)($|/)";
  paths.options.filesystem_fs_types_exclude = "^(xfs|nfs4)$";
  const auto families = collect(*make_filesystem_collector(paths));
  // Now reported (and failing: the fixture root has no proc/ directory).
  CHECK(value_of(families, "node_filesystem_device_error", {{"mountpoint", "/proc"}}) == 1);
  CHECK_FALSE(value_of(families, "node_filesystem_device_error", {{"mountpoint", "/boot/efi"}}));
  CHECK_FALSE(value_of(families, "node_filesystem_device_error", {{"mountpoint", "/srv/data"}}));
  CHECK_FALSE(value_of(families, "node_filesystem_device_error", {{"mountpoint", "/home"}}));
}

TEST_CASE("filesystem: mount points are reported relative to rootfs, /proc/mounts as fallback") {
  TempTree tree;
  const std::string root = (tree.base / "root").string();
  std::filesystem::create_directories(tree.base / "root/var/www");
  // No proc/1/mounts (hidepid): proc/mounts is read. Paths as seen from outside the rootfs.
  tree.write("proc/mounts", "/dev/sda1 " + root + " ext4 rw 0 0\n" + "/dev/sda3 " + root +
                                "/var/www ext4 rw 0 0\n" + "/dev/sda4 " + root +
                                "other ext4 rw 0 0\n");
  auto paths = tree.paths();
  paths.rootfs = root + "/";  // a trailing slash changes nothing
  const auto families = collect(*make_filesystem_collector(paths));
  CHECK(value_of(families, "node_filesystem_device_error", mount("/dev/sda1", "ext4", "/")) == 0);
  CHECK(value_of(families, "node_filesystem_device_error",
                 mount("/dev/sda3", "ext4", "/var/www")) == 0);
  // A sibling directory that merely starts with the rootfs name is not inside it.
  CHECK(value_of(families, "node_filesystem_device_error",
                 mount("/dev/sda4", "ext4", root + "other")) == 1);
}

TEST_CASE("filesystem: a malformed or missing mounts file is an error") {
  CHECK_THROWS_WITH_AS(collect(*make_filesystem_collector(fixture_paths("broken"))),
                       doctest::Contains("mounts:2: malformed mount line"), CollectorError);
  CHECK_THROWS(collect(*make_filesystem_collector(fixture_paths("absent"))));
}
