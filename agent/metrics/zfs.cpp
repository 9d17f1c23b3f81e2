// zfs: OpenZFS kstats from /proc/spl/kstat/zfs, as node_exporter 1.5's collector/zfs_linux.go:
// node_zfs_<subsystem>_<name> (untyped, HELP "kstat.zfs.misc.<file>.<name>") for the uint64 rows
// of arcstats, abdstats, dbufstats, dmu_tx, dnodestats, fm, vdev_cache_stats, vdev_mirror_stats,
// xuio_stats, zfetchstats and zil (whichever this ZFS version has); per pool node_zfs_zpool_<io
// field>{zpool}, node_zfs_zpool_dataset_<field>{dataset,zpool} from objset-* and
// node_zfs_zpool_state{state,zpool}. Without the ZFS module there is no data (silently).
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

// Subsystem of the metric name, and the kstat file it comes from.
constexpr std::array<std::pair<const char*, const char*>, 11> kKstats = {{
    {"zfs_abd", "abdstats"},
    {"zfs_arc", "arcstats"},
    {"zfs_dbuf", "dbufstats"},
    {"zfs_dmu_tx", "dmu_tx"},
    {"zfs_dnode", "dnodestats"},
    {"zfs_fm", "fm"},
    {"zfs_vdev_cache", "vdev_cache_stats"},
    {"zfs_vdev_mirror", "vdev_mirror_stats"},
    {"zfs_xuio", "xuio_stats"},
    {"zfs_zfetch", "zfetchstats"},
    {"zfs_zil", "zil"},
}};

constexpr std::array<const char*, 6> kPoolStates = {"degraded", "faulted", "offline",
                                                    "online",   "removed", "unavail"};

std::string metric_name(std::string name) {
  for (char& c : name) c = c == '-' ? '_' : c;
  return name;
}

// The rows after the "name type data" header: (name, type, data).
struct Row {
  std::string_view name, type, data;
};

std::vector<Row> kstat_rows(std::string_view content, const std::filesystem::path& path) {
  std::vector<Row> rows;
  bool started = false;
  text::for_each_line(content, [&](std::string_view line) {
    const auto f = text::fields(line);
    if (!started) {
      started = f.size() == 3 && f[0] == "name" && f[1] == "type" && f[2] == "data";
      return;
    }
    if (f.size() >= 3) rows.push_back({f[0], f[1], f[2]});
  });
  if (!started) throw CollectorError(path.string() + ": no 'name type data' header");
  return rows;
}

// kstat type 4 is KSTAT_DATA_UINT64, the only one node_exporter 1.5 reports.
double uint64_value(const Row& row, const std::filesystem::path& path) {
  const auto value = text::to_u64(row.data);
  if (!value) throw CollectorError(path.string() + ": bad value of " + std::string(row.name));
  return static_cast<double>(*value);
}

class ZfsCollector : public Collector {
 public:
  explicit ZfsCollector(const Paths& paths) : dir_(paths.proc("spl/kstat/zfs")) {}

  void collect(Exposition& out) const override {
    if (!std::filesystem::is_directory(dir_)) return out.no_data();
    FamilySet families(out);
    for (const auto& [subsystem, file] : kKstats) {
      const auto path = dir_ / file;
      const auto content = try_read_pseudo_file(path);
      if (!content) continue;  // not in this ZFS version
      for (const auto& row : kstat_rows(*content, path)) {
        if (row.type != "4") continue;
        families.add(std::string("node_") + subsystem + "_" + metric_name(std::string(row.name)),
                     std::string("kstat.zfs.misc.") + file + "." + std::string(row.name), {},
                     uint64_value(row, path), prometheus::MetricType::Untyped);
      }
    }
    for (const auto& pool : list_dir(dir_)) {
      if (std::filesystem::is_directory(dir_ / pool)) add_pool(families, pool);
    }
  }

 private:
  void add_pool(FamilySet& families, const std::string& pool) const {
    const auto dir = dir_ / pool;
    if (const auto io = try_read_pseudo_file(dir / "io")) add_io(families, pool, *io, dir / "io");
    for (const auto& name : list_dir(dir)) {
      if (!name.starts_with("objset-")) continue;
      const auto path = dir / name;
      const auto content = try_read_pseudo_file(path);
      if (!content) continue;
      const auto rows = kstat_rows(*content, path);
      std::string dataset;
      for (const auto& row : rows) {
        if (row.name == "dataset_name") dataset = row.data;
      }
      for (const auto& row : rows) {
        if (row.type != "4") continue;
        families.add("node_zfs_zpool_dataset_" + metric_name(std::string(row.name)),
                     "kstat.zfs.misc.objset." + std::string(row.name),
                     {{"dataset", dataset}, {"zpool", pool}}, uint64_value(row, path),
                     prometheus::MetricType::Untyped);
      }
    }
    if (const auto state = read_text(dir / "state")) {
      std::string lower;
      for (char c : *state) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (const char* name : kPoolStates) {
        families.add("node_zfs_zpool_state", "kstat.zfs.misc.state",
                     {{"state", name}, {"zpool", pool}}, lower == name ? 1 : 0);
      }
    }
  }

  // The pool's io kstat: a line of field names, then a line of their values.
  static void add_io(FamilySet& families, const std::string& pool, const std::string& content,
                     const std::filesystem::path& path) {
    std::vector<std::vector<std::string_view>> lines;
    text::for_each_line(content,
                        [&](std::string_view line) { lines.push_back(text::fields(line)); });
    if (lines.size() < 3 || lines[1].size() != lines[2].size()) {
      throw CollectorError(path.string() + ": not a names line and a values line");
    }
    for (size_t i = 0; i < lines[1].size(); ++i) {
      const auto value = text::to_u64(lines[2][i]);
      if (!value)
        throw CollectorError(path.string() + ": bad value of " + std::string(lines[1][i]));
      families.add("node_zfs_zpool_" + std::string(lines[1][i]),
                   "kstat.zfs.misc.io." + std::string(lines[1][i]), {{"zpool", pool}},
                   static_cast<double>(*value), prometheus::MetricType::Untyped);
    }
  }

  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_zfs_collector(const Paths& paths) {
  return std::make_unique<ZfsCollector>(paths);
}

}  // namespace sahab::agent
