// The Linux agent's own settings: where procfs, sysfs and the root filesystem are, and the
// options of node_exporter's collectors (agent/metrics/*.cpp). config_windows.cpp is the Windows
// agent's counterpart.
#include "agent/config.h"
#include "agent/metrics/exclude_pattern.h"
#include "agent/metrics/registry.h"

namespace sahab::agent {
namespace {
using settings::BadValue;
using settings::Kind;

// Options of single collectors, with node_exporter's flag names; YAML keys sit under
// collector_options.<name>.* (collectors.<name> is already the on/off switch).
template <typename AddValue, typename AddSwitch>
void add_collector_options(AddValue& value, AddSwitch& switch_, CollectorOptions& o) {
  auto pattern = [](std::string& target) {
    return [&target](const std::string& v) {
      try {
        ExcludePattern check(v);
      } catch (const std::regex_error& e) {
        throw BadValue("not a valid regular expression '" + v + "': " + e.what());
      }
      target = v;
    };
  };
  value("collector.filesystem.mount-points-exclude",
        "collector_options.filesystem.mount_points_exclude",
        "regexp of mount points the filesystem collector leaves out",
        o.filesystem_mount_points_exclude, pattern(o.filesystem_mount_points_exclude));
  value("collector.filesystem.fs-types-exclude", "collector_options.filesystem.fs_types_exclude",
        "regexp of filesystem types the filesystem collector leaves out",
        o.filesystem_fs_types_exclude, pattern(o.filesystem_fs_types_exclude));
  value("collector.filesystem.mount-timeout", "collector_options.filesystem.mount_timeout",
        "how long statfs on a mount may hang before the mount is skipped until it answers", "5s",
        [&o](const std::string& v) {
          o.filesystem_mount_timeout = settings::parse_positive_duration(v);
        });
  value("collector.diskstats.device-exclude", "collector_options.diskstats.device_exclude",
        "regexp of block devices the diskstats collector leaves out", o.diskstats_device_exclude,
        pattern(o.diskstats_device_exclude));
  value("collector.netdev.device-exclude", "collector_options.netdev.device_exclude",
        "regexp of network devices the netdev collector leaves out", o.netdev_device_exclude,
        pattern(o.netdev_device_exclude));
  value("collector.netclass.ignored-devices", "collector_options.netclass.ignored_devices",
        "regexp of network devices the netclass collector leaves out", o.netclass_ignored_devices,
        pattern(o.netclass_ignored_devices));
  value("collector.powersupply.ignored-supplies",
        "collector_options.powersupplyclass.ignored_supplies",
        "regexp of power supplies the powersupplyclass collector leaves out",
        o.powersupply_ignored_supplies, pattern(o.powersupply_ignored_supplies));
  value("collector.tapestats.ignored-devices", "collector_options.tapestats.ignored_devices",
        "regexp of tape devices the tapestats collector leaves out", o.tapestats_ignored_devices,
        pattern(o.tapestats_ignored_devices));
  value("collector.ipvs.backend-labels", "collector_options.ipvs.backend_labels",
        "comma-separated labels of the IPVS backend series", o.ipvs_backend_labels,
        [&o](const std::string& v) {
          try {
            ipvs_backend_labels(v);
          } catch (const std::invalid_argument& e) {
            throw BadValue(e.what());
          }
          o.ipvs_backend_labels = v;
        });
  value("collector.netstat.fields", "collector_options.netstat.fields",
        "regexp of the netstat fields (Protocol_Field) to expose", o.netstat_fields,
        pattern(o.netstat_fields));
  value("collector.vmstat.fields", "collector_options.vmstat.fields",
        "regexp of the /proc/vmstat fields to expose", o.vmstat_fields, pattern(o.vmstat_fields));
  switch_("collector.bcache.priorityStats", "collector_options.bcache.priority_stats",
          "node_bcache_priority_stats_* per cache device (the kernel sorts every bucket for them)",
          o.bcache_priority_stats);
  value("collector.systemd.unit-include", "collector_options.systemd.unit_include",
        "regexp of the systemd units whose state is reported (whole names)", o.systemd_unit_include,
        pattern(o.systemd_unit_include));
  value("collector.systemd.unit-exclude", "collector_options.systemd.unit_exclude",
        "regexp of the systemd units left out (whole names)", o.systemd_unit_exclude,
        pattern(o.systemd_unit_exclude));
  switch_("collector.systemd.enable-task-metrics", "collector_options.systemd.enable_task_metrics",
          "node_systemd_unit_tasks_{current,max} per service", o.systemd_enable_task_metrics);
  switch_("collector.systemd.enable-restarts-metrics",
          "collector_options.systemd.enable_restarts_metrics",
          "node_systemd_service_restart_total per service", o.systemd_enable_restarts_metrics);
  switch_("collector.systemd.enable-start-time-metrics",
          "collector_options.systemd.enable_start_time_metrics",
          "node_systemd_unit_start_time_seconds per unit", o.systemd_enable_start_time_metrics);
  value("collector.textfile.directory", "collector_options.textfile.directory",
        "directory of *.prom files whose metrics the textfile collector exposes",
        o.textfile_directory.string(), [&o](const std::string& v) { o.textfile_directory = v; });
}

}  // namespace

// The defaults of AgentConfig are Linux's.
void set_platform_defaults(AgentConfig&) {}

void add_platform_settings(settings::Schema& schema, AgentConfig& c) {
  const auto value = schema.value_adder();
  const auto path = settings::store_path;
  value("path.procfs", "path.procfs", "procfs mountpoint", c.paths.procfs, path(c.paths.procfs));
  value("path.sysfs", "path.sysfs", "sysfs mountpoint", c.paths.sysfs, path(c.paths.sysfs));
  value("path.rootfs", "path.rootfs", "root filesystem of the host (for /etc, mountpoints)",
        c.paths.rootfs, path(c.paths.rootfs));
  auto switch_ = [&schema](std::string flag, std::string key, std::string help, bool& target) {
    schema.add({std::move(flag), std::move(key), std::move(help), target ? "true" : "false",
                Kind::kSwitch, [&target](const std::string& v, const std::string&) {
                  target = settings::parse_bool(v);
                }});
  };
  add_collector_options(value, switch_, c.paths.options);
}

}  // namespace sahab::agent
