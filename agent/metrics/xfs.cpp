// xfs: node_xfs_*_total{device} for each XFS filesystem from /sys/fs/xfs/<device>/stats/stats, as
// node_exporter 1.5's collector/xfs_linux.go with prometheus/procfs 0.8's parser: extent
// allocation, allocation and block map B-trees, block mapping, directory, inode and vnode
// operations, read and write calls. A line the file lacks counts as zeros, as upstream. Without
// XFS there is nothing to report, which is not an error.
#include <algorithm>
#include <array>
#include <map>
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

struct Statistic {
  const char* metric;  // node_xfs_<metric>
  const char* line;    // first word of the stats line
  size_t index;        // position of the number on that line
  const char* help;
};

constexpr std::array<Statistic, 39> kStatistics = {{
    {"extent_allocation_extents_allocated_total", "extent_alloc", 0,
     "Number of extents allocated for a filesystem."},
    {"extent_allocation_blocks_allocated_total", "extent_alloc", 1,
     "Number of blocks allocated for a filesystem."},
    {"extent_allocation_extents_freed_total", "extent_alloc", 2,
     "Number of extents freed for a filesystem."},
    {"extent_allocation_blocks_freed_total", "extent_alloc", 3,
     "Number of blocks freed for a filesystem."},
    {"allocation_btree_lookups_total", "abt", 0,
     "Number of allocation B-tree lookups for a filesystem."},
    {"allocation_btree_compares_total", "abt", 1,
     "Number of allocation B-tree compares for a filesystem."},
    {"allocation_btree_records_inserted_total", "abt", 2,
     "Number of allocation B-tree records inserted for a filesystem."},
    {"allocation_btree_records_deleted_total", "abt", 3,
     "Number of allocation B-tree records deleted for a filesystem."},
    {"block_mapping_reads_total", "blk_map", 0,
     "Number of block map for read operations for a filesystem."},
    {"block_mapping_writes_total", "blk_map", 1,
     "Number of block map for write operations for a filesystem."},
    {"block_mapping_unmaps_total", "blk_map", 2,
     "Number of block unmaps (deletes) for a filesystem."},
    {"block_mapping_extent_list_insertions_total", "blk_map", 3,
     "Number of extent list insertions for a filesystem."},
    {"block_mapping_extent_list_deletions_total", "blk_map", 4,
     "Number of extent list deletions for a filesystem."},
    {"block_mapping_extent_list_lookups_total", "blk_map", 5,
     "Number of extent list lookups for a filesystem."},
    {"block_mapping_extent_list_compares_total", "blk_map", 6,
     "Number of extent list compares for a filesystem."},
    {"block_map_btree_lookups_total", "bmbt", 0,
     "Number of block map B-tree lookups for a filesystem."},
    {"block_map_btree_compares_total", "bmbt", 1,
     "Number of block map B-tree compares for a filesystem."},
    {"block_map_btree_records_inserted_total", "bmbt", 2,
     "Number of block map B-tree records inserted for a filesystem."},
    {"block_map_btree_records_deleted_total", "bmbt", 3,
     "Number of block map B-tree records deleted for a filesystem."},
    {"directory_operation_lookup_total", "dir", 0,
     "Number of file name directory lookups which miss the operating systems directory name lookup "
     "cache."},
    {"directory_operation_create_total", "dir", 1,
     "Number of times a new directory entry was created for a filesystem."},
    {"directory_operation_remove_total", "dir", 2,
     "Number of times an existing directory entry was created for a filesystem."},
    {"directory_operation_getdents_total", "dir", 3,
     "Number of times the directory getdents operation was performed for a filesystem."},
    {"inode_operation_attempts_total", "ig", 0,
     "Number of times the OS looked for an XFS inode in the inode cache."},
    {"inode_operation_found_total", "ig", 1,
     "Number of times the OS looked for and found an XFS inode in the inode cache."},
    {"inode_operation_recycled_total", "ig", 2,
     "Number of times the OS found an XFS inode in the cache, but could not use it as it was being "
     "recycled."},
    {"inode_operation_missed_total", "ig", 3,
     "Number of times the OS looked for an XFS inode in the cache, but did not find it."},
    {"inode_operation_duplicates_total", "ig", 4,
     "Number of times the OS tried to add a missing XFS inode to the inode cache, but found it had "
     "already been added by another process."},
    {"inode_operation_reclaims_total", "ig", 5,
     "Number of times the OS reclaimed an XFS inode from the inode cache to free memory for "
     "another purpose."},
    {"inode_operation_attribute_changes_total", "ig", 6,
     "Number of times the OS explicitly changed the attributes of an XFS inode."},
    {"write_calls_total", "rw", 0,
     "Number of write(2) system calls made to files in a filesystem."},
    {"read_calls_total", "rw", 1, "Number of read(2) system calls made to files in a filesystem."},
    {"vnode_active_total", "vnodes", 0, "Number of vnodes not on free lists for a filesystem."},
    {"vnode_allocate_total", "vnodes", 1, "Number of times vn_alloc called for a filesystem."},
    {"vnode_get_total", "vnodes", 2, "Number of times vn_get called for a filesystem."},
    {"vnode_hold_total", "vnodes", 3, "Number of times vn_hold called for a filesystem."},
    {"vnode_release_total", "vnodes", 4, "Number of times vn_rele called for a filesystem."},
    {"vnode_reclaim_total", "vnodes", 5, "Number of times vn_reclaim called for a filesystem."},
    {"vnode_remove_total", "vnodes", 6, "Number of times vn_remove called for a filesystem."},
}};

