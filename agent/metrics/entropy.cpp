// entropy: node_entropy_{available,pool_size}_bits from /proc/sys/kernel/random, as
// node_exporter 1.5's collector/entropy_linux.go.
#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

class EntropyCollector : public Collector {
 public:
  explicit EntropyCollector(const Paths& paths) : dir_(paths.proc("sys/kernel/random")) {}

  void collect(Exposition& out) const override {
    add_gauge(out, "node_entropy_available_bits", "Bits of available entropy.",
              require_number(dir_ / "entropy_avail"));
    add_gauge(out, "node_entropy_pool_size_bits", "Bits of entropy pool.",
              require_number(dir_ / "poolsize"));
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_entropy_collector(const Paths& paths) {
  return std::make_unique<EntropyCollector>(paths);
}

}  // namespace sahab::agent
