#include "agent/push/pusher.h"

#include <malloc.h>

#include "agent/metrics/metric_builder.h"
#include "common/gzip.h"
#include "common/log.h"
#include "common/protocol/report.h"
#include "common/timestamp.h"
#include "sahab/version.h"

namespace sahab::agent {
// sahab_agent_spool_* and sahab_agent_push_* for Prometheus and the alert rules.
class Pusher::Metrics : public Collector {
 public:
  explicit Metrics(const Spool& spool) : spool_(spool) {}

  std::atomic<std::uint64_t> acknowledged{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<double> last_success{0};

  void collect(Exposition& out) const override {
    const SpoolStats s = spool_.stats();
    add_gauge(out, "sahab_agent_spool_batches", "Report batches waiting in the spool.",
              static_cast<double>(s.batches));
    add_gauge(out, "sahab_agent_spool_bytes", "Bytes of report batches waiting in the spool.",
              static_cast<double>(s.bytes));
    add_gauge(out, "sahab_agent_spool_oldest_age_seconds",
              "Age of the oldest batch waiting in the spool.", s.oldest_age_seconds);
    add_counter(out, "sahab_agent_spool_dropped_total",
                "Batches dropped because the spool exceeded its size or age bound.",
                static_cast<double>(s.dropped_total));
    add_counter(out, "sahab_agent_push_acknowledged_total", "Batches the collector acknowledged.",
                static_cast<double>(acknowledged.load()));
    add_counter(out, "sahab_agent_push_rejected_total",
                "Batches the collector refused for good (HTTP 400 or 413) and that were dropped.",
                static_cast<double>(rejected.load()));
    add_counter(out, "sahab_agent_push_failures_total",
                "Push attempts that failed and will be retried.",
                static_cast<double>(failures.load()));
    add_gauge(out, "sahab_agent_push_last_success_timestamp_seconds",
              "Unix time of the last acknowledged batch.", last_success.load());
  }

 private:
  const Spool& spool_;
};

Pusher::Pusher(PushOptions options, const HttpClient& client, Spool& spool, Enrolment& enrolment,
               ReportContent content)
    : options_(std::move(options)),
      client_(client),
      spool_(spool),
      enrolment_(enrolment),
      content_(std::move(content)),
      metrics_(std::make_shared<Metrics>(spool)),
      next_sequence_(spool.highest_sequence() + 1) {}

Pusher::~Pusher() { stop(); }

std::shared_ptr<const Collector> Pusher::metrics() const { return metrics_; }

nlohmann::json Pusher::changed_inventory() {
  namespace f = protocol::report::inventory;
  nlohmann::json inventory = content_.inventory();
  const auto now = std::chrono::steady_clock::now();
  const bool full = !sent_full_inventory_ || enrolment_.take_newly_enrolled() ||
                    now - last_full_inventory_ >= options_.full_inventory_every;
  nlohmann::json sections = nlohmann::json::object();
  for (auto& [name, section] : inventory[f::kSections.name].items()) {
    const std::string hash = section.value(protocol::report::section::kHash.name, "");
    if (!full && spooled_hashes_[name] == hash) continue;
    spooled_hashes_[name] = hash;
    sections[name] = std::move(section);
  }
  if (full) {
    sent_full_inventory_ = true;
    last_full_inventory_ = now;
  }
  if (sections.empty()) return nullptr;
  inventory[f::kSections.name] = std::move(sections);
  inventory[f::kFull.name] = full;
  return inventory;
}

// What waits in the spool before this batch, for the collector's Agents page.
nlohmann::json Pusher::spool_state() const {
  namespace f = protocol::report::spool;
  const SpoolStats stats = spool_.stats();
  nlohmann::json state = {{f::kBatches.name, stats.batches},
                          {f::kBytes.name, stats.bytes},
                          {f::kDropped.name, stats.dropped_total}};
  if (stats.batches > 0) {
    state[f::kOldest.name] =
        format_rfc3339(std::time(nullptr) - static_cast<std::time_t>(stats.oldest_age_seconds));
  }
  return state;
}

std::uint64_t Pusher::spool_report() {
  const std::uint64_t sequence = next_sequence_++;
  namespace f = protocol::report::batch;
  nlohmann::json document = {{f::kFormat.name, protocol::report::kFormat},
                             {f::kHostId.name, content_.host_id},
                             {f::kSequence.name, sequence},
                             {f::kSentAt.name, format_rfc3339(std::time(nullptr))},
                             {f::kAgentVersion.name, kVersion},
                             {f::kSummaries.name, content_.take_summaries()}};
  if (auto inventory = changed_inventory(); !inventory.is_null())
    document[f::kInventory.name] = inventory;
  document[f::kSpool.name] = spool_state();
  // Process names and package fields are bytes from the system: never throw on invalid UTF-8.
  spool_.put(sequence, gzip::compress(document.dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace)));
  return sequence;
}

Pusher::Outcome Pusher::send(const Spool::Batch& batch, const std::string& credential) {
  const auto response = client_.post(options_.collector_url + "/api/v1/ingest", batch.bytes,
                                     {"Content-Type: application/json", "Content-Encoding: gzip",
                                      "Authorization: Bearer " + credential});
  const std::string what = "batch " + std::to_string(batch.sequence) + ": ";
  if (response.status == 200) return Outcome::kAcknowledged;
  if (response.status == 400 || response.status == 413) {
    log::error(what + "refused by the collector (HTTP " + std::to_string(response.status) +
               "), dropped: " + response.body);
    return Outcome::kRejected;
  }
  if (response.status == 401) {
    log::error(what + "the collector does not accept this agent's credential; enrolling again");
    enrolment_.forget();
  } else {
    log::warn(
        what + "not delivered, will retry: " +
        (response.status ? "HTTP " + std::to_string(response.status) : response.transport_error));
  }
  return Outcome::kRetryLater;
}

bool Pusher::drain() {
  while (auto batch = spool_.oldest()) {
    const auto credential = enrolment_.credential(client_);
    if (!credential) {
      ++metrics_->failures;
      return false;
    }
    switch (send(*batch, *credential)) {
      case Outcome::kAcknowledged:
        spool_.remove(batch->sequence);
        ++metrics_->acknowledged;
        metrics_->last_success = static_cast<double>(std::time(nullptr));
        failures_in_a_row_ = 0;
        break;
      case Outcome::kRejected:
        spool_.remove(batch->sequence);
        ++metrics_->rejected;
        break;
      case Outcome::kRetryLater:
        ++metrics_->failures;
        return false;
    }
  }
  failures_in_a_row_ = 0;
  return true;
}

// Exponential backoff from 1 s, capped, with "equal jitter" so a fleet that lost its collector
// at the same moment does not come back in lockstep.
std::chrono::milliseconds Pusher::next_backoff() {
  const int exponent = std::min(failures_in_a_row_++, 20);
  const double ceiling =
      std::min<double>(static_cast<double>(options_.max_backoff.count()), 1000.0 * (1 << exponent));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(ceiling * jitter(jitter_rng_)));
}

void Pusher::run() {
  using clock = std::chrono::steady_clock;
  auto next_report = clock::now() + options_.report_interval;
  auto next_attempt = clock::now();  // replay what an earlier run left in the spool
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_until(lock, std::min(next_report, next_attempt), [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    const auto now = clock::now();
    if (now >= next_report) {
      try {
        spool_report();
      } catch (const std::exception& e) {
        log::error(std::string("cannot spool a report: ") + e.what());
      }
      next_report += options_.report_interval;
      if (next_report < now) next_report = now + options_.report_interval;
      next_attempt = std::min(next_attempt, now);
    }
    if (clock::now() >= next_attempt) {
      next_attempt = drain() ? clock::time_point::max() : clock::now() + next_backoff();
    }
    // What building and sending the batch freed inside the heap goes back to the system: the
    // agent stays at its idle size between reports. (glibc keeps freed pages until asked;
    // Windows' heap decommits them itself.)
#ifdef __GLIBC__
    malloc_trim(0);
#endif
    lock.lock();
  }
}

void Pusher::start() {
  thread_ = std::thread([this] { run(); });
}

void Pusher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sahab::agent
