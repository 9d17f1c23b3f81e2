#include "agent/inventory/filesystems.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/file.h"
#include "common/text.h"

namespace sahab::agent::inventory {
namespace {

bool pseudo_filesystem(std::string_view type) {
  static const std::set<std::string_view> kPseudo = {
      "autofs",          "binfmt_misc", "bpf",        "cgroup",     "cgroup2",
      "configfs",        "debugfs",     "devpts",     "devtmpfs",   "efivarfs",
      "fusectl",         "hugetlbfs",   "mqueue",     "nsfs",       "proc",
      "pstore",          "ramfs",       "rpc_pipefs", "securityfs", "selinuxfs",
      "squashfs",        "sysfs",       "tmpfs",      "tracefs",    "fuse.lxcfs",
      "fuse.gvfsd-fuse", "fuse.portal", "nfsd"};
  return kPseudo.contains(type);
}

}  // namespace

std::vector<Mount> parse_mounts(std::string_view content, Problems& problems) {
  std::map<std::string, Mount> by_device;
  std::size_t number = 0;
  text::for_each_line(content, [&](std::string_view line) {
    ++number;
    const auto f = text::fields(line);
    if (f.empty()) return;
    if (f.size() < 3) {
      problems.add("mounts line " + std::to_string(number) + ": too few fields");
      return;
    }
    if (pseudo_filesystem(f[2])) return;
    Mount mount{text::unescape_octal(f[0]), text::unescape_octal(f[1]), std::string(f[2])};
    auto [it, inserted] = by_device.try_emplace(mount.device, mount);
    if (!inserted && mount.mountpoint.size() < it->second.mountpoint.size()) it->second = mount;
  });
  std::vector<Mount> mounts;
  for (auto& [device, mount] : by_device) mounts.push_back(std::move(mount));
  std::sort(mounts.begin(), mounts.end(),
            [](const Mount& a, const Mount& b) { return a.mountpoint < b.mountpoint; });
  return mounts;
}

std::vector<Mount> local_filesystems(const Paths& paths, Problems& problems) {
  for (const char* name : {"1/mounts", "self/mounts", "mounts"}) {
    if (auto content = try_read_file(paths.proc(name))) return parse_mounts(*content, problems);
  }
  problems.add("cannot read a mounts table under " + paths.procfs.string());
  return {};
}

std::optional<Usage> filesystem_usage(const Paths& paths, const Mount& mount) {
  struct statvfs stats {};
  const auto path = paths.rootfs / std::filesystem::path(mount.mountpoint).relative_path();
  if (::statvfs(path.c_str(), &stats) != 0) return std::nullopt;
  const std::uint64_t unit = stats.f_frsize ? stats.f_frsize : stats.f_bsize;
  return Usage{stats.f_blocks * unit, (stats.f_blocks - stats.f_bfree) * unit,
               stats.f_bavail * unit};
}

}  // namespace sahab::agent::inventory
