#pragma once
// statfs() with a deadline. statfs on a mount whose server is gone (NFS, CIFS) blocks in the
// kernel for minutes, and no signal or timeout can interrupt it from the calling thread. As
// node_exporter does, a mount that does not answer within the timeout is reported as failing and
// then skipped ("stuck") until its pending call finally returns.
//
// Cheap in the normal case: one long-lived helper thread stats a whole batch of mounts per
// scrape (one hand-over, no thread per mount). When the helper hangs on a mount, it is abandoned
// to its fate (it exits when the call returns, clearing the mount's stuck mark) and a fresh
// helper carries on with the rest of the batch.
#include <sys/statfs.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sahab::agent {

struct StatfsResult {
  enum class Status { kOk, kFailed, kStuck };
  Status status = Status::kFailed;
  struct statfs value {};
  int error = 0;  // errno when kFailed
};

// Fills `out` for `path`; returns 0 or an errno value. Tests swap in functions that hang.
using StatfsFunction = std::function<int(const std::string& path, struct statfs& out)>;
int system_statfs(const std::string& path, struct statfs& out);

class StatfsRunner {
 public:
  explicit StatfsRunner(std::chrono::milliseconds timeout, StatfsFunction stat = system_statfs);
  ~StatfsRunner();
  StatfsRunner(const StatfsRunner&) = delete;
  StatfsRunner& operator=(const StatfsRunner&) = delete;

  // One result per path, in order. Concurrent callers take turns.
  std::vector<StatfsResult> stat_all(const std::vector<std::string>& paths);

  // Paths whose statfs has not returned yet.
  std::vector<std::string> stuck_paths() const;

 private:
  struct Stuck;
  class Helper;

  std::chrono::milliseconds timeout_;
  StatfsFunction stat_;
  std::shared_ptr<Stuck> stuck_;
  std::mutex batch_mutex_;  // one batch at a time; guards helper_
  std::unique_ptr<Helper> helper_;
};

}  // namespace sahab::agent
