#include "agent/metrics_endpoint.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "agent/metrics/node_collector.h"
#include "common/prometheus_text.h"

namespace sahab::agent {

// Runs jobs one after the other on one thread.
class MetricsEndpoint::Thread {
 public:
  Thread() : thread_([this] { run(); }) {}
  ~Thread() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  http::Response call(const std::function<http::Response()>& job) {
    // Shared: the job owns the task until it has run, whenever the caller stops waiting.
    auto task = std::make_shared<std::packaged_task<http::Response()>>(job);
    auto result = task->get_future();
    {
      std::lock_guard lock(mutex_);
      jobs_.emplace_back([task] { (*task)(); });
    }
    wake_.notify_one();
    return result.get();  // rethrows what the job threw
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

MetricsEndpoint::MetricsEndpoint() : thread_(std::make_unique<Thread>()) {}

MetricsEndpoint::~MetricsEndpoint() = default;

void MetricsEndpoint::add(std::shared_ptr<const NodeCollector> node) {
  nodes_.push_back(std::move(node));
}

void MetricsEndpoint::add(std::shared_ptr<const Collector> source) {
  sources_.push_back(std::move(source));
}

http::Response MetricsEndpoint::serve() const {
  return thread_->call([this] { return collect(); });
}

http::Response MetricsEndpoint::collect() const {
  http::Response response;
  response.content_type = metrics::kTextContentType;
  response.body.reserve(last_size_ + last_size_ / 8);
  for (const auto& node : nodes_) node->write(response.body);
  Exposition out(response.body);
  for (const auto& source : sources_) source->collect(out);
  last_size_ = response.body.size();
  return response;
}

}  // namespace sahab::agent
