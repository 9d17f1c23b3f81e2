// conntrack: node_nf_conntrack_* from /proc/sys/net/netfilter/nf_conntrack_{count,max} and the
// per-CPU table /proc/net/stat/nf_conntrack (hexadecimal, summed over CPUs), as node_exporter
// 1.5's collector/conntrack_linux.go. Without the nf_conntrack module there is no data (silently).
#include <array>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

struct Statistic {
  const char* column;  // in the header of /proc/net/stat/nf_conntrack
  const char* help;
};

constexpr std::array<Statistic, 8> kStatistics = {{
    {"found", "Number of searched entries which were successful."},
    {"invalid", "Number of packets seen which can not be tracked."},
    {"ignore", "Number of packets seen which are already connected to a conntrack entry."},
    {"insert", "Number of entries inserted into the list."},
    {"insert_failed", "Number of entries for which list insertion was attempted but failed."},
    {"drop", "Number of packets dropped due to conntrack failure."},
    {"early_drop",
     "Number of dropped conntrack entries to make room for new ones, if maximum table size was "
     "reached."},
    {"search_restart",
     "Number of conntrack table lookups which had to be restarted due to hashtable resizes."},
}};

class ConntrackCollector : public Collector {
 public:
  explicit ConntrackCollector(const Paths& paths)
      : count_(paths.proc("sys/net/netfilter/nf_conntrack_count")),
        max_(paths.proc("sys/net/netfilter/nf_conntrack_max")),
        stat_(paths.proc("net/stat/nf_conntrack")) {}

  void collect(Exposition& out) const override {
    const auto count = read_number(count_);
    if (!count) return out.no_data();
    add_gauge(out, "node_nf_conntrack_entries",
              "Number of currently allocated flow entries for connection tracking.", *count);
    add_gauge(out, "node_nf_conntrack_entries_limit", "Maximum size of connection tracking table.",
              require_number(max_));
    const auto stat = try_read_pseudo_file(stat_);
    if (!stat) return out.no_data();
    const auto totals = sum_columns(*stat);
    for (size_t i = 0; i < kStatistics.size(); ++i) {
      add_gauge(out, std::string("node_nf_conntrack_stat_") + kStatistics[i].column,
                kStatistics[i].help, totals[i]);
    }
  }

 private:
  // The kStatistics columns summed over the per-CPU lines.
  std::array<double, kStatistics.size()> sum_columns(const std::string& content) const {
    std::array<double, kStatistics.size()> totals{};
    std::array<size_t, kStatistics.size()> index{};
    bool header = true;
    text::for_each_line(content, [&](std::string_view line) {
      const auto f = text::fields(line);
      if (f.empty()) return;
      if (header) {
        for (size_t i = 0; i < kStatistics.size(); ++i) index[i] = column(f, kStatistics[i].column);
        header = false;
        return;
      }
      for (size_t i = 0; i < kStatistics.size(); ++i) {
        const auto value = index[i] < f.size() ? hex_number(f[index[i]]) : std::nullopt;
        if (!value) throw CollectorError(stat_.string() + ": bad line '" + std::string(line) + "'");
        totals[i] += *value;
      }
    });
    return totals;
  }

  size_t column(const std::vector<std::string_view>& header, std::string_view name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    throw CollectorError(stat_.string() + ": no column " + std::string(name));
  }

  std::filesystem::path count_;
  std::filesystem::path max_;
  std::filesystem::path stat_;
};

}  // namespace

std::unique_ptr<Collector> make_conntrack_collector(const Paths& paths) {
  return std::make_unique<ConntrackCollector>(paths);
}

}  // namespace sahab::agent
