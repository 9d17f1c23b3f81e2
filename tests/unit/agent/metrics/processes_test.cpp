#include "agent/metrics/registry.h"
#include "common/file.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

// A /proc/<pid>/stat line with the given command name, state and thread count.
std::string stat_line(const std::string& pid, const std::string& comm, const std::string& state,
                      int threads) {
  return pid + " (" + comm + ") " + state + " 1 " + pid + " " + pid +
         " 0 -1 4194560 31862 1823342 94 771 118 265 3841 1237 20 0 " + std::to_string(threads) +
         " 0 11 173674496 3163\n";
}

void write_limits(const std::filesystem::path& proc, const std::string& threads_max) {
  std::filesystem::create_directories(proc / "sys/kernel");
  sahab::write_file_atomic(proc / "sys/kernel/threads-max", threads_max);
  sahab::write_file_atomic(proc / "sys/kernel/pid_max", "32768\n");
}

void write_process(const std::filesystem::path& proc, const std::string& pid,
                   const std::string& content) {
  std::filesystem::create_directories(proc / pid / "task" / pid);
  sahab::write_file_atomic(proc / pid / "stat", content);
  sahab::write_file_atomic(proc / pid / "task" / pid / "stat", content);
}

}  // namespace

TEST_CASE("processes: counts by state from <procfs>/<pid>/stat and task/<tid>/stat") {
  const auto families = collect(*make_processes_collector(fixture_paths()));
  CHECK(value_of(families, "node_processes_pids") == 8);
  CHECK(value_of(families, "node_processes_threads") == 10);  // sum of num_threads
  CHECK(value_of(families, "node_processes_max_threads") == 126718);
  CHECK(value_of(families, "node_processes_max_processes") == 4194304);
  // Command names with spaces and parentheses ("(sd-pam) x", "tmux: server") parse.
  CHECK(value_of(families, "node_processes_state", {{"state", "S"}}) == 5);
  CHECK(value_of(families, "node_processes_state", {{"state", "R"}}) == 1);
  CHECK(value_of(families, "node_processes_state", {{"state", "I"}}) == 1);
  CHECK(value_of(families, "node_processes_state", {{"state", "Z"}}) == 1);
  CHECK(find_family(families, "node_processes_state")->metric.size() == 4);
  // java (877) has a running and a blocked thread besides its sleeping main thread.
  CHECK(value_of(families, "node_processes_threads_state", {{"thread_state", "S"}}) == 5);
  CHECK(value_of(families, "node_processes_threads_state", {{"thread_state", "R"}}) == 2);
  CHECK(value_of(families, "node_processes_threads_state", {{"thread_state", "D"}}) == 1);
  CHECK(value_of(families, "node_processes_threads_state", {{"thread_state", "I"}}) == 1);
  CHECK(value_of(families, "node_processes_threads_state", {{"thread_state", "Z"}}) == 1);
  CHECK(find_family(families, "node_processes_threads_state")->metric.size() == 5);
}

TEST_CASE("processes: tasks that exit while being read are skipped") {
  const TempDir dir;
  const auto& proc = dir.path();
  write_limits(proc, "1000\n");
  write_process(proc, "10", stat_line("10", "sshd", "S", 2));
  std::filesystem::create_directories(proc / "10/task/11");  // thread 11 gone: no stat
  std::filesystem::create_directories(proc / "20");          // process 20 gone: no stat
  std::filesystem::create_directories(proc / "self");        // not a pid
  const auto families = collect(*make_processes_collector(Paths{proc, "/nonexistent", "/"}));
  CHECK(value_of(families, "node_processes_pids") == 1);
  CHECK(value_of(families, "node_processes_threads") == 2);
  CHECK(value_of(families, "node_processes_threads_state", {{"thread_state", "S"}}) == 1);
}

TEST_CASE("processes: malformed stat or limits are errors, not crashes") {
  CHECK_THROWS_AS(collect(*make_processes_collector(fixture_paths("broken"))), CollectorError);
  CHECK_THROWS_AS(collect(*make_processes_collector(fixture_paths("absent"))), sahab::FileError);

  const TempDir dir;
  const auto& proc = dir.path();
  write_process(proc, "10", stat_line("10", "sshd", "S", 1));
  write_limits(proc, "lots\n");
  CHECK_THROWS_AS(collect(*make_processes_collector(Paths{proc, "/", "/"})), CollectorError);
  write_limits(proc, "1000\n");
  CHECK_NOTHROW(collect(*make_processes_collector(Paths{proc, "/", "/"})));
  write_process(proc, "10", "10 (sshd) S 1 10\n");  // too short for num_threads
  CHECK_THROWS_AS(collect(*make_processes_collector(Paths{proc, "/", "/"})), CollectorError);
}

TEST_CASE("processes: on the real /proc it counts this test's own process") {
  const auto families = collect(*make_processes_collector(Paths{}));
  CHECK(value_of(families, "node_processes_pids") >= 1);
  CHECK(value_of(families, "node_processes_threads") >= value_of(families, "node_processes_pids"));
}
