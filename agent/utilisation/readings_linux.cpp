// The Linux sources of the utilisation readings: /proc and statvfs.
#include <algorithm>
#include <regex>

#include "agent/inventory/filesystems.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/utilisation/readings.h"
#include "common/file.h"
#include "common/text.h"

namespace sahab::agent::utilisation {
namespace {

constexpr std::uint64_t kSectorBytes = 512;  // /proc/diskstats always counts 512-byte sectors

std::uint64_t field_u64(const std::vector<std::string_view>& f, std::size_t i, bool& ok) {
  const auto value = i < f.size() ? text::to_u64(f[i]) : std::nullopt;
  ok = ok && value.has_value();
  return value.value_or(0);
}

}  // namespace

std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat) {
  std::optional<CpuTimes> result;
  text::for_each_line(proc_stat, [&](std::string_view line) {
    if (result || !line.starts_with("cpu ")) return;
    const auto f = text::fields(line);
    bool ok = f.size() >= 5;
    // user nice system idle iowait irq softirq steal (guest, guest_nice are inside user, nice)
    std::uint64_t total = 0, idle = 0;
    for (std::size_t i = 1; i < std::min<std::size_t>(f.size(), 9) && ok; ++i) {
      const auto v = field_u64(f, i, ok);
      total += v;
      if (i == 4 || i == 5) idle += v;
    }
    if (ok) result = CpuTimes{total - idle, total};
  });
  return result;
}

std::optional<MemoryFigures> parse_memory(std::string_view proc_meminfo) {
  MemoryFigures m;
  bool total = false, available = false;
  text::for_each_line(proc_meminfo, [&](std::string_view line) {
    const auto f = text::fields(line);
    if (f.size() < 2) return;
    const auto kib = text::to_u64(f[1]);
    if (!kib) return;
    const auto bytes = *kib * 1024;
    if (f[0] == "MemTotal:") {
      m.total = bytes;
      total = true;
    } else if (f[0] == "MemAvailable:") {
      m.available = bytes;
      available = true;
    } else if (f[0] == "SwapTotal:") {
      m.swap_total = bytes;
    } else if (f[0] == "SwapFree:") {
      m.swap_free = bytes;
    }
  });
  if (!total || !available || m.total == 0) return std::nullopt;
  return m;
}

bool whole_disk(std::string_view name) {
  static const std::regex kNotWholeDisk(
      R"(^(z?ram|loop|fd|dm-|md|sr)\d+$|^((h|s|v|xv)d[a-z]+|nvme\d+n\d+p|mmcblk\d+p)\d+$)");
  return !std::regex_match(name.begin(), name.end(), kNotWholeDisk);
}

std::optional<DiskCounters> parse_diskstats(std::string_view proc_diskstats) {
  DiskCounters d;
  bool any = false;
  text::for_each_line(proc_diskstats, [&](std::string_view line) {
    const auto f = text::fields(line);
    if (f.size() < 14 || !whole_disk(f[2])) return;
    bool ok = true;
    const auto reads = field_u64(f, 3, ok), read_sectors = field_u64(f, 5, ok);
    const auto writes = field_u64(f, 7, ok), write_sectors = field_u64(f, 9, ok);
    if (!ok) return;
    d.reads += reads;
    d.writes += writes;
    d.read_bytes += read_sectors * kSectorBytes;
    d.write_bytes += write_sectors * kSectorBytes;
    any = true;
  });
  return any ? std::optional(d) : std::nullopt;
}

std::optional<NetworkCounters> parse_net_dev(std::string_view proc_net_dev) {
  NetworkCounters n;
  bool any = false;
  text::for_each_line(proc_net_dev, [&](std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return;  // the two header lines
    const auto name = text::trim(line.substr(0, colon));
    const auto f = text::fields(line.substr(colon + 1));
    if (name == "lo" || f.size() < 16) return;
    bool ok = true;
    const auto rx = field_u64(f, 0, ok), tx = field_u64(f, 8, ok);
    if (!ok) return;
    n.receive_bytes += rx;
    n.transmit_bytes += tx;
    any = true;
  });
  return any ? std::optional(n) : std::nullopt;
}

Reading take_reading(const Paths& paths) {
  Reading r;
  r.monotonic_seconds = monotonic_seconds();
  if (auto s = try_read_pseudo_file(paths.proc("stat"))) r.cpu = parse_cpu_times(*s);
  if (auto s = try_read_pseudo_file(paths.proc("meminfo"))) r.memory = parse_memory(*s);
  if (auto s = try_read_pseudo_file(paths.proc("diskstats"))) r.disk = parse_diskstats(*s);
  if (auto s = try_read_pseudo_file(paths.proc("net/dev"))) r.network = parse_net_dev(*s);
  inventory::Problems ignored;  // the inventory reports unreadable mount tables
  for (const auto& mount : inventory::local_filesystems(paths, ignored)) {
    const auto usage = inventory::filesystem_usage(paths, mount);
    if (!usage || usage->size_bytes == 0) continue;
    const double ratio =
        static_cast<double>(usage->used_bytes) / static_cast<double>(usage->size_bytes);
    r.filesystem_used_ratio = std::max(r.filesystem_used_ratio.value_or(0.0), ratio);
  }
  return r;
}

}  // namespace sahab::agent::utilisation
