// textfile: the metrics of the *.prom files in --collector.textfile.directory (Prometheus text
// format, written by cron jobs and scripts), with node_textfile_mtime_seconds{file} for each file
// read and node_textfile_scrape_error, as node_exporter 1.5's collector/textfile.go. A file that
// does not parse, or carries client-side timestamps, is skipped whole and sets the error metric;
// a directory that does not exist is not an error (upstream globs it and finds nothing).
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "agent/metrics/text_format_parser.h"
#include "common/file.h"
#include "common/log.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class TextfileCollector : public Collector {
 public:
  explicit TextfileCollector(const Paths& paths) : dir_(paths.options.textfile_directory) {}

  void collect(Exposition& out) const override {
    bool error = false;
    TextFamilies merged;
    FamilyBuilder mtimes(out, "node_textfile_mtime_seconds",
                         "Unixtime mtime of textfiles successfully read.",
                         prometheus::MetricType::Gauge);
    if (!dir_.empty() && std::filesystem::exists(dir_)) {
      std::error_code readable;
      std::filesystem::directory_iterator probe(dir_, readable);
      if (readable) {
        error = true;
        log::error("textfile: cannot read " + dir_.string() + ": " + readable.message());
      }
      for (const auto& name : list_dir(dir_)) {
        if (!name.ends_with(".prom")) continue;
        const auto path = dir_ / name;
        try {
          read_one(path, merged);
          struct stat st {};
          if (::stat(path.c_str(), &st) == 0) {
            mtimes.add({{"file", path.string()}}, static_cast<double>(st.st_mtime));
          }
        } catch (const std::exception& e) {
          error = true;
          log::error("textfile: skipping " + path.string() + ": " + e.what());
        }
      }
    }
    for (const auto& [name, family] : merged) out.family(family);
    add_gauge(out, "node_textfile_scrape_error",
              "1 if there was an error opening or reading a file, 0 otherwise", error ? 1 : 0);
  }

 private:
  // Parses a whole file before adding any of it: a broken file contributes nothing.
  static void read_one(const std::filesystem::path& path, TextFamilies& merged) {
    TextFamilies parsed = parse_text_format(read_file(path), path.string());
    for (const auto& [name, family] : parsed) {
      const auto it = merged.find(name);
      if (it != merged.end() && it->second.type != family.type) {
        throw TextFormatError(name + " has another type in an earlier file");
      }
    }
    for (auto& [name, family] : parsed) {
      auto [it, added] = merged.try_emplace(name, std::move(family));
      if (!added) {
        std::move(family.metric.begin(), family.metric.end(),
                  std::back_inserter(it->second.metric));
      }
    }
  }

  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_textfile_collector(const Paths& paths) {
  return std::make_unique<TextfileCollector>(paths);
}

}  // namespace sahab::agent
