// process_* from /proc/self (the Linux side of ProcessMetrics; self_metrics_windows.cpp is the
// Windows one).
#include <unistd.h>

#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/self_metrics.h"
#include "common/text.h"

namespace sahab::agent {

void ProcessMetrics::collect(Exposition& out) const {
  const auto stat = try_read_pseudo_file("/proc/self/stat");
  if (!stat) return;
  // Fields after the command name, which is in parentheses and may contain spaces.
  const auto close = stat->rfind(')');
  if (close == std::string::npos) return;
  const auto f = text::fields(std::string_view(*stat).substr(close + 1));
  // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22, rss 24 (pages).
  if (f.size() < 22) return;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double utime = static_cast<double>(text::to_u64(f[11]).value_or(0));
  const double stime = static_cast<double>(text::to_u64(f[12]).value_or(0));
  const double rss_pages = static_cast<double>(text::to_u64(f[21]).value_or(0));
  add_counter(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
              (utime + stime) / ticks);
  add_gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
            rss_pages * static_cast<double>(::sysconf(_SC_PAGESIZE)));
  const double vsize = static_cast<double>(text::to_u64(f[20]).value_or(0));
  add_gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", vsize);
  return;
}

}  // namespace sahab::agent
