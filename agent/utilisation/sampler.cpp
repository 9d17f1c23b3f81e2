#include "agent/utilisation/sampler.h"

#include <chrono>

#include "agent/self_metrics.h"
#include "common/log.h"

namespace sahab::agent::utilisation {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Sampler::Sampler(Paths paths, SamplerOptions options, std::function<void()> extra,
                 DurationHistogram* duration)
    : paths_(std::move(paths)),
      options_(options),
      extra_(std::move(extra)),
      duration_(duration),
      ring_(options.ring_capacity) {}

Sampler::~Sampler() { stop(); }

void Sampler::sample() {
  const auto began = std::chrono::steady_clock::now();
  auto reading = take_reading(paths_);
  {
    std::lock_guard lock(mutex_);
    const auto now = unix_now();
    if (previous_) {
      // A window starts at the baseline reading of its first sample.
      if (current_.samples == 0) current_.start = previous_wall_;
      current_.add_sample(sample_between(*previous_, reading));
    }
    previous_ = std::move(reading);
    previous_wall_ = now;
  }
  if (extra_) {
    try {
      extra_();
    } catch (const std::exception& e) {
      log::warn(std::string("sampler: ") + e.what());
    }
  }
  if (duration_) {
    duration_->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  }
}

std::optional<std::uint64_t> Sampler::close_window() {
  Summary done;
  {
    std::lock_guard lock(mutex_);
    if (current_.samples == 0) return std::nullopt;
    done = std::move(current_);
    current_ = Summary{};
  }
  done.end = unix_now();
  return ring_.push(std::move(done));
}

void Sampler::start() {
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Sampler::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    close_window();
  }
}

void Sampler::run() {
  using clock = std::chrono::steady_clock;
  auto next_sample = clock::now();
  auto next_report = next_sample + options_.report_interval;
  std::unique_lock lock(wake_mutex_);
  while (!stopping_) {
    if (wake_.wait_until(lock, next_sample, [this] { return stopping_; })) break;
    lock.unlock();
    sample();
    if (clock::now() >= next_report) {
      close_window();
      next_report += options_.report_interval;
    }
    lock.lock();
    // Fixed schedule, no drift; after a long stall (suspend), resume from now.
    next_sample += options_.sample_interval;
    if (next_sample < clock::now()) next_sample = clock::now() + options_.sample_interval;
  }
}

nlohmann::json summary_of_one_second(const Paths& paths) {
  Sampler sampler(paths, {});
  sampler.sample();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  sampler.sample();
  sampler.close_window();
  const auto summaries = sampler.ring().pending();
  return summaries.empty() ? nlohmann::json() : summaries[0].to_json();
}

}  // namespace sahab::agent::utilisation
