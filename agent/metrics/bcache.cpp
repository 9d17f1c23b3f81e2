// bcache: node_bcache_* for each bcache cache set in /sys/fs/bcache/<uuid>, its backing devices
// (bdev<N>) and cache devices (cache<N>), as node_exporter 1.5's collector/bcache_linux.go with
// prometheus/procfs 0.8's parser. bcache prints sizes the way its bch_hprint() does ("20.4G",
// where the digit after the point counts 1024ths in tenths): they are read back as procfs does,
// and so is its writeback_rate_debug dump. btree_read_average_duration_us is taken for
// nanoseconds, as upstream does. Missing files count as 0. Without bcache there is nothing to
// report, which is not an error. --collector.bcache.priorityStats (off by default, as upstream:
// the kernel sorts every bucket's priority to answer) adds each cache device's priority_stats.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

// std::trunc, which at -Os (agent/CMakeLists.txt) GCC calls in libm rather than inlining: from
// 2^52 on every double is whole already, and NaN and infinities are left as they are.
double whole_part(double value) {
  return std::fabs(value) < 0x1p52 ? static_cast<double>(static_cast<std::int64_t>(value)) : value;
}

// "1.1M" -> (1 + 1/10.24) * 2^20; "12" -> 12; "-427.5k" -> negative.
std::optional<double> dehumanize(std::string_view text) {
  bool negative = text.starts_with('-');
  if (negative) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double multiplier = 1;
  if (static_cast<unsigned char>(text.back()) > '9') {
    static constexpr std::string_view kUnits = "kMGTPEZY";
    const auto unit = kUnits.find(text.back());
    // 1024^(unit + 1), multiplied out: std::pow would link libm into the agent for this alone.
    if (unit == std::string_view::npos) multiplier = 0;
    for (size_t i = 0; unit != std::string_view::npos && i <= unit; ++i) multiplier *= 1024;
    text.remove_suffix(1);
    const auto dot = text.find('.');
    const auto whole = text::to_double(text.substr(0, dot));
    if (!whole) return std::nullopt;
    double mantissa = *whole;
    if (dot != std::string_view::npos) {
      const auto fraction = text::to_double(text.substr(dot + 1));
      if (!fraction) return std::nullopt;
      mantissa += *fraction / 10.24;
    }
    const double value = whole_part(mantissa * multiplier);
    return negative ? -value : value;
  }
  const auto value = text::to_double(text);
  if (!value) return std::nullopt;
  return negative ? -whole_part(*value) : whole_part(*value);
}

class Reader {
 public:
  explicit Reader(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // A value file, dehumanized; 0 when the file is absent.
  double value(const std::string& relative) const {
    const auto path = dir_ / relative;
    const auto content = try_read_pseudo_file(path);
    if (!content) {
      if (std::filesystem::exists(path)) throw CollectorError("cannot read " + path.string());
      return 0;
    }
    const auto number = dehumanize(text::trim(*content));
    if (!number) throw CollectorError(path.string() + ": not a bcache number");
    return *number;
  }

  // The last word of the writeback_rate_debug line starting with `key`, without `suffix`.
  double writeback(const std::string& content, std::string_view key,
                   std::string_view suffix) const {
    double result = 0;
    text::for_each_line(content, [&](std::string_view line) {
      if (!line.starts_with(key)) return;
      const auto f = text::fields(line);
      auto word = f.back();
      if (word.ends_with(suffix)) word.remove_suffix(suffix.size());
      const auto number = dehumanize(word);
      if (!number)
        throw CollectorError((dir_ / "writeback_rate_debug").string() + ": bad " +
                             std::string(key));
      result = *number;
    });
    return result;
  }

 private:
  std::filesystem::path dir_;
};

// The "Unused:" and "Metadata:" percentages of a cache device's priority_stats
// ("Unused:\t\t99%"); a file without both is malformed.
std::pair<double, double> priority_stats(const std::filesystem::path& path) {
  std::optional<double> unused, metadata;
  text::for_each_line(read_pseudo_file(path), [&](std::string_view line) {
    const auto f = text::fields(line);
    if (f.size() != 2 || !f[1].ends_with('%')) return;
    const auto percent = text::to_double(f[1].substr(0, f[1].size() - 1));
    if (!percent)
      throw CollectorError(path.string() + ": bad percentage '" + std::string(f[1]) + "'");
    if (f[0] == "Unused:") unused = percent;
    if (f[0] == "Metadata:") metadata = percent;
  });
  if (!unused || !metadata) throw CollectorError(path.string() + ": no Unused or Metadata line");
  return {*unused, *metadata};
}

bool numbered(const std::string& name, std::string_view prefix) {
  return name.size() > prefix.size() && name.starts_with(prefix) &&
         name.find_first_not_of("0123456789", prefix.size()) == std::string::npos;
}

class BcacheCollector : public Collector {
 public:
  explicit BcacheCollector(const Paths& paths)
      : dir_(paths.sys("fs/bcache")), priority_stats_(paths.options.bcache_priority_stats) {}

  void collect(Exposition& out) const override {
    const auto entries = list_dir(dir_);
    if (entries.empty()) return out.found_nothing();  // no bcache module
    FamilySet families(out);
    for (const auto& uuid : entries) {
      if (uuid.find('-') == std::string::npos) continue;  // register, unregister...
      add_cache_set(families, uuid);
    }
  }