// How many numbers each line read here must have (vnodes: 7, or 8 with "free").
bool valid_length(std::string_view line, size_t count) {
  if (line == "blk_map" || line == "ig") return count == 7;
  if (line == "vnodes") return count == 7 || count == 8;
  if (line == "rw") return count == 2;
  return count == 4;
}

using Lines = std::map<std::string, std::vector<double>, std::less<>>;

Lines parse(const std::filesystem::path& path) {
  Lines lines;
  const std::string content = read_pseudo_file(path);
  text::for_each_line(content, [&](std::string_view line) {
    const auto f = text::fields(line);
    if (f.size() < 2) return;
    const bool wanted = std::any_of(kStatistics.begin(), kStatistics.end(),
                                    [&](const Statistic& s) { return f[0] == s.line; });
    if (!wanted) return;
    if (!valid_length(f[0], f.size() - 1)) {
      throw CollectorError(path.string() + ": wrong number of values on " + std::string(f[0]));
    }
    auto& values = lines[std::string(f[0])];
    for (size_t i = 1; i < f.size(); ++i) {
      const auto value = text::to_u64(f[i]);
      if (!value) throw CollectorError(path.string() + ": bad number on " + std::string(f[0]));
      values.push_back(static_cast<double>(*value));
    }
  });
  return lines;
}

class XfsCollector : public Collector {
 public:
  explicit XfsCollector(const Paths& paths) : dir_(paths.sys("fs/xfs")) {}

  void collect(Exposition& out) const override {
    std::vector<std::pair<std::string, Lines>> filesystems;
    for (const auto& device : list_dir(dir_)) {
      const auto path = dir_ / device / "stats/stats";
      if (std::filesystem::is_regular_file(path)) filesystems.push_back({device, parse(path)});
    }
    if (filesystems.empty()) return out.found_nothing();  // the module loaded, nothing mounted
    for (const auto& statistic : kStatistics) {
      FamilyBuilder family(out, std::string("node_xfs_") + statistic.metric, statistic.help,
                           prometheus::MetricType::Counter);
      for (const auto& [device, lines] : filesystems) {
        const auto it = lines.find(statistic.line);
        family.add({{"device", device}}, it == lines.end() ? 0 : it->second[statistic.index]);
      }
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_xfs_collector(const Paths& paths) {
  return std::make_unique<XfsCollector>(paths);
}

}  // namespace sahab::agent
