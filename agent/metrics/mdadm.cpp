// mdadm: node_md_* for each Linux software RAID array in /proc/mdstat, as node_exporter 1.5's
// collector/mdadm_linux.go with prometheus/procfs's mdstat parser: disks active/failed/spare,
// disks required, the array's state (active, inactive, recovering, resync, check) and blocks in
// total and synced. Without the md driver there is no /proc/mdstat and no data (silently).
#include <array>
#include <regex>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

struct Array {
  std::string name;
  std::string state;  // active, inactive, recovering, resyncing, checking
  double active = 0, failed = 0, spare = 0, total = 0, blocks = 0, synced = 0;
};

double count_of(std::string_view text, std::string_view what) {
  double n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class MdadmCollector : public Collector {
 public:
  explicit MdadmCollector(const Paths& paths) : path_(paths.proc("mdstat")) {}

  void collect(Exposition& out) const override {
    const auto content = try_read_pseudo_file(path_);
    if (!content) return out.no_data();
    const auto arrays = parse(*content);
    FamilyBuilder disks(out, "node_md_disks", "Number of active/failed/spare disks of device.",
                        prometheus::MetricType::Gauge);
    FamilyBuilder required(out, "node_md_disks_required", "Total number of disks of device.",
                           prometheus::MetricType::Gauge);
    FamilyBuilder state(out, "node_md_state", "Indicates the state of md-device.",
                        prometheus::MetricType::Gauge);
    FamilyBuilder blocks(out, "node_md_blocks", "Total number of blocks on device.",
                         prometheus::MetricType::Gauge);
    FamilyBuilder synced(out, "node_md_blocks_synced", "Number of blocks synced on device.",
                         prometheus::MetricType::Gauge);
    // Exposed state name, and the parser's name for it.
    constexpr std::array<std::pair<const char*, const char*>, 5> kStates = {
        {{"active", "active"},
         {"inactive", "inactive"},
         {"recovering", "recovering"},
         {"resync", "resyncing"},
         {"check", "checking"}}};
    for (const auto& array : arrays) {
      const std::string& device = array.name;
      disks.add({{"device", device}, {"state", "active"}}, array.active);
      disks.add({{"device", device}, {"state", "failed"}}, array.failed);
      disks.add({{"device", device}, {"state", "spare"}}, array.spare);
      required.add({{"device", device}}, array.total);
      for (const auto& [exposed, parsed] : kStates) {
        state.add({{"device", device}, {"state", exposed}}, array.state == parsed ? 1 : 0);
      }
      blocks.add({{"device", device}}, array.blocks);
      synced.add({{"device", device}}, array.synced);
    }
  }

 private:
  // An array is a line "md3 : active raid6 sda1[8] ... sdd1[10](S)" followed by a status line
  // "5853468288 blocks ... [8/8] [UUUUUUUU]", maybe a bitmap line, and maybe a sync line
  // "[=>....]  recovery =  8.5% (16775552/195310144) ...".
  std::vector<Array> parse(const std::string& content) const {
    std::vector<std::string_view> lines;
    text::for_each_line(content, [&](std::string_view line) { lines.push_back(line); });
    std::vector<Array> arrays;
    for (size_t i = 0; i < lines.size(); ++i) {
      const auto line = lines[i];
      if (text::trim(line).empty() || line[0] == ' ' || line.starts_with("Personalities") ||
          line.starts_with("unused")) {
        continue;
      }
      const auto f = text::fields(line);
      if (f.size() < 3) fail("not enough fields in '" + std::string(line) + "'");
      if (lines.size() <= i + 2) fail("too few lines for " + std::string(f[0]));
      Array array{std::string(f[0]), std::string(f[2])};
      array.failed = count_of(line, "(F)");
      array.spare = count_of(line, "(S)");
      status(line, lines[i + 1], array);
      array.synced = array.blocks;
      const size_t sync = i + 2 + (lines[i + 2].find("bitmap") != std::string_view::npos ? 1 : 0);
      const auto sync_line = sync < lines.size() ? lines[sync] : std::string_view();
      const bool recovering = sync_line.find("recovery") != std::string_view::npos;
      const bool resyncing = sync_line.find("resync") != std::string_view::npos;
      const bool checking = sync_line.find("check") != std::string_view::npos;
      if (recovering || resyncing || checking) {
        array.state = recovering ? "recovering" : checking ? "checking" : "resyncing";
        if (sync_line.find("PENDING") != std::string_view::npos ||
            sync_line.find("DELAYED") != std::string_view::npos) {
          array.synced = 0;
        } else {
          static const std::regex progress(R"(\((\d+)/\d+\))");
          std::match_results<std::string_view::const_iterator> m;
          if (!std::regex_search(sync_line.begin(), sync_line.end(), m, progress)) {
            fail("no progress in the sync line of " + array.name);
          }
          array.synced = std::stod(m[1].str());
        }
      }
      arrays.push_back(std::move(array));
    }
    return arrays;
  }

  // Blocks in total, and disks required and active: raid0 and linear arrays count their member
  // disks, inactive arrays none, the others say "[total/active]".
  void status(std::string_view device_line, std::string_view status_line, Array& array) const {
    const auto f = text::fields(status_line);
    const auto blocks = f.empty() ? std::nullopt : text::to_u64(f[0]);
    if (!blocks) fail("unexpected status line '" + std::string(status_line) + "'");
    array.blocks = static_cast<double>(*blocks);
    if (device_line.find("raid0") != std::string_view::npos ||
        device_line.find("linear") != std::string_view::npos) {
      array.total = array.active = count_of(device_line, "[");
      return;
    }
    if (device_line.find("inactive") != std::string_view::npos) return;
    static const std::regex counts(R"((\d+) blocks .*\[(\d+)/(\d+)\] \[[U_]+\])");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_search(status_line.begin(), status_line.end(), m, counts)) {
      fail("no [total/active] in '" + std::string(status_line) + "'");
    }
    array.total = std::stod(m[2].str());
    array.active = std::stod(m[3].str());
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw CollectorError(path_.string() + ": " + why);
  }

  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_mdadm_collector(const Paths& paths) {
  return std::make_unique<MdadmCollector>(paths);
}

}  // namespace sahab::agent
