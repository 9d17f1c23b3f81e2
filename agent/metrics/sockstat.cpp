// sockstat: node_sockstat_<PROTOCOL>_<state> from /proc/net/sockstat and /proc/net/sockstat6, as
// node_exporter 1.5's collector/sockstat_linux.go: "TCP: inuse 4 orphan 0 tw 1 alloc 4 mem 76"
// gives node_sockstat_TCP_inuse and the others, "mem" (in pages) also as _mem_bytes, and the
// "sockets: used 17" line node_sockstat_sockets_used. A missing file (IPv6 disabled) is skipped.
#include <unistd.h>

#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class SockstatCollector : public Collector {
 public:
  explicit SockstatCollector(const Paths& paths)
      : sockstat_(paths.proc("net/sockstat")), sockstat6_(paths.proc("net/sockstat6")) {}

  void collect(Exposition& out) const override {
    bool any = false;
    for (const auto& path : {sockstat_, sockstat6_}) {
      const auto content = try_read_pseudo_file(path);
      if (!content) continue;
      any = true;
      parse(*content, path, out);
    }
    if (!any) return out.no_data();
  }

 private:
  static void parse(const std::string& content, const std::filesystem::path& path,
                    Exposition& out) {
    static const double page_size = static_cast<double>(::sysconf(_SC_PAGESIZE));
    text::for_each_line(content, [&](std::string_view line) {
      const auto f = text::fields(line);
      if (f.empty()) return;
      if (!f[0].ends_with(':') || f.size() % 2 != 1) {
        throw CollectorError(path.string() +
                             ": not 'PROTOCOL: name value ...': " + std::string(line));
      }
      const std::string protocol(f[0].substr(0, f[0].size() - 1));
      for (size_t i = 1; i + 1 < f.size(); i += 2) {
        const std::string state(f[i]);
        const auto value = text::to_double(f[i + 1]);
        if (!value) throw CollectorError(path.string() + ": bad value in " + std::string(line));
        if (protocol == "sockets") {
          add_gauge(out, "node_sockstat_sockets_" + state, "Number of IPv4 sockets in use.",
                    *value);
          continue;
        }
        add(out, protocol, state, *value);
        if (state == "mem") add(out, protocol, "mem_bytes", *value * page_size);
      }
    });
  }

  static void add(Exposition& out, const std::string& protocol, const std::string& state,
                  double value) {
    add_gauge(out, "node_sockstat_" + protocol + "_" + state,
              "Number of " + protocol + " sockets in state " + state + ".", value);
  }

  std::filesystem::path sockstat_;
  std::filesystem::path sockstat6_;
};

}  // namespace

std::unique_ptr<Collector> make_sockstat_collector(const Paths& paths) {
  return std::make_unique<SockstatCollector>(paths);
}

}  // namespace sahab::agent
