// filesystem: node_filesystem_{size,free,avail}_bytes, files, files_free, readonly and
// device_error{device,fstype,mountpoint} as node_exporter 1.5's collector/filesystem_linux.go:
// mounts from <procfs>/1/mounts (the host's mount namespace; <procfs>/mounts when hidepid hides
// PID 1), statfs on <rootfs>/<mountpoint>, mount points reported relative to rootfs, and the
// --collector.filesystem.{mount-points,fs-types}-exclude filters. Mounts that hang (dead NFS
// servers) cost one timeout and are then skipped until they answer (see statfs_runner.h).
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/exclude_pattern.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/statfs_runner.h"
#include "common/log.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

struct Mount {
  std::string device;
  std::string mount_point;  // as reported: relative to rootfs
  std::string fstype;
  bool readonly = false;
  std::string stat_path;  // where to call statfs: rootfs joined with mount_point

  Labels labels() const {
    return {{"device", device}, {"fstype", fstype}, {"mountpoint", mount_point}};
  }
};

bool has_option(std::string_view options, std::string_view wanted) {
  for (const auto option : text::split(options, ',')) {
    if (option == wanted) return true;
  }
  return false;
}

class FilesystemCollector : public Collector {
 public:
  explicit FilesystemCollector(const Paths& paths)
      : root_mounts_(paths.proc("1/mounts")),
        own_mounts_(paths.proc("mounts")),
        rootfs_(without_trailing_slash(paths.rootfs.string())),
        mount_points_exclude_(paths.options.filesystem_mount_points_exclude),
        fs_types_exclude_(paths.options.filesystem_fs_types_exclude),
        statfs_(paths.options.filesystem_mount_timeout) {}

  void collect(Exposition& out) const override {
    const std::vector<Mount> mounts = read_mounts();
    std::vector<std::string> stat_paths;
    stat_paths.reserve(mounts.size());
    for (const auto& mount : mounts) stat_paths.push_back(mount.stat_path);
    const std::vector<StatfsResult> results = statfs_.stat_all(stat_paths);

    using prometheus::MetricType;
    FamilyBuilder size(out, "node_filesystem_size_bytes", "Filesystem size in bytes.",
                       MetricType::Gauge);
    FamilyBuilder free(out, "node_filesystem_free_bytes", "Filesystem free space in bytes.",
                       MetricType::Gauge);
    FamilyBuilder avail(out, "node_filesystem_avail_bytes",
                        "Filesystem space available to non-root users in bytes.",
                        MetricType::Gauge);
    FamilyBuilder files(out, "node_filesystem_files", "Filesystem total file nodes.",
                        MetricType::Gauge);
    FamilyBuilder files_free(out, "node_filesystem_files_free", "Filesystem total free file nodes.",
                             MetricType::Gauge);
    FamilyBuilder readonly(out, "node_filesystem_readonly", "Filesystem read-only status.",
                           MetricType::Gauge);
    FamilyBuilder device_error(
        out, "node_filesystem_device_error",
        "Whether an error occurred while getting statistics for the given device.",
        MetricType::Gauge);
    for (size_t i = 0; i < mounts.size(); ++i) {
      const Mount& mount = mounts[i];
      const StatfsResult& result = results[i];
      const bool ok = result.status == StatfsResult::Status::kOk;
      device_error.add(mount.labels(), ok ? 0 : 1);
      if (!ok) {
        if (result.status == StatfsResult::Status::kFailed) {
          log::debug("statfs " + mount.stat_path + ": " + std::strerror(result.error));
        }
        continue;
      }
      // As node_exporter: block counts times f_bsize (equal to f_frsize on Linux filesystems).
      const auto block = static_cast<double>(result.value.f_bsize);
      size.add(mount.labels(), static_cast<double>(result.value.f_blocks) * block);
      free.add(mount.labels(), static_cast<double>(result.value.f_bfree) * block);
      avail.add(mount.labels(), static_cast<double>(result.value.f_bavail) * block);
      files.add(mount.labels(), static_cast<double>(result.value.f_files));
      files_free.add(mount.labels(), static_cast<double>(result.value.f_ffree));
      readonly.add(mount.labels(), mount.readonly ? 1 : 0);
    }
  }

 private:
  static std::string without_trailing_slash(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
  }

  std::vector<Mount> read_mounts() const {
    std::optional<std::string> content = try_read_pseudo_file(root_mounts_);
    const std::filesystem::path& source = content ? root_mounts_ : own_mounts_;
    if (!content) content = read_pseudo_file(own_mounts_);

    std::vector<Mount> mounts;
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    size_t line_number = 0;
    text::for_each_line(*content, [&](std::string_view line) {
      ++line_number;
      const auto f = text::fields(line);
      if (f.empty()) return;
      if (f.size() < 4) {
        throw CollectorError(source.string() + ":" + std::to_string(line_number) +
                             ": malformed mount line '" + std::string(line.substr(0, 200)) + "'");
      }
      Mount mount{std::string(f[0]),
                  relative_to_rootfs(text::unescape_octal(f[1])),
                  std::string(f[2]),
                  has_option(f[3], "ro"),
                  {}};
      if (mount_points_exclude_.excludes(mount.mount_point) ||
          fs_types_exclude_.excludes(mount.fstype)) {
        return;
      }
      // The same mount listed twice would give duplicate series; keep the first, as
      // node_exporter does.
      if (!seen.emplace(mount.device, mount.mount_point, mount.fstype).second) return;
      mount.stat_path = rootfs_ == "/" ? mount.mount_point : rootfs_ + mount.mount_point;
      mounts.push_back(std::move(mount));
    });
    return mounts;
  }

  // "/host/boot" with --path.rootfs=/host is "/boot" on the host, as node_exporter reports it
  // (which also strips prefixes that stop mid-name; we only strip whole path components).
  std::string relative_to_rootfs(std::string mount_point) const {
    if (rootfs_ == "/") return mount_point;
    if (mount_point == rootfs_) return "/";
    if (mount_point.starts_with(rootfs_) && mount_point[rootfs_.size()] == '/') {
      return mount_point.substr(rootfs_.size());
    }
    return mount_point;
  }

  std::filesystem::path root_mounts_;
  std::filesystem::path own_mounts_;
  std::string rootfs_;
  ExcludePattern mount_points_exclude_;
  ExcludePattern fs_types_exclude_;
  mutable StatfsRunner statfs_;  // thread-safe; keeps the helper thread and stuck mounts
};

}  // namespace

std::unique_ptr<Collector> make_filesystem_collector(const Paths& paths) {
  return std::make_unique<FilesystemCollector>(paths);
}

}  // namespace sahab::agent
