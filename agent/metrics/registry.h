#pragma once
// The list of collectors the agent knows, with node_exporter's default on/off state.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"

namespace sahab::agent {

struct CollectorInfo {
  std::string name;  // as in --collector.<name>
  bool enabled_by_default;
  std::string description;  // one line for --help
  std::function<std::unique_ptr<Collector>(const Paths&)> make;
};

const std::vector<CollectorInfo>& known_collectors();
const CollectorInfo* find_collector(const std::string& name);

// Factories, one per collector file (agent/metrics/<name>.cpp).
std::unique_ptr<Collector> make_cpu_collector(const Paths& paths);
std::unique_ptr<Collector> make_meminfo_collector(const Paths& paths);
std::unique_ptr<Collector> make_loadavg_collector(const Paths& paths);
std::unique_ptr<Collector> make_stat_collector(const Paths& paths);
std::unique_ptr<Collector> make_uname_collector(const Paths& paths);
std::unique_ptr<Collector> make_os_collector(const Paths& paths);
std::unique_ptr<Collector> make_time_collector(const Paths& paths);
std::unique_ptr<Collector> make_dmi_collector(const Paths& paths);
std::unique_ptr<Collector> make_processes_collector(const Paths& paths);
std::unique_ptr<Collector> make_filesystem_collector(const Paths& paths);
std::unique_ptr<Collector> make_diskstats_collector(const Paths& paths);
std::unique_ptr<Collector> make_netdev_collector(const Paths& paths);
std::unique_ptr<Collector> make_tcpstat_collector(const Paths& paths);
std::unique_ptr<Collector> make_pressure_collector(const Paths& paths);
std::unique_ptr<Collector> make_vmstat_collector(const Paths& paths);
std::unique_ptr<Collector> make_netstat_collector(const Paths& paths);
std::unique_ptr<Collector> make_sockstat_collector(const Paths& paths);
std::unique_ptr<Collector> make_filefd_collector(const Paths& paths);
std::unique_ptr<Collector> make_entropy_collector(const Paths& paths);
std::unique_ptr<Collector> make_conntrack_collector(const Paths& paths);
std::unique_ptr<Collector> make_timex_collector(const Paths& paths);
std::unique_ptr<Collector> make_softnet_collector(const Paths& paths);
std::unique_ptr<Collector> make_udp_queues_collector(const Paths& paths);
std::unique_ptr<Collector> make_arp_collector(const Paths& paths);
std::unique_ptr<Collector> make_selinux_collector(const Paths& paths);
std::unique_ptr<Collector> make_netclass_collector(const Paths& paths);
std::unique_ptr<Collector> make_textfile_collector(const Paths& paths);
std::unique_ptr<Collector> make_hwmon_collector(const Paths& paths);
std::unique_ptr<Collector> make_thermal_zone_collector(const Paths& paths);
std::unique_ptr<Collector> make_cpufreq_collector(const Paths& paths);
std::unique_ptr<Collector> make_schedstat_collector(const Paths& paths);
std::unique_ptr<Collector> make_powersupplyclass_collector(const Paths& paths);
std::unique_ptr<Collector> make_rapl_collector(const Paths& paths);
std::unique_ptr<Collector> make_nvme_collector(const Paths& paths);
std::unique_ptr<Collector> make_tapestats_collector(const Paths& paths);
std::unique_ptr<Collector> make_fibrechannel_collector(const Paths& paths);
std::unique_ptr<Collector> make_mdadm_collector(const Paths& paths);
std::unique_ptr<Collector> make_nfs_collector(const Paths& paths);
std::unique_ptr<Collector> make_nfsd_collector(const Paths& paths);
std::unique_ptr<Collector> make_edac_collector(const Paths& paths);
std::unique_ptr<Collector> make_bonding_collector(const Paths& paths);
std::unique_ptr<Collector> make_infiniband_collector(const Paths& paths);
std::unique_ptr<Collector> make_xfs_collector(const Paths& paths);
std::unique_ptr<Collector> make_btrfs_collector(const Paths& paths);
std::unique_ptr<Collector> make_ipvs_collector(const Paths& paths);
std::unique_ptr<Collector> make_zfs_collector(const Paths& paths);
std::unique_ptr<Collector> make_bcache_collector(const Paths& paths);
std::unique_ptr<Collector> make_systemd_collector(const Paths& paths);

// The labels of --collector.ipvs.backend-labels ("local_address,remote_port,..."); throws
// std::invalid_argument on a name node_exporter does not know.
std::vector<std::string> ipvs_backend_labels(const std::string& list);

}  // namespace sahab::agent
