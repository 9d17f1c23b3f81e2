// loadavg: node_load1, node_load5, node_load15 from /proc/loadavg.
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class LoadavgCollector : public Collector {
 public:
  explicit LoadavgCollector(const Paths& paths) : path_(paths.proc("loadavg")) {}

  void collect(Exposition& out) const override {
    const std::string content = read_pseudo_file(path_);
    const auto f = text::fields(content);
    if (f.size() < 3) throw CollectorError("unexpected content in " + path_.string());
    const char* names[] = {"node_load1", "node_load5", "node_load15"};
    const char* helps[] = {"1m load average.", "5m load average.", "15m load average."};
    for (size_t i = 0; i < 3; ++i) {
      const auto value = text::to_double(f[i]);
      if (!value) throw CollectorError("bad load '" + std::string(f[i]) + "' in " + path_.string());
      add_gauge(out, names[i], helps[i], *value);
    }
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_loadavg_collector(const Paths& paths) {
  return std::make_unique<LoadavgCollector>(paths);
}

}  // namespace sahab::agent
