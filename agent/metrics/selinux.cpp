// selinux: node_selinux_enabled, and when SELinux is on, node_selinux_{config,current}_mode
// (1 enforcing, 0 permissive, -1 disabled), as node_exporter 1.5's collector/selinux_linux.go.
// SELinux counts as enabled when selinuxfs answers (<sysfs>/fs/selinux/enforce is readable); the
// configured mode is SELINUX= in <rootfs>/etc/selinux/config. Both stand in for the Go selinux
// library's checks, which look at the same two places.
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/file.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

double config_mode(const std::filesystem::path& config) {
  double mode = -1;
  if (const auto content = try_read_file(config)) {
    text::for_each_line(*content, [&](std::string_view line) {
      line = text::trim(line);
      if (!line.starts_with("SELINUX=")) return;
      const auto value = text::trim(line.substr(8));
      mode = value == "enforcing" ? 1 : value == "permissive" ? 0 : -1;
    });
  }
  return mode;
}

class SelinuxCollector : public Collector {
 public:
  explicit SelinuxCollector(const Paths& paths)
      : enforce_(paths.sys("fs/selinux/enforce")), config_(paths.root("etc/selinux/config")) {}

  void collect(Exposition& out) const override {
    const auto enforcing = read_number(enforce_);
    add_gauge(out, "node_selinux_enabled", "SELinux is enabled, 1 is true, 0 is false",
              enforcing ? 1 : 0);
    if (!enforcing) return;
    add_gauge(out, "node_selinux_config_mode", "Configured SELinux enforcement mode",
              config_mode(config_));
    add_gauge(out, "node_selinux_current_mode", "Current SELinux enforcement mode", *enforcing);
  }

 private:
  std::filesystem::path enforce_;
  std::filesystem::path config_;
};

}  // namespace

std::unique_ptr<Collector> make_selinux_collector(const Paths& paths) {
  return std::make_unique<SelinuxCollector>(paths);
}

}  // namespace sahab::agent
