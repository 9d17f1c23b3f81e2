#include "agent/metrics/registry.h"

namespace sahab::agent {

const std::vector<CollectorInfo>& known_collectors() {
  static const std::vector<CollectorInfo> collectors = {
      {"arp", true, "ARP entries per interface from /proc/net/arp", make_arp_collector},
      {"bcache", true, "bcache cache sets, backing and cache devices from /sys/fs/bcache",
       make_bcache_collector},
      {"bonding", true, "bonding interfaces and their active slaves from /sys/class/net",
       make_bonding_collector},
      {"btrfs", true, "Btrfs allocation and devices from /sys/fs/btrfs", make_btrfs_collector},
      {"conntrack", true,
       "connection tracking table use from /proc/sys/net/netfilter and /proc/net/stat/nf_conntrack",
       make_conntrack_collector},
      {"cpu", true, "CPU time per mode from /proc/stat", make_cpu_collector},
      {"cpufreq", true, "CPU frequencies and governors from /sys/devices/system/cpu/cpu*/cpufreq",
       make_cpufreq_collector},
      {"diskstats", true, "block device I/O statistics from /proc/diskstats",
       make_diskstats_collector},
      {"dmi", true, "firmware, board and product identification from /sys/class/dmi/id",
       make_dmi_collector},
      {"edac", true, "ECC memory error counters from /sys/devices/system/edac/mc",
       make_edac_collector},
      {"entropy", true, "available entropy from /proc/sys/kernel/random", make_entropy_collector},
      {"fibrechannel", true, "Fibre Channel hosts from /sys/class/fc_host",
       make_fibrechannel_collector},
      {"filefd", true, "file descriptors allocated and maximum from /proc/sys/fs/file-nr",
       make_filefd_collector},
      {"filesystem", true, "size and free space of mounted filesystems (statfs)",
       make_filesystem_collector},
      {"hwmon", true, "temperatures, fans, voltages and power from /sys/class/hwmon",
       make_hwmon_collector},
      {"infiniband", true, "InfiniBand and Omni-Path ports from /sys/class/infiniband",
       make_infiniband_collector},
      {"ipvs", true, "IP Virtual Server totals and backends from /proc/net/ip_vs{,_stats}",
       make_ipvs_collector},
      {"loadavg", true, "load averages from /proc/loadavg", make_loadavg_collector},
      {"mdadm", true, "software RAID arrays from /proc/mdstat", make_mdadm_collector},
      {"meminfo", true, "memory statistics from /proc/meminfo", make_meminfo_collector},
      {"netclass", true, "network interface properties from /sys/class/net",
       make_netclass_collector},
      {"netdev", true, "network interface statistics from /proc/net/dev", make_netdev_collector},
      {"netstat", true, "network protocol counters from /proc/net/{netstat,snmp,snmp6}",
       make_netstat_collector},
      {"nfs", true, "NFS client RPC statistics from /proc/net/rpc/nfs", make_nfs_collector},
      {"nfsd", true, "NFS server statistics from /proc/net/rpc/nfsd", make_nfsd_collector},
      {"nvme", true, "NVMe controllers from /sys/class/nvme", make_nvme_collector},
      {"os", true, "operating system name and version from os-release", make_os_collector},
      {"powersupplyclass", true, "batteries, AC adapters and UPSes from /sys/class/power_supply",
       make_powersupplyclass_collector},
      {"pressure", true, "pressure stall information from /proc/pressure", make_pressure_collector},
      {"processes", false, "process and thread counts by state from /proc/<pid>/stat",
       make_processes_collector},
      {"rapl", true, "RAPL energy counters from /sys/class/powercap", make_rapl_collector},
      {"schedstat", true, "per-CPU scheduler time from /proc/schedstat", make_schedstat_collector},
      {"selinux", true, "SELinux state from selinuxfs and /etc/selinux/config",
       make_selinux_collector},
      {"sockstat", true, "socket counts by protocol from /proc/net/sockstat{,6}",
       make_sockstat_collector},
      {"softnet", true, "per-CPU packet processing from /proc/net/softnet_stat",
       make_softnet_collector},
      {"stat", true, "boot time, context switches, forks, interrupts from /proc/stat",
       make_stat_collector},
      {"systemd", false, "unit states, timers and sockets from systemd over D-Bus",
       make_systemd_collector},
      {"tapestats", true, "SCSI tape drive statistics from /sys/class/scsi_tape",
       make_tapestats_collector},
      {"tcpstat", false, "TCP connection states from /proc/net/tcp{,6}", make_tcpstat_collector},
      {"textfile", true, "metrics from *.prom files in --collector.textfile.directory",
       make_textfile_collector},
      {"thermal_zone", true,
       "thermal zone temperatures and cooling devices from /sys/class/thermal",
       make_thermal_zone_collector},
      {"time", true, "system time, time zone offset and clocksources", make_time_collector},
      {"timex", true, "clock discipline state from adjtimex(2)", make_timex_collector},
      {"udp_queues", true, "UDP queued bytes from /proc/net/udp{,6}", make_udp_queues_collector},
      {"uname", true, "kernel name, release, version, machine, host name", make_uname_collector},
      {"vmstat", true, "virtual memory counters from /proc/vmstat", make_vmstat_collector},
      {"xfs", true, "XFS statistics per filesystem from /sys/fs/xfs", make_xfs_collector},
      {"zfs", true, "OpenZFS ARC, ZIL and pool statistics from /proc/spl/kstat/zfs",
       make_zfs_collector},
  };
  return collectors;
}

const CollectorInfo* find_collector(const std::string& name) {
  for (const auto& info : known_collectors()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

}  // namespace sahab::agent
