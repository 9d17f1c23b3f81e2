#pragma once
// Reports to the collector with store and forward: every report interval the pending utilisation
// summaries and the changed inventory sections become one numbered batch, which is spooled to disk
// first and then sent, oldest first, until the collector acknowledges it. While the collector is
// unreachable or failing, batches wait in the spool and sending backs off exponentially with
// jitter. Wire format: docs/agent-report-format.md.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>

#include "agent/metrics/collector.h"
#include "agent/push/enrolment.h"
#include "agent/push/http_client.h"
#include "agent/push/spool.h"

namespace sahab::agent {

struct PushOptions {
  std::string collector_url;  // base URL, e.g. https://sahab.example.ma
  std::chrono::milliseconds report_interval{60'000};
  std::chrono::hours full_inventory_every{24};
  std::chrono::milliseconds max_backoff{300'000};
};

// What goes into a batch; provided by the inventory and utilisation code.
struct ReportContent {
  std::string host_id;
  // Removes and returns the summaries not yet reported (a JSON array); they are spooled next.
  std::function<nlohmann::json()> take_summaries;
  // The current inventory (`sahab-inventory/1`, every section with its hash).
  std::function<nlohmann::json()> inventory;
};

class Pusher {
 public:
  Pusher(PushOptions options, const HttpClient& client, Spool& spool, Enrolment& enrolment,
         ReportContent content);
  ~Pusher();

  void start();
  void stop();

  // One batch from what is pending, spooled. Returns its sequence number.
  std::uint64_t spool_report();
  // Sends spooled batches in order; true when the spool is empty afterwards.
  bool drain();

  std::shared_ptr<const Collector> metrics() const;

 private:
  class Metrics;
  enum class Outcome { kAcknowledged, kRejected, kRetryLater };

  nlohmann::json changed_inventory();
  nlohmann::json spool_state() const;
  Outcome send(const Spool::Batch& batch, const std::string& credential);
  void run();
  std::chrono::milliseconds next_backoff();

  PushOptions options_;
  const HttpClient& client_;
  Spool& spool_;
  Enrolment& enrolment_;
  ReportContent content_;
  std::shared_ptr<Metrics> metrics_;

  std::map<std::string, std::string> spooled_hashes_;  // section -> hash last put in a batch
  std::chrono::steady_clock::time_point last_full_inventory_{};
  bool sent_full_inventory_ = false;
  std::uint64_t next_sequence_;
  int failures_in_a_row_ = 0;
  // The backoff's jitter, used by the pusher's thread only. A member, not a thread_local: static
  // TLS is copied into every thread the process starts (45 with CivetWeb's workers), and a
  // 2.5 KB Mersenne twister there cost each of them a page (docs/benchmarks.md).
  std::minstd_rand jitter_rng_{std::random_device{}()};

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sahab::agent
