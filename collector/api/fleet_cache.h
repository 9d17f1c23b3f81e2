#pragma once
// The collector's one reading of its fleet for its own use: the rows read once by the fleet
// reader (fleet_export.h, planner_fleet) into the fleet document's typed form, kept while the
// fleet is unchanged and shared by the plan service and the fleet summary (Overview, Hosts).
//
// Kept per utilisation window (the two most recently used), keyed by the fleet's fingerprint
// (hosts, inventory changes, imports, enrolments: one cheap query), dropped when the fleet
// changes, and after planner.max_age, since utilisation moves without changing the fingerprint. One
// reading at a time: a request for a fleet being read waits for it instead of reading it again.
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "collector/config.h"
#include "collector/store/store.h"
#include "common/protocol/fleet.h"

namespace sahab::collector {

class FleetCache {
 public:
  struct Snapshot {
    std::string fingerprint;  // the fleet state it was read at
    std::int64_t window = 0;  // seconds of utilisation
    protocol::Fleet fleet;
    // Hosts described by their id, name, labels and utilisation alone (fleet_export.h), and why.
    std::vector<protocol::HostProblem> described_in_part;
  };

  FleetCache(Store& store, const CollectorConfig& config, std::function<std::int64_t()> now);

  // The fleet over the last `window` seconds. Throws protocol::FleetError when the stored fleet
  // is not one the planner reads.
  std::shared_ptr<const Snapshot> fleet(std::int64_t window);
  // The store's current fleet fingerprint.
  std::string fingerprint();

  static constexpr std::size_t kKept = 2;

 private:
  struct Entry {
    std::shared_ptr<const Snapshot> snapshot;
    std::chrono::steady_clock::time_point read;
  };
  std::shared_ptr<const Snapshot> kept(const std::string& fingerprint, std::int64_t window);

  Store& store_;
  const CollectorConfig& config_;
  std::function<std::int64_t()> now_;
  std::mutex reading_;  // held while a fleet is read: one at a time
  std::mutex entries_mutex_;
  std::list<Entry> entries_;  // most recently used first; at most kKept
};

}  // namespace sahab::collector
