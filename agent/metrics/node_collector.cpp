#include "agent/metrics/node_collector.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "agent/metrics/metric_builder.h"
#include "common/log.h"

namespace sahab::agent {

struct NodeCollector::State {
  std::atomic<bool> failing{false};
  // The size of the collector's text at the last scrape: its buffer is sized once, not grown.
  std::size_t last_size = 0;
  // When a collector that found its subsystem absent is to be asked again (kAbsentRecheck), and
  // the success it reports until then (Exposition::found_nothing: 1; no_data: 0).
  std::chrono::steady_clock::time_point absent_until;
  bool absent_ok = false;
};

struct NodeCollector::Outcome {
  std::string text;
  double seconds = 0;
  bool ok = false;
};

// Threads that wait for a scrape and run the same work as the scraping thread, all returning
// before the scrape goes on. Started once: a thread per scrape would cost more than the
// collectors it runs.
class NodeCollector::Helpers {
 public:
  explicit Helpers(unsigned count) {
    for (unsigned i = 0; i < count; ++i) threads_.emplace_back([this] { wait_for_work(); });
  }
  ~Helpers() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) thread.join();
  }
  Helpers(const Helpers&) = delete;
  Helpers& operator=(const Helpers&) = delete;

  // Runs `work` on every helper and on the calling thread; returns when all have returned.
  void run_everywhere(const std::function<void()>& work) {
    const std::lock_guard one_scrape_at_a_time(scrape_mutex_);
    {
      std::lock_guard lock(mutex_);
      work_ = &work;
      busy_ = static_cast<unsigned>(threads_.size());
      ++round_;
    }
    wake_.notify_all();
    work();
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
    work_ = nullptr;
  }

 private:
  void wait_for_work() {
    std::uint64_t rounds_done = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || round_ != rounds_done; });
      if (stopping_) return;
      rounds_done = round_;
      const std::function<void()>& work = *work_;
      lock.unlock();
      work();
      lock.lock();
      if (--busy_ == 0) done_.notify_one();
    }
  }

  std::mutex scrape_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void()>* work_ = nullptr;
  std::uint64_t round_ = 0;
  unsigned busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

unsigned NodeCollector::default_threads() {
  return std::clamp(std::thread::hardware_concurrency() / 2, 1U, 4U);
}

NodeCollector::NodeCollector(std::vector<Entry> collectors, unsigned threads,
                             std::chrono::steady_clock::duration absent_recheck)
    : collectors_(std::move(collectors)),
      absent_recheck_(absent_recheck),
      states_(new State[collectors_.size()]),
      helpers_(std::make_unique<Helpers>(std::max(threads, 1U) - 1)) {}

NodeCollector::~NodeCollector() = default;

NodeCollector::Outcome NodeCollector::run(size_t index) const {
  const Entry& entry = collectors_[index];
  State& state = states_[index];
  const auto start = std::chrono::steady_clock::now();
  Outcome outcome;
  if (start < state.absent_until) {  // still absent, as far as we know
    outcome.ok = state.absent_ok;
    return outcome;
  }
  outcome.text.reserve(state.last_size);
  try {
    Exposition out(outcome.text);
    entry.collector->collect(out);
    outcome.ok = !out.reported_no_data();
    if (out.reported_no_data() || out.reported_found_nothing()) {
      state.absent_until = start + absent_recheck_;
      state.absent_ok = outcome.ok;
    }
  } catch (const NoDataError&) {
    // the subsystem is absent here, found deep in the collector: nothing to say
    state.absent_until = start + absent_recheck_;
    state.absent_ok = false;
  } catch (const std::exception& e) {
    if (!state.failing.exchange(true)) {
      log::error("collector " + entry.name + " failed: " + e.what() +
                 " (logged once until it recovers)");
    }
  }
  if (outcome.ok && state.failing.exchange(false)) {
    log::info("collector " + entry.name + " recovered");
  }
  if (!outcome.ok) outcome.text.clear();
  state.last_size = outcome.text.size();
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

void NodeCollector::write(std::string& text) const {
  std::vector<Outcome> outcomes(collectors_.size());
  std::atomic<size_t> next{0};
  helpers_->run_everywhere([&] {
    for (size_t i; (i = next.fetch_add(1)) < collectors_.size();) outcomes[i] = run(i);
  });

  for (const auto& outcome : outcomes) text += outcome.text;
  Exposition out(text);
  {  // the second family is written aside, and follows the first when that one is complete
    FamilyBuilder duration(out, "node_scrape_collector_duration_seconds",
                           "node_exporter: Duration of a collector scrape.",
                           prometheus::MetricType::Gauge);
    FamilyBuilder success(out, "node_scrape_collector_success",
                          "node_exporter: Whether a collector succeeded.",
                          prometheus::MetricType::Gauge);
    for (size_t i = 0; i < collectors_.size(); ++i) {
      duration.add({{"collector", collectors_[i].name}}, outcomes[i].seconds);
      success.add({{"collector", collectors_[i].name}}, outcomes[i].ok ? 1.0 : 0.0);
    }
  }
}

}  // namespace sahab::agent
