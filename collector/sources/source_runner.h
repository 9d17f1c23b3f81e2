#pragma once
// Runs the discovery sources: each on its schedule (sources.interval, 15 min by default) and when
// asked (POST /api/v1/sources/{id}/run), one run at a time per source, each bounded in time
// (sources.run_timeout). A run reads the whole inventory first and then writes it in one store
// transaction through the importers' path (import_apply.h): the fleet never holds half a run.
// Its outcome is the source's state (ok, failed with the error) and the
// sahab_collector_source_* metrics.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "collector/sources/secret_box.h"
#include "collector/store/sources.h"
#include "collector/store/store.h"

namespace sahab::collector {

struct SourceRunnerOptions {
  std::chrono::seconds interval{15 * 60};
  std::chrono::seconds run_timeout{10 * 60};
  // Time between performance runs (realtime samples of the VMs the last inventory found).
  std::chrono::seconds performance_interval{5 * 60};
  // The agents' report interval: a summary entry's length, the base of coverage.
  std::int64_t report_seconds = 60;
};

// The last performance run of a source (kept in memory: a restarted collector starts again from
// the newest samples stored).
struct PerformanceStatus {
  std::optional<std::int64_t> finished_at, next_run_at;
  std::int64_t vms = 0;      // VMs asked for
  std::int64_t entries = 0;  // summary entries written
  std::string state;         // "", "ok", "failed"
  std::string error;
};

// What "test connection" found: the server's name and version, or why it failed.
struct ConnectionTest {
  bool ok = false;
  std::string about;   // "VMware vCenter Server 8.0.2 build-..."
  std::string reason;  // VsphereError::reason when not ok
  std::string error;
};
// Logs in and out with `config` and `password`, within `timeout`.
ConnectionTest test_source_connection(const SourceConfig& config, const std::string& password,
                                      std::chrono::seconds timeout);

class SourceRunner {
 public:
  SourceRunner(Store& store, const SecretBox& secrets, prometheus::Registry& registry,
               SourceRunnerOptions options, std::function<std::int64_t()> now);
  ~SourceRunner();  // waits for the run under way
  SourceRunner(const SourceRunner&) = delete;
  SourceRunner& operator=(const SourceRunner&) = delete;

  // Starts the scheduling thread (after the HTTP server, so that a run never delays it).
  void start();
  // Asks for a run of source `id` as soon as possible; false when one is queued or under way.
  bool request_run(std::int64_t id);
  const SecretBox& secrets() const { return secrets_; }
  // The source's last performance run; nullopt before its first inventory.
  std::optional<PerformanceStatus> performance(std::int64_t id);

 private:
  // When the next scheduled run of a source whose run just ended is due.
  std::int64_t next_run_after(std::int64_t now) const { return now + options_.interval.count(); }
  void loop();
  // Marks the runs left 'running' by a collector that stopped mid-run as failed, except those
  // another collector on the same PostgreSQL is running.
  void fail_interrupted_runs();
  // Runs source `id` unless another collector on the same PostgreSQL is running it (a store
  // advisory lock per source); `asked` (POST .../run) runs it even when it is not due.
  void run(std::int64_t id, bool asked);
  void run_locked(std::int64_t id, bool asked);
  void record_metrics(const Source& source, const SourceRun& result, double seconds,
                      const std::string& reason);
  // Reads the performance samples of the VMs the source's last inventory found (run_performance),
  // within the run's time, and records the outcome.
  void run_performance(std::int64_t id);
  std::vector<std::int64_t> performance_due(std::int64_t now);

  Store& store_;
  const SecretBox& secrets_;
  SourceRunnerOptions options_;
  std::function<std::int64_t()> now_;
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Gauge>& vms_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Gauge>& duration_;
  prometheus::Family<prometheus::Counter>& perf_runs_;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::set<std::int64_t> requested_;  // runs due or asked for and not started yet
  std::set<std::int64_t> asked_;      // those asked for through the API
  std::set<std::int64_t> running_;
  // Per source, from its last successful inventory: the VMs to measure (managed object id and the
  // fleet host they are), and the performance runs' status.
  std::map<std::int64_t, std::vector<std::pair<std::string, std::string>>> perf_targets_;
  std::map<std::int64_t, PerformanceStatus> perf_status_;
  bool stop_ = false;
  std::atomic<bool> cancel_{false};  // the run under way stops at its next transfer callback
  std::thread thread_;
};

}  // namespace sahab::collector
