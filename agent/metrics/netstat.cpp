// netstat: node_netstat_<Protocol>_<Field> from /proc/net/netstat, /proc/net/snmp and
// /proc/net/snmp6, untyped as in node_exporter 1.5's collector/netstat_linux.go, for the names
// ("Tcp_RetransSegs") matching --collector.netstat.fields. netstat and snmp hold pairs of lines
// ("TcpExt: SyncookiesSent ..." then "TcpExt: 0 ..."); snmp6 holds "Icmp6InMsgs 12" lines whose
// protocol ends at the first '6'. Without IPv6 there is no snmp6, and no IPv6 series.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/field_filter.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

// (protocol, field) -> value of the fields the filter keeps; ordered so that the output is
// stable.
using Stats = std::map<std::pair<std::string, std::string>, double>;

void parse_pairs(const std::filesystem::path& path, const FieldFilter& fields, Stats& stats) {
  const std::string content = read_pseudo_file(path);
  std::vector<std::string_view> header;
  std::string name;  // protocol_field, built in one buffer for the filter
  text::for_each_line(content, [&](std::string_view line) {
    const auto f = text::fields(line);
    if (f.empty()) return;
    if (header.empty() || header[0] != f[0]) {
      header = f;  // a header line; its values follow on the next line
      return;
    }
    if (f.size() != header.size()) {
      throw CollectorError(path.string() + ": " + std::string(f[0]) + " has " +
                           std::to_string(f.size()) + " values for " +
                           std::to_string(header.size()) + " names");
    }
    const std::string_view protocol = f[0].substr(0, f[0].size() - 1);  // without the ':'
    for (size_t i = 1; i < f.size(); ++i) {
      name.assign(protocol).append(1, '_').append(header[i]);
      if (!fields.keeps(name)) continue;
      const auto value = text::to_double(f[i]);
      if (!value) throw CollectorError(path.string() + ": bad value '" + std::string(f[i]) + "'");
      stats[{std::string(protocol), std::string(header[i])}] = *value;
    }
    header.clear();
  });
}

void parse_snmp6(const std::string& content, const std::filesystem::path& path,
                 const FieldFilter& fields, Stats& stats) {
  std::string name;  // protocol_field, built in one buffer for the filter
  text::for_each_line(content, [&](std::string_view line) {
    const auto f = text::fields(line);
    if (f.size() != 2) return;
    const auto six = f[0].find('6');
    if (six == std::string_view::npos) return;
    name.assign(f[0].substr(0, six + 1)).append(1, '_').append(f[0].substr(six + 1));
    if (!fields.keeps(name)) return;
    std::string protocol(f[0].substr(0, six + 1)), field(f[0].substr(six + 1));
    const auto value = text::to_double(f[1]);
    if (!value) throw CollectorError(path.string() + ": bad value '" + std::string(f[1]) + "'");
    stats[{std::move(protocol), std::move(field)}] = *value;
  });
}

class NetstatCollector : public Collector {
 public:
  explicit NetstatCollector(const Paths& paths)
      : netstat_(paths.proc("net/netstat")),
        snmp_(paths.proc("net/snmp")),
        snmp6_(paths.proc("net/snmp6")),
        fields_(paths.options.netstat_fields) {}

  void collect(Exposition& out) const override {
    Stats stats;
    parse_pairs(netstat_, fields_, stats);
    parse_pairs(snmp_, fields_, stats);
    if (const auto snmp6 = try_read_pseudo_file(snmp6_))
      parse_snmp6(*snmp6, snmp6_, fields_, stats);
    for (const auto& [key, value] : stats) {
      const std::string name = key.first + "_" + key.second;
      FamilyBuilder(out, "node_netstat_" + name, "Statistic " + key.first + key.second + ".",
                    prometheus::MetricType::Untyped)
          .add({}, value);
    }
  }

 private:
  std::filesystem::path netstat_;
  std::filesystem::path snmp_;
  std::filesystem::path snmp6_;
  FieldFilter fields_;
};

}  // namespace

std::unique_ptr<Collector> make_netstat_collector(const Paths& paths) {
  return std::make_unique<NetstatCollector>(paths);
}

}  // namespace sahab::agent
