// meminfo: one node_memory_<Field>_bytes gauge per /proc/meminfo line, as node_exporter's
// collector/meminfo_linux.go ("Active(anon)" becomes node_memory_Active_anon_bytes; unitless fields
// such as HugePages_Total keep no _bytes suffix).
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

std::string metric_key(std::string_view field) {
  std::string key;
  key.reserve(field.size());
  for (char c : field) {
    if (c == '(') {
      key += '_';
    } else if (c != ')') {
      key += c;
    }
  }
  return key;
}

class MeminfoCollector : public Collector {
 public:
  explicit MeminfoCollector(const Paths& paths) : path_(paths.proc("meminfo")) {}

  void collect(Exposition& out) const override {
    const std::string content = read_pseudo_file(path_);
    size_t parsed = 0;
    std::string name, help;           // built in the same two buffers for each of the ~55 lines
    std::vector<std::string_view> f;  // the fields of each line in turn, one vector for all
    text::for_each_line(content, [&](std::string_view line) {
      text::fields(line, f);
      if (f.size() < 2 || !f[0].ends_with(':')) return;
      const auto value = text::to_double(f[1]);
      if (!value) throw CollectorError("bad value in " + path_.string() + ": " + std::string(line));
      const std::string key = metric_key(f[0].substr(0, f[0].size() - 1));
      const bool in_kb = f.size() == 3;  // the only unit the kernel writes is kB
      name.assign("node_memory_").append(key).append(in_kb ? "_bytes" : "");
      help.assign("Memory information field ").append(name, 12).append(1, '.');
      add_gauge(out, name, help, in_kb ? *value * 1024 : *value);
      ++parsed;
    });
    if (parsed == 0) throw CollectorError("no fields in " + path_.string());
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_meminfo_collector(const Paths& paths) {
  return std::make_unique<MeminfoCollector>(paths);
}

}  // namespace sahab::agent
