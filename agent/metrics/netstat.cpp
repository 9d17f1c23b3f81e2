// netstat: node_netstat_<Protocol>_<Field> from /proc/net/netstat, /proc/net/snmp and
// /proc/net/snmp6, untyped as in node_exporter 1.5's collector/netstat_linux.go, for the names
// ("Tcp_RetransSegs") matching --collector.netstat.fields. netstat and snmp hold pairs of lines
// ("TcpExt: SyncookiesSent ..." then "TcpExt: 0 ..."); snmp6 holds "Icmp6InMsgs 12" lines whose
// protocol ends at the first '6'. Without IPv6 there is no snmp6, and no IPv6 series.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
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

// A field the filter keeps, with its family's name and help made once.
struct Series {
  Series(std::string_view protocol_name, std::string_view field_name)
      : protocol(protocol_name),
        field(field_name),
        name("node_netstat_" + protocol + "_" + field),
        help("Statistic " + protocol + field + ".") {}
  std::string protocol;
  std::string field;
  std::string name;
  std::string help;
};

// What one line of names (a header of netstat or snmp, a line of snmp6) becomes: the series kept
// for each of its fields, worked out once. The kernel's field names do not change while the agent
// runs, so a scrape only checks that the line is the one planned for, instead of building each
// "Protocol_Field" name and asking the filter about it (~330 names a scrape).
struct Plan {
  std::string names;                          // the line it was made for
  std::vector<std::unique_ptr<Series>> kept;  // per field; null where the filter drops it
};

// The plans of one file, by the line's position in it: made again where a line changes.
class Plans {
 public:
  template <typename Make>
  const Plan& at(size_t position, std::string_view names, Make&& make) {
    if (position >= plans_.size()) plans_.resize(position + 1);
    auto& plan = plans_[position];
    if (!plan || plan->names != names) {
      plan = std::make_unique<Plan>();
      plan->names = names;
      make(*plan);
    }
    return *plan;
  }

 private:
  std::vector<std::unique_ptr<Plan>> plans_;
};

using Values = std::vector<std::pair<const Series*, double>>;

double value_of(std::string_view text, const std::filesystem::path& path) {
  const auto value = text::to_double(text);
  if (!value) throw CollectorError(path.string() + ": bad value '" + std::string(text) + "'");
  return *value;
}

void parse_pairs(const std::filesystem::path& path, const FieldFilter& fields, Plans& plans,
                 Values& values) {
  const std::string content = read_pseudo_file(path);
  std::string_view header_line;
  std::vector<std::string_view> header;
  size_t pairs = 0;
  std::vector<std::string_view> f;  // the fields of each line in turn, one vector for all
  text::for_each_line(content, [&](std::string_view line) {
    text::fields(line, f);
    if (f.empty()) return;
    if (header.empty() || header[0] != f[0]) {
      header = f;  // a header line; its values follow on the next line
      header_line = line;
      return;
    }
    if (f.size() != header.size()) {
      throw CollectorError(path.string() + ": " + std::string(f[0]) + " has " +
                           std::to_string(f.size()) + " values for " +
                           std::to_string(header.size()) + " names");
    }
    const Plan& plan = plans.at(pairs++, header_line, [&](Plan& made) {
      const std::string_view protocol = f[0].substr(0, f[0].size() - 1);  // without the ':'
      made.kept.resize(header.size());
      std::string name;  // protocol_field, built in one buffer for the filter
      for (size_t i = 1; i < header.size(); ++i) {
        name.assign(protocol).append(1, '_').append(header[i]);
        if (fields.keeps(name)) made.kept[i] = std::make_unique<Series>(protocol, header[i]);
      }
    });
    for (size_t i = 1; i < f.size(); ++i) {
      if (const Series* series = plan.kept[i].get())
        values.emplace_back(series, value_of(f[i], path));
    }
    header.clear();
  });
}

void parse_snmp6(const std::string& content, const std::filesystem::path& path,
                 const FieldFilter& fields, Plans& plans, Values& values) {
  size_t lines = 0;
  std::vector<std::string_view> f;  // the fields of each line in turn, one vector for all
  text::for_each_line(content, [&](std::string_view line) {
    text::fields(line, f);
    if (f.size() != 2) return;
    const auto six = f[0].find('6');
    if (six == std::string_view::npos) return;
    const Plan& plan = plans.at(lines++, f[0], [&](Plan& made) {
      const std::string_view protocol = f[0].substr(0, six + 1), field = f[0].substr(six + 1);
      std::string name;
      name.assign(protocol).append(1, '_').append(field);
      made.kept.resize(1);
      if (fields.keeps(name)) made.kept[0] = std::make_unique<Series>(protocol, field);
    });
    if (const Series* series = plan.kept[0].get())
      values.emplace_back(series, value_of(f[1], path));
  });
}

// Ordered as node_exporter writes them, by protocol then field; a field seen twice keeps its
// last value.
void write(Values& values, Exposition& out) {
  std::stable_sort(values.begin(), values.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first->protocol, a.first->field) <
           std::tie(b.first->protocol, b.first->field);
  });
  for (size_t i = 0; i < values.size(); ++i) {
    const Series& series = *values[i].first;
    if (i + 1 < values.size() && values[i + 1].first->protocol == series.protocol &&
        values[i + 1].first->field == series.field)
      continue;
    FamilyBuilder(out, series.name, series.help, prometheus::MetricType::Untyped)
        .add({}, values[i].second);
  }
}

class NetstatCollector : public Collector {
 public:
  explicit NetstatCollector(const Paths& paths)
      : netstat_(paths.proc("net/netstat")),
        snmp_(paths.proc("net/snmp")),
        snmp6_(paths.proc("net/snmp6")),
        fields_(paths.options.netstat_fields) {}

  void collect(Exposition& out) const override {
    const std::lock_guard lock(plans_mutex_);
    Values values;
    values.reserve(last_count_);
    parse_pairs(netstat_, fields_, netstat_plans_, values);
    parse_pairs(snmp_, fields_, snmp_plans_, values);
    if (const auto snmp6 = try_read_pseudo_file(snmp6_))
      parse_snmp6(*snmp6, snmp6_, fields_, snmp6_plans_, values);
    last_count_ = values.size();
    write(values, out);
  }

 private:
  std::filesystem::path netstat_;
  std::filesystem::path snmp_;
  std::filesystem::path snmp6_;
  FieldFilter fields_;
  mutable std::mutex plans_mutex_;
  mutable Plans netstat_plans_, snmp_plans_, snmp6_plans_;
  mutable size_t last_count_ = 0;
};

}  // namespace

std::unique_ptr<Collector> make_netstat_collector(const Paths& paths) {
  return std::make_unique<NetstatCollector>(paths);
}

}  // namespace sahab::agent
