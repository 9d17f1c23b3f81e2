#include "collector/api/fleet_cache.h"

#include "collector/api/fleet_export.h"
#include "collector/store/fingerprint.h"

namespace sahab::collector {

FleetCache::FleetCache(Store& store, const CollectorConfig& config,
                       std::function<std::int64_t()> now)
    : store_(store), config_(config), now_(std::move(now)) {}

std::string FleetCache::fingerprint() {
  return store_.read([](Database& db) { return fleet_fingerprint(db); });
}

std::shared_ptr<const FleetCache::Snapshot> FleetCache::kept(const std::string& fingerprint,
                                                             std::int64_t window) {
  std::lock_guard lock(entries_mutex_);
  const auto now = std::chrono::steady_clock::now();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->snapshot->fingerprint != fingerprint || it->snapshot->window != window) continue;
    if (now - it->read > config_.planner_max_age) {
      entries_.erase(it);
      return nullptr;
    }
    entries_.splice(entries_.begin(), entries_, it);
    return it->snapshot;
  }
  return nullptr;
}

std::shared_ptr<const FleetCache::Snapshot> FleetCache::fleet(std::int64_t window) {
  const std::string state = fingerprint();
  if (auto hit = kept(state, window)) return hit;
  std::lock_guard reading(reading_);
  if (auto hit = kept(state, window)) return hit;  // read by the request we waited for
  {
    // Snapshots of an older state are never asked for again: freed before the next one is read,
    // not after, so that the heap never holds both (a fleet of 100,000 hosts holds a few hundred
    // MB; the heap's high-water mark is what the RSS keeps, docs/benchmarks.md, session 11).
    std::lock_guard lock(entries_mutex_);
    entries_.remove_if([&state](const Entry& e) { return e.snapshot->fingerprint != state; });
  }
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->fingerprint = state;
  snapshot->window = window;
  const FleetWindow w = fleet_window(config_, now_(), window);
  snapshot->fleet =
      store_.read([&](Database& db) { return planner_fleet(db, w, &snapshot->described_in_part); });
  std::lock_guard lock(entries_mutex_);
  entries_.push_front({snapshot, std::chrono::steady_clock::now()});
  if (entries_.size() > kKept) entries_.pop_back();
  return snapshot;
}

}  // namespace sahab::collector
