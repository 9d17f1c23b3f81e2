#include "agent/config.h"

#include "agent/metrics/exclude_pattern.h"
#include "agent/metrics/registry.h"
#include "common/log.h"
#include "sahab/version.h"

namespace sahab::agent {
namespace {
using settings::BadValue;
using settings::Kind;

// Label names follow Prometheus rules so they can become metric labels unchanged.
void check_label_name(const std::string& name) {
  bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
  if (!ok) throw BadValue("label name '" + name + "' must be letters, digits, '_' or '.'");
}

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

bool AgentConfig::collector_enabled(const std::string& name, bool enabled_by_default) const {
  const auto it = collector_choices.find(name);
  return it == collector_choices.end() ? enabled_by_default : it->second;
}

settings::Schema agent_schema(AgentConfig& c) {
  settings::Schema schema(
      "sahab-agent",
      "Exports this server's metrics (node_exporter-compatible) and inventory, and reports them "
      "to a Sahab collector.",
      kVersion);
  const auto value = schema.value_adder();
  const auto path = settings::store_path;

  value("web.listen-address", "web.listen_address",
        "address to serve /metrics, /inventory, /healthz on", c.listen_address,
        settings::store_listen_address(c.listen_address));
  value("web.inventory-token-file", "web.inventory_token_file",
        "file holding a bearer token that lets callers off loopback read /inventory and "
        "/utilisation",
        "none: loopback only", path(c.inventory_token_file));
  value("web.max-connections", "web.max_connections",
        "connections served at once (one thread each, ~70 KiB of memory each once used); idle or "
        "slow clients beyond it wait",
        std::to_string(c.max_connections), [&c](const std::string& v) {
          c.max_connections = static_cast<int>(settings::parse_integer(v, 4, 1000));
        });
  value("path.procfs", "path.procfs", "procfs mountpoint", c.paths.procfs, path(c.paths.procfs));
  value("path.sysfs", "path.sysfs", "sysfs mountpoint", c.paths.sysfs, path(c.paths.sysfs));
  value("path.rootfs", "path.rootfs", "root filesystem of the host (for /etc, mountpoints)",
        c.paths.rootfs, path(c.paths.rootfs));
  value("collector.url", "collector.url", "base URL of the Sahab collector to report to", "none",
        [&c](const std::string& v) {
          if (!v.starts_with("http://") && !v.starts_with("https://")) {
            throw BadValue("expected an http:// or https:// URL, got '" + v + "'");
          }
          c.collector_url = v;
        });
  value("enrolment-token-file", "enrolment_token_file",
        "file holding the collector's enrolment token", "none", path(c.enrolment_token_file));
  value("state.dir", "state.dir", "directory for the agent's identity and credentials", c.state_dir,
        path(c.state_dir));
  value("spool.dir", "spool.dir", "directory for reports waiting to reach the collector",
        c.spool_dir, path(c.spool_dir));
  value("spool.max-bytes", "spool.max_bytes",
        "size bound of the spool; oldest batches are dropped past it", "64MiB",
        [&c](const std::string& v) { c.spool_limits.max_bytes = settings::parse_size(v); });
  value("spool.max-age", "spool.max_age", "age bound of the spool; older batches are dropped",
        "14d", [&c](const std::string& v) {
          c.spool_limits.max_age = std::chrono::duration_cast<std::chrono::seconds>(
              settings::parse_positive_duration(v));
        });
  auto client_file = [](std::string& target) {
    return [&target](const std::string& v) {
      if (v.empty()) throw BadValue("expected a path");
      target = v;
    };
  };
  value("collector.ca-file", "collector.ca_file",
        "PEM CA bundle to verify the collector's certificate", "system trust store",
        client_file(c.client.ca_file));
  value("collector.client-cert", "collector.client_cert", "PEM client certificate for mutual TLS",
        "none", client_file(c.client.client_cert));
  value("collector.client-key", "collector.client_key", "PEM key of the client certificate", "none",
        client_file(c.client.client_key));
  value("collector.proxy", "collector.proxy",
        "http:// proxy URL for reaching the collector (https through CONNECT)",
        "https_proxy/no_proxy environment", [&c](const std::string& v) { c.client.proxy = v; });
  value("collector.timeout", "collector.timeout", "timeout of one request to the collector", "60s",
        [&c](const std::string& v) { c.client.timeout = settings::parse_positive_duration(v); });
  value("sample.interval", "sample.interval", "how often utilisation is sampled", "15s",
        [&c](const std::string& v) { c.sample_interval = settings::parse_positive_duration(v); });
  value("report.interval", "report.interval", "how often samples are summarised and reported",
        "60s",
        [&c](const std::string& v) { c.report_interval = settings::parse_positive_duration(v); });
  value("log.level", "log.level", "debug, info, warn or error", c.log_level,
        [&c](const std::string& v) {
          if (!log::set_level(v)) throw BadValue("expected debug, info, warn or error");
          c.log_level = v;
        });
  schema.add({"label", "labels",
              "a label describing this server (region, province, commune, environment, "
              "criticality, sensitivity, application, owner, site.uplink_mbps, ...)",
              "", Kind::kKeyValue, [&c](const std::string& k, const std::string& v) {
                check_label_name(k);
                c.labels[k] = v;
              }});
  schema.add(
      {"once", "", "print one inventory and utilisation sample as JSON and exit", "", Kind::kSwitch,
       [&c](const std::string& v, const std::string&) { c.once = settings::parse_bool(v); }});
  for (const auto& info : known_collectors()) {
    const std::string name = info.name;
    schema.add({"collector." + name, "collectors." + name,
                "collector '" + name + "': " + info.description,
                info.enabled_by_default ? "enabled" : "disabled", Kind::kSwitch,
                [&c, name](const std::string& v, const std::string&) {
                  c.collector_choices[name] = settings::parse_bool(v);
                }});
  }
  auto switch_ = [&schema](std::string flag, std::string key, std::string help, bool& target) {
    schema.add({std::move(flag), std::move(key), std::move(help), target ? "true" : "false",
                Kind::kSwitch, [&target](const std::string& v, const std::string&) {
                  target = settings::parse_bool(v);
                }});
  };
  add_collector_options(value, switch_, c.paths.options);
  return schema;
}

}  // namespace sahab::agent