 private:
  void add_cache_set(FamilySet& families, const std::string& uuid) const {
    using prometheus::MetricType;
    const auto dir = dir_ / uuid;
    const Reader set(dir);
    const Labels labels = {{"uuid", uuid}};
    const auto gauge = [&](const char* name, const char* help, double value, Labels l) {
      families.add(std::string("node_bcache_") + name, help, std::move(l), value);
    };
    const auto counter = [&](const char* name, const char* help, double value, Labels l) {
      families.add(std::string("node_bcache_") + name, help, std::move(l), value,
                   MetricType::Counter);
    };
    gauge("average_key_size_sectors", "Average data per key in the btree (sectors).",
          set.value("average_key_size"), labels);
    gauge("btree_cache_size_bytes", "Amount of memory currently used by the btree cache.",
          set.value("btree_cache_size"), labels);
    gauge("cache_available_percent",
          "Percentage of cache device without dirty data, usable for writeback (may contain "
          "clean cached data).",
          set.value("cache_available_percent"), labels);
    gauge("congested", "Congestion.", set.value("congested"), labels);
    gauge("root_usage_percent",
          "Percentage of the root btree node in use (tree depth increases if too high).",
          set.value("root_usage_percent"), labels);
    gauge("tree_depth", "Depth of the btree.", set.value("tree_depth"), labels);
    gauge("active_journal_entries", "Number of journal entries that are newer than the index.",
          set.value("internal/active_journal_entries"), labels);
    gauge("btree_nodes", "Total nodes in the btree.", set.value("internal/btree_nodes"), labels);
    gauge("btree_read_average_duration_seconds", "Average btree read duration.",
          set.value("internal/btree_read_average_duration_us") * 1e-9, labels);
    counter("cache_read_races_total",
            "Counts instances where while data was being read from the cache, the bucket was "
            "reused and invalidated - i.e. where the pointer was stale after the read completed.",
            set.value("internal/cache_read_races"), labels);

    for (const auto& name : list_dir(dir)) {
      if (numbered(name, "bdev")) {
        const Reader bdev(dir / name);
        const Labels l = {{"backing_device", name}, {"uuid", uuid}};
        gauge("dirty_data_bytes", "Amount of dirty data for this backing device in the cache.",
              bdev.value("dirty_data"), l);
        const std::string debug = read_pseudo_file(dir / name / "writeback_rate_debug");
        gauge("writeback_rate", "Current writeback rate for this backing device in bytes.",
              bdev.writeback(debug, "rate:", "/sec"), l);
        gauge("dirty_target_bytes",
              "Current dirty data target threshold for this backing device in bytes.",
              bdev.writeback(debug, "target:", ""), l);
        gauge("writeback_rate_proportional_term",
              "Current result of proportional controller, part of writeback rate",
              bdev.writeback(debug, "proportional:", ""), l);
        gauge("writeback_rate_integral_term",
              "Current result of integral controller, part of writeback rate",
              bdev.writeback(debug, "integral:", ""), l);
        gauge("writeback_change", "Last writeback rate change step for this backing device.",
              bdev.writeback(debug, "change:", "/sec"), l);
        counter("bypassed_bytes_total",
                "Amount of IO (both reads and writes) that has bypassed the cache.",
                bdev.value("stats_total/bypassed"), l);
        counter("cache_hits_total", "Hits counted per individual IO as bcache sees them.",
                bdev.value("stats_total/cache_hits"), l);
        counter("cache_misses_total", "Misses counted per individual IO as bcache sees them.",
                bdev.value("stats_total/cache_misses"), l);
        counter("cache_bypass_hits_total", "Hits for IO intended to skip the cache.",
                bdev.value("stats_total/cache_bypass_hits"), l);
        counter("cache_bypass_misses_total", "Misses for IO intended to skip the cache.",
                bdev.value("stats_total/cache_bypass_misses"), l);
        counter("cache_miss_collisions_total",
                "Instances where data insertion from cache miss raced with write (data already "
                "present).",
                bdev.value("stats_total/cache_miss_collisions"), l);
        counter("cache_readaheads_total", "Count of times readahead occurred.",
                bdev.value("stats_total/cache_readaheads"), l);
      } else if (numbered(name, "cache")) {
        const Reader cache(dir / name);
        const Labels l = {{"cache_device", name}, {"uuid", uuid}};
        gauge("io_errors", "Number of errors that have occurred, decayed by io_error_halflife.",
              cache.value("io_errors"), l);
        counter("metadata_written_bytes_total",
                "Sum of all non data writes (btree writes and all other metadata).",
                cache.value("metadata_written"), l);
        counter("written_bytes_total", "Sum of all data that has been written to the cache.",
                cache.value("written"), l);
        if (priority_stats_) {
          const auto [unused, metadata] = priority_stats(dir / name / "priority_stats");
          gauge("priority_stats_unused_percent",
                "The percentage of the cache that doesn't contain any data.", unused, l);
          gauge("priority_stats_metadata_percent", "Bcache's metadata overhead.", metadata, l);
        }
      }
    }
  }

  std::filesystem::path dir_;
  bool priority_stats_;
};

}  // namespace

std::unique_ptr<Collector> make_bcache_collector(const Paths& paths) {
  return std::make_unique<BcacheCollector>(paths);
}

}  // namespace sahab::agent
