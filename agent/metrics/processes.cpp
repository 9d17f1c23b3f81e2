// processes: process and thread counts by state, plus the kernel's limits, as node_exporter's
// collector/processes_linux.go (disabled by default there and here). It reads
// <procfs>/<pid>/stat and <procfs>/<pid>/task/<tid>/stat for every task, so it works through
// directory file descriptors and stack buffers to keep a scrape cheap on busy machines.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/file.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

// Fields of /proc/<pid>/stat after the ")" that closes the command name (proc(5)).
constexpr size_t kStateField = 0;        // field 3
constexpr size_t kNumThreadsField = 17;  // field 20

struct TaskStat {
  std::string state;
  unsigned long long threads = 0;
};

// A task that exited between listing and reading is not an error: the kernel answers ENOENT
// (directory gone) or ESRCH (task reaped while open).
bool task_vanished(int error) { return error == ENOENT || error == ESRCH; }

class Dir {
 public:
  explicit Dir(int fd) : dir_(fd >= 0 ? ::fdopendir(fd) : nullptr) {
    if (fd >= 0 && !dir_) ::close(fd);
  }
  ~Dir() {
    if (dir_) ::closedir(dir_);
  }
  Dir(const Dir&) = delete;
  Dir& operator=(const Dir&) = delete;
  explicit operator bool() const { return dir_ != nullptr; }
  int fd() const { return ::dirfd(dir_); }

  // Calls on_number(name) for each entry whose name is a number (a pid or a tid).
  template <typename F>
  void for_each_number(F&& on_number) {
    while (const dirent* entry = ::readdir(dir_)) {
      const std::string_view name = entry->d_name;
      if (text::to_u64(name)) on_number(name);
    }
  }

 private:
  DIR* dir_;
};

Dir open_dir(int parent, const std::string& relative) {
  return Dir(::openat(parent, relative.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

// Reads and parses <dir>/<relative>; nullopt if the task vanished, CollectorError otherwise.
std::optional<TaskStat> read_task_stat(int dir, const std::string& relative) {
  const int fd = ::openat(dir, relative.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (task_vanished(errno)) return std::nullopt;
    throw CollectorError("cannot open " + relative + ": " + std::strerror(errno));
  }
  char buffer[4096];
  size_t size = 0;
  ssize_t n = 0;
  while (size < sizeof buffer && (n = ::read(fd, buffer + size, sizeof buffer - size)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    size += static_cast<size_t>(n);
  }
  const int read_errno = errno;
  ::close(fd);
  if (n < 0) {
    if (task_vanished(read_errno)) return std::nullopt;
    throw CollectorError("cannot read " + relative + ": " + std::strerror(read_errno));
  }
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const std::string_view content(buffer, size);
  const auto close = content.rfind(')');
  if (close == std::string_view::npos) throw CollectorError("no command name in " + relative);
  const auto f = text::fields(content.substr(close + 1));
  const auto threads =
      f.size() > kNumThreadsField ? text::to_u64(f[kNumThreadsField]) : std::nullopt;
  if (!threads) throw CollectorError("malformed " + relative);
  return TaskStat{std::string(f[kStateField]), *threads};
}

struct Counts {
  unsigned long long pids = 0;
  unsigned long long threads = 0;  // sum of num_threads, as node_exporter
  std::map<std::string, double> process_states;
  std::map<std::string, double> thread_states;
};

class ProcessesCollector : public Collector {
 public:
  explicit ProcessesCollector(const Paths& paths) : procfs_(paths.procfs) {}

  void collect(Exposition& out) const override {
    const Counts counts = count_tasks();
    add_gauge(out, "node_processes_threads", "Allocated threads in system",
              static_cast<double>(counts.threads));
    add_gauge(out, "node_processes_max_threads", "Limit of threads in the system",
              read_limit("sys/kernel/threads-max"));
    add_by_state(out, "node_processes_state", "Number of processes in each state.", "state",
                 counts.process_states);
    add_by_state(out, "node_processes_threads_state", "Number of threads in each state.",
                 "thread_state", counts.thread_states);
    add_gauge(out, "node_processes_pids", "Number of PIDs", static_cast<double>(counts.pids));
    add_gauge(out, "node_processes_max_processes", "Number of max PIDs limit",
              read_limit("sys/kernel/pid_max"));
  }

 private:
  Counts count_tasks() const {
    Dir proc(::open(procfs_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!proc) throw FileError("cannot open " + procfs_.string() + ": " + std::strerror(errno));
    Counts counts;
    proc.for_each_number([&](std::string_view pid) {
      const std::string pid_dir(pid);
      const auto stat = read_task_stat(proc.fd(), pid_dir + "/stat");
      if (!stat) return;
      ++counts.pids;
      counts.threads += stat->threads;
      counts.process_states[stat->state] += 1;
      count_threads(proc.fd(), pid_dir, *stat, counts.thread_states);
    });
    return counts;
  }

  // The main thread counts with its process's state (no second read), the others with their own.
  static void count_threads(int proc, const std::string& pid, const TaskStat& process,
                            std::map<std::string, double>& states) {
    Dir tasks = open_dir(proc, pid + "/task");
    if (!tasks) {
      if (task_vanished(errno)) return;
      throw CollectorError("cannot list " + pid + "/task: " + std::strerror(errno));
    }
    tasks.for_each_number([&](std::string_view tid) {
      if (tid == pid) {
        states[process.state] += 1;
        return;
      }
      if (const auto thread = read_task_stat(tasks.fd(), std::string(tid) + "/stat")) {
        states[thread->state] += 1;
      }
    });
  }

  double read_limit(const std::string& relative) const {
    const auto path = procfs_ / relative;
    const auto value = text::to_u64(text::trim(read_pseudo_file(path)));
    if (!value) throw CollectorError("bad number in " + path.string());
    return static_cast<double>(*value);
  }

  static void add_by_state(Exposition& out, const char* name, const char* help, const char* label,
                           const std::map<std::string, double>& states) {
    FamilyBuilder family(out, name, help, prometheus::MetricType::Gauge);
    for (const auto& [state, count] : states) family.add({{label, state}}, count);
  }

  std::filesystem::path procfs_;
};

}  // namespace

std::unique_ptr<Collector> make_processes_collector(const Paths& paths) {
  return std::make_unique<ProcessesCollector>(paths);
}

}  // namespace sahab::agent
