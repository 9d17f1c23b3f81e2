#include "agent/metrics/statfs_runner.h"

#include <cerrno>
#include <condition_variable>
#include <set>
#include <thread>

#include "common/log.h"

namespace sahab::agent {

int system_statfs(const std::string& path, struct statfs& out) {
  return ::statfs(path.c_str(), &out) == 0 ? 0 : errno;
}

// Mounts whose statfs call has not returned; shared with abandoned helpers, which outlive
// nothing but this set and their own state.
struct StatfsRunner::Stuck {
  mutable std::mutex mutex;
  std::set<std::string> paths;

  bool contains(const std::string& path) const {
    std::lock_guard lock(mutex);
    return paths.contains(path);
  }
};

// One helper thread working through batches. All fields of State are guarded by State::mutex.
class StatfsRunner::Helper {
 public:
  Helper(StatfsFunction stat, std::shared_ptr<Stuck> stuck)
      : state_(std::make_shared<State>(std::move(stat), std::move(stuck))),
        thread_(&Helper::run, state_) {}

  ~Helper() {
    {
      std::lock_guard lock(state_->mutex);
      state_->quit = true;
    }
    state_->wake.notify_one();
    if (state_->abandoned) {
      thread_.detach();  // still inside statfs; it exits on its own when the call returns
    } else {
      thread_.join();
    }
  }

  // Stats `paths` into `results` (same size) until done or until one path exceeds `timeout`.
  // Returns the index of the path that hung, or paths.size() when all are done. A helper that
  // hung must be destroyed; it is marked abandoned and the hung path marked stuck.
  size_t run_batch(const std::vector<std::string>& paths, std::vector<StatfsResult>& results,
                   std::chrono::milliseconds timeout) {
    std::unique_lock lock(state_->mutex);
    state_->paths = &paths;
    state_->results = &results;
    state_->next = 0;
    state_->started = std::chrono::steady_clock::now();
    state_->busy = true;
    state_->wake.notify_one();
    while (state_->busy) {
      const size_t current = state_->next;
      const bool moved = state_->finished.wait_until(lock, state_->started + timeout, [&] {
        return !state_->busy || state_->next != current;
      });
      if (moved) continue;
      // No progress within the timeout: the helper hangs on paths[current].
      state_->abandoned = true;
      state_->hung_path = paths[current];
      state_->busy = false;
      state_->paths = nullptr;
      state_->results = nullptr;
      std::lock_guard stuck_lock(state_->stuck->mutex);
      state_->stuck->paths.insert(paths[current]);
      return current;
    }
    state_->paths = nullptr;
    state_->results = nullptr;
    return paths.size();
  }

 private:
  struct State {
    State(StatfsFunction s, std::shared_ptr<Stuck> st) : stat(std::move(s)), stuck(std::move(st)) {}
    const StatfsFunction stat;
    const std::shared_ptr<Stuck> stuck;
    std::mutex mutex;
    std::condition_variable wake;      // a batch is waiting, or quit
    std::condition_variable finished;  // the batch is done
    const std::vector<std::string>* paths = nullptr;
    std::vector<StatfsResult>* results = nullptr;
    size_t next = 0;                                // index being stat'ed
    std::chrono::steady_clock::time_point started;  // when paths[next] was started
    bool busy = false;
    bool quit = false;
    bool abandoned = false;
    std::string hung_path;  // set when abandoned
  };

  // An abandoned helper ends here, once its hung call has returned (or if it never started it).
  static void release(State& s) {
    std::lock_guard stuck_lock(s.stuck->mutex);
    s.stuck->paths.erase(s.hung_path);
    log::info("mount point " + s.hung_path + " answers statfs again");
  }

  static void run(std::shared_ptr<State> s) {
    std::unique_lock lock(s->mutex);
    for (;;) {
      s->wake.wait(lock, [&] { return s->quit || s->busy; });
      if (s->quit) {
        if (s->abandoned) release(*s);
        return;
      }
      while (s->next < s->paths->size()) {
        const std::string path = (*s->paths)[s->next];
        s->started = std::chrono::steady_clock::now();
        lock.unlock();
        StatfsResult result;
        result.error = s->stat(path, result.value);
        result.status =
            result.error == 0 ? StatfsResult::Status::kOk : StatfsResult::Status::kFailed;
        lock.lock();
        if (s->abandoned) {  // the caller gave up on this path; it answers at last
          release(*s);
          return;
        }
        (*s->results)[s->next] = result;
        ++s->next;
      }
      s->busy = false;
      s->finished.notify_one();
    }
  }

  std::shared_ptr<State> state_;
  std::thread thread_;
};

StatfsRunner::StatfsRunner(std::chrono::milliseconds timeout, StatfsFunction stat)
    : timeout_(timeout), stat_(std::move(stat)), stuck_(std::make_shared<Stuck>()) {}

StatfsRunner::~StatfsRunner() = default;

std::vector<StatfsResult> StatfsRunner::stat_all(const std::vector<std::string>& paths) {
  std::lock_guard lock(batch_mutex_);
  std::vector<StatfsResult> results(paths.size());
  // Paths still stuck from an earlier scrape are answered at once; the rest go to the helper.
  std::vector<std::string> pending;
  std::vector<size_t> where;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (stuck_->contains(paths[i])) {
      results[i].status = StatfsResult::Status::kStuck;
    } else {
      pending.push_back(paths[i]);
      where.push_back(i);
    }
  }
  std::vector<StatfsResult> pending_results(pending.size());
  size_t done = 0;
  while (done < pending.size()) {
    if (!helper_) helper_ = std::make_unique<Helper>(stat_, stuck_);
    const std::vector<std::string> rest(pending.begin() + static_cast<long>(done), pending.end());
    std::vector<StatfsResult> rest_results(rest.size());
    const size_t hung = helper_->run_batch(rest, rest_results, timeout_);
    std::copy(rest_results.begin(), rest_results.begin() + static_cast<long>(hung),
              pending_results.begin() + static_cast<long>(done));
    done += hung;
    if (hung < rest.size()) {
      log::warn("statfs on " + rest[hung] + " did not answer within " +
                std::to_string(timeout_.count()) + " ms; skipping it until it does");
      pending_results[done].status = StatfsResult::Status::kStuck;
      ++done;
      helper_.reset();
    }
  }
  for (size_t i = 0; i < pending.size(); ++i) results[where[i]] = pending_results[i];
  return results;
}

std::vector<std::string> StatfsRunner::stuck_paths() const {
  std::lock_guard lock(stuck_->mutex);
  return {stuck_->paths.begin(), stuck_->paths.end()};
}

}  // namespace sahab::agent
