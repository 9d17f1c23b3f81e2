// filefd: node_filefd_{allocated,maximum} from /proc/sys/fs/file-nr ("allocated unused maximum"),
// as node_exporter 1.5's collector/filefd_linux.go.
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class FilefdCollector : public Collector {
 public:
  explicit FilefdCollector(const Paths& paths) : path_(paths.proc("sys/fs/file-nr")) {}

  void collect(Exposition& out) const override {
    const std::string content = read_pseudo_file(path_);
    const auto f = text::fields(content.substr(0, content.find('\n')));
    const auto allocated = f.size() == 3 ? text::to_double(f[0]) : std::nullopt;
    const auto maximum = f.size() == 3 ? text::to_double(f[2]) : std::nullopt;
    if (!allocated || !maximum) throw CollectorError("not three numbers in " + path_.string());
    add_gauge(out, "node_filefd_allocated", "File descriptor statistics: allocated.", *allocated);
    add_gauge(out, "node_filefd_maximum", "File descriptor statistics: maximum.", *maximum);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_filefd_collector(const Paths& paths) {
  return std::make_unique<FilefdCollector>(paths);
}

}  // namespace sahab::agent
