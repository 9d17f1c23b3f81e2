// nfs: the NFS client's RPC statistics from /proc/net/rpc/nfs, as node_exporter 1.5's
// collector/nfs_linux.go: packets and connections, RPCs, retransmissions, authentication
// refreshes, and node_nfs_requests_total{method,proto} per NFS v2, v3 and v4 procedure (an older
// kernel's shorter v4 line counts its missing procedures as 0). Without NFS client support there
// is no file and no data (silently).
#include <array>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/rpc_stats.h"

namespace sahab::agent {
namespace {

constexpr std::array<const char*, 59> kV4Procedures = {"Null",
                                                       "Read",
                                                       "Write",
                                                       "Commit",
                                                       "Open",
                                                       "OpenConfirm",
                                                       "OpenNoattr",
                                                       "OpenDowngrade",
                                                       "Close",
                                                       "Setattr",
                                                       "FsInfo",
                                                       "Renew",
                                                       "SetClientID",
                                                       "SetClientIDConfirm",
                                                       "Lock",
                                                       "Lockt",
                                                       "Locku",
                                                       "Access",
                                                       "Getattr",
                                                       "Lookup",
                                                       "LookupRoot",
                                                       "Remove",
                                                       "Rename",
                                                       "Link",
                                                       "Symlink",
                                                       "Create",
                                                       "Pathconf",
                                                       "StatFs",
                                                       "ReadLink",
                                                       "ReadDir",
                                                       "ServerCaps",
                                                       "DelegReturn",
                                                       "GetACL",
                                                       "SetACL",
                                                       "FsLocations",
                                                       "ReleaseLockowner",
                                                       "Secinfo",
                                                       "FsidPresent",
                                                       "ExchangeID",
                                                       "CreateSession",
                                                       "DestroySession",
                                                       "Sequence",
                                                       "GetLeaseTime",
                                                       "ReclaimComplete",
                                                       "LayoutGet",
                                                       "GetDeviceInfo",
                                                       "LayoutCommit",
                                                       "LayoutReturn",
                                                       "SecinfoNoName",
                                                       "TestStateID",
                                                       "FreeStateID",
                                                       "GetDeviceList",
                                                       "BindConnToSession",
                                                       "DestroyClientID",
                                                       "Seek",
                                                       "Allocate",
                                                       "DeAllocate",
                                                       "LayoutStats",
                                                       "Clone"};

class NfsCollector : public Collector {
 public:
  explicit NfsCollector(const Paths& paths) : path_(paths.proc("net/rpc/nfs")) {}

  void collect(Exposition& out) const override {
    const auto content = try_read_pseudo_file(path_);
    if (!content) return out.no_data();
    const RpcStats stats = parse_rpc_stats(*content, path_);
    if (const auto net = fixed_values(stats, "net", 4, path_)) {
      FamilyBuilder(out, "node_nfs_packets_total",
                    "Total NFSd network packets (sent+received) by protocol type.",
                    prometheus::MetricType::Counter)
          .add({{"protocol", "udp"}}, (*net)[1])
          .add({{"protocol", "tcp"}}, (*net)[2]);
      add_counter(out, "node_nfs_connections_total", "Total number of NFSd TCP connections.",
                  (*net)[3]);
    }
    if (const auto rpc = fixed_values(stats, "rpc", 3, path_)) {
      add_counter(out, "node_nfs_rpcs_total", "Total number of RPCs performed.", (*rpc)[0]);
      add_counter(out, "node_nfs_rpc_retransmissions_total",
                  "Number of RPC transmissions performed.", (*rpc)[1]);
      add_counter(out, "node_nfs_rpc_authentication_refreshes_total",
                  "Number of RPC authentication refreshes performed.", (*rpc)[2]);
    }
    FamilyBuilder requests(out, "node_nfs_requests_total", "Number of NFS procedures invoked.",
                           prometheus::MetricType::Counter);
    if (const auto v2 = procedure_values(stats, "proc2", kNfsV2Procedures.size(), path_)) {
      add_procedures(requests, kNfsV2Procedures, *v2, "proto", "2");
    }
    if (const auto v3 = procedure_values(stats, "proc3", kNfsV3Procedures.size(), path_)) {
      add_procedures(requests, kNfsV3Procedures, *v3, "proto", "3");
    }
    if (auto v4 = procedure_values(stats, "proc4", 0, path_)) {
      v4->resize(std::max(v4->size(), kV4Procedures.size()), 0.0);
      add_procedures(requests, kV4Procedures, *v4, "proto", "4");
    }
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_nfs_collector(const Paths& paths) {
  return std::make_unique<NfsCollector>(paths);
}

}  // namespace sahab::agent
