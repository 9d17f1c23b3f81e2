// nfsd: the NFS server's statistics from /proc/net/rpc/nfsd, as node_exporter 1.5's
// collector/nfsd_linux.go: reply cache, stale file handles, disk bytes, threads, read-ahead
// cache, packets, RPCs and their errors, and node_nfsd_requests_total{method,proto} per NFS v2
// and v3 procedure and v4 operation. Without an NFS server there is no file and no data
// (silently). Lines this code does not know (newer kernels add some) are ignored, where
// node_exporter 1.5 fails the whole collector.
#include <array>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/rpc_stats.h"

namespace sahab::agent {
namespace {

// NFSv4 operations as node_exporter reports them, with their index in the proc4ops line.
constexpr std::array<std::pair<const char*, size_t>, 33> kV4Operations = {{
    {"Access", 3},        {"Close", 4},        {"Commit", 5},     {"Create", 6},
    {"DelegPurge", 7},    {"DelegReturn", 8},  {"GetAttr", 9},    {"GetFH", 10},
    {"Link", 11},         {"Lock", 12},        {"Lockt", 13},     {"Locku", 14},
    {"Lookup", 15},       {"LookupRoot", 16},  {"Nverify", 17},   {"Open", 18},
    {"OpenAttr", 19},     {"OpenConfirm", 20}, {"OpenDgrd", 21},  {"PutFH", 22},
    {"Read", 25},         {"ReadDir", 26},     {"ReadLink", 27},  {"Remove", 28},
    {"Rename", 29},       {"Renew", 30},       {"RestoreFH", 31}, {"SaveFH", 32},
    {"SecInfo", 33},      {"SetAttr", 34},     {"Verify", 35},    {"Write", 36},
    {"RelLockOwner", 37},
}};

class NfsdCollector : public Collector {
 public:
  explicit NfsdCollector(const Paths& paths) : path_(paths.proc("net/rpc/nfsd")) {}

  void collect(Exposition& out) const override {
    const auto content = try_read_pseudo_file(path_);
    if (!content) return out.no_data();
    const RpcStats stats = parse_rpc_stats(*content, path_);
    const auto counter = [&](const char* name, const char* help, double value) {
      add_counter(out, name, help, value);
    };
    if (const auto rc = fixed_values(stats, "rc", 3, path_)) {
      counter("node_nfsd_reply_cache_hits_total",
              "Total number of NFSd Reply Cache hits (client lost server response).", (*rc)[0]);
      counter("node_nfsd_reply_cache_misses_total",
              "Total number of NFSd Reply Cache an operation that requires caching (idempotent).",
              (*rc)[1]);
      counter("node_nfsd_reply_cache_nocache_total",
              "Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).",
              (*rc)[2]);
    }
    if (const auto fh = fixed_values(stats, "fh", 5, path_)) {
      counter("node_nfsd_file_handles_stale_total", "Total number of NFSd stale file handles",
              (*fh)[0]);
    }
    if (const auto io = fixed_values(stats, "io", 2, path_)) {
      counter("node_nfsd_disk_bytes_read_total", "Total NFSd bytes read.", (*io)[0]);
      counter("node_nfsd_disk_bytes_written_total", "Total NFSd bytes written.", (*io)[1]);
    }
    if (const auto th = fixed_values(stats, "th", 2, path_)) {
      add_gauge(out, "node_nfsd_server_threads",
                "Total number of NFSd kernel threads that are running.", (*th)[0]);
    }
    if (const auto ra = fixed_values(stats, "ra", 12, path_)) {
      add_gauge(out, "node_nfsd_read_ahead_cache_size_blocks",
                "How large the read ahead cache is in blocks.", (*ra)[0]);
      counter("node_nfsd_read_ahead_cache_not_found_total",
              "Total number of NFSd read ahead cache not found.", (*ra)[11]);
    }
    if (const auto net = fixed_values(stats, "net", 4, path_)) {
      FamilyBuilder(out, "node_nfsd_packets_total",
                    "Total NFSd network packets (sent+received) by protocol type.",
                    prometheus::MetricType::Counter)
          .add({{"proto", "udp"}}, (*net)[1])
          .add({{"proto", "tcp"}}, (*net)[2]);
      counter("node_nfsd_connections_total", "Total number of NFSd TCP connections.", (*net)[3]);
    }
    if (const auto rpc = fixed_values(stats, "rpc", 5, path_)) {
      counter("node_nfsd_server_rpcs_total", "Total number of NFSd RPCs.", (*rpc)[0]);
      FamilyBuilder(out, "node_nfsd_rpc_errors_total",
                    "Total number of NFSd RPC errors by error type.",
                    prometheus::MetricType::Counter)
          .add({{"error", "fmt"}}, (*rpc)[2])
          .add({{"error", "auth"}}, (*rpc)[3])
          .add({{"error", "cInt"}}, (*rpc)[4]);
    }
    FamilyBuilder requests(out, "node_nfsd_requests_total",
                           "Total number NFSd Requests by method and protocol.",
                           prometheus::MetricType::Counter);
    if (const auto v2 = procedure_values(stats, "proc2", kNfsV2Procedures.size(), path_)) {
      add_procedures(requests, kNfsV2Procedures, *v2, "proto", "2");
    }
    if (const auto v3 = procedure_values(stats, "proc3", kNfsV3Procedures.size(), path_)) {
      add_procedures(requests, kNfsV3Procedures, *v3, "proto", "3");
    }
    if (const auto ops = procedure_values(stats, "proc4ops", 38, path_)) {
      for (const auto& [name, index] : kV4Operations) {
        requests.add({{"method", name}, {"proto", "4"}}, (*ops)[index]);
      }
    }
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_nfsd_collector(const Paths& paths) {
  return std::make_unique<NfsdCollector>(paths);
}

}  // namespace sahab::agent
