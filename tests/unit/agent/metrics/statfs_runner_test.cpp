#include "agent/metrics/statfs_runner.h"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <thread>

using namespace sahab::agent;
using Status = StatfsResult::Status;
using namespace std::chrono_literals;

namespace {

// A statfs stand-in where "/nfs" hangs, like a mount whose server is gone, until released.
// Shared with the runner's helper threads, which may outlive the test's scope; released at the
// end of the test whatever happens, so no thread waits forever.
struct HangingMount : std::enable_shared_from_this<HangingMount> {
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  std::atomic<int> calls{0};

  StatfsFunction function() {
    return [self = shared_from_this()](const std::string& path, struct statfs& out) {
      ++self->calls;
      if (path == "/nfs") {
        std::unique_lock lock(self->mutex);
        self->released_cv.wait(lock, [&] { return self->released; });
      }
      out.f_blocks = path.size();
      return path == "/missing" ? ENOENT : 0;
    };
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      released = true;
    }
    released_cv.notify_all();
  }
};

}  // namespace

TEST_CASE("statfs runner: results in order, errors reported") {
  StatfsRunner runner(10s);
  const auto results = runner.stat_all({"/", "/nonexistent-sahab-path"});
  REQUIRE(results.size() == 2);
  CHECK(results[0].status == Status::kOk);
  CHECK(results[0].value.f_blocks > 0);
  CHECK(results[1].status == Status::kFailed);
  CHECK(results[1].error == ENOENT);
  CHECK(runner.stat_all({}).empty());
}

TEST_CASE("statfs runner: a hanging mount costs one timeout, then is skipped until it answers") {
  const auto nfs = std::make_shared<HangingMount>();
  struct ReleaseAtEnd {
    std::shared_ptr<HangingMount> mount;
    ~ReleaseAtEnd() { mount->release(); }
  } release_at_end{nfs};
  {
    // Generous bounds: the machine running the tests may be busy.
    StatfsRunner runner(500ms, nfs->function());
    auto start = std::chrono::steady_clock::now();
    auto results = runner.stat_all({"/a", "/nfs", "/missing", "/bb"});
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 500ms);
    CHECK(took < 5s);
    REQUIRE(results.size() == 4);
    CHECK(results[0].status == Status::kOk);
    CHECK(results[0].value.f_blocks == 2);
    CHECK(results[1].status == Status::kStuck);
    CHECK(results[2].status == Status::kFailed);
    CHECK(results[3].status == Status::kOk);  // carried on by a fresh helper
    CHECK(results[3].value.f_blocks == 3);
    CHECK(runner.stuck_paths() == std::vector<std::string>{"/nfs"});

    // The next scrape does not wait on it again, nor call statfs on it.
    const int calls_before = nfs->calls;
    start = std::chrono::steady_clock::now();
    results = runner.stat_all({"/nfs", "/a"});
    CHECK(std::chrono::steady_clock::now() - start < 500ms);
    CHECK(results[0].status == Status::kStuck);
    CHECK(results[1].status == Status::kOk);
    CHECK(nfs->calls == calls_before + 1);

    // The server comes back: the pending call returns and the mount is stat'ed again.
    nfs->release();
    for (int i = 0; i < 1000 && !runner.stuck_paths().empty(); ++i) {
      std::this_thread::sleep_for(5ms);
    }
    CHECK(runner.stuck_paths().empty());
    results = runner.stat_all({"/nfs"});
    CHECK(results[0].status == Status::kOk);
  }
}

TEST_CASE("statfs runner: concurrent callers take turns and all get answers") {
  StatfsRunner runner(10s);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const auto results = runner.stat_all({"/", "/tmp"});
        if (results[0].status == Status::kOk && results[1].status == Status::kOk) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 200);
}
