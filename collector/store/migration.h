#pragma once
// Execution tracking (docs/execution.md): baselines (a plan approved as it was, stored as one row
// per host, never recomputed), the migration state of each host with its version, and the
// history of every state change. Which changes are legal is decided by the API
// (collector/api/migration_states.h); this file only reads and writes rows.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

// One host of a baseline as the plan had it when the baseline was approved (or its wave adopted).
struct BaselineHost {
  std::string host_id, hostname;
  int wave = 0;            // 1-based; 0: does not move
  std::string move_group;  // "" when it does not move
  std::string strategy, target;
  double monthly_cost = 0, on_premises_monthly_cost = 0;  // the baseline's currency
  std::string region, province, commune;
};

struct Baseline {
  std::int64_t id = 0;
  std::string name, currency, approved_by;
  std::int64_t approved_at = 0;
  // Filled by the readers: the baseline's hosts, moving hosts and monthly cloud cost.
  std::int64_t hosts = 0, moving_hosts = 0;
  double monthly_cost = 0;
};

// Stores a baseline and its hosts; returns its id.
std::int64_t create_baseline(Database& db, const Baseline& baseline,
                             const std::vector<BaselineHost>& hosts);
std::vector<Baseline> list_baselines(Database& db);  // oldest first
std::optional<Baseline> find_baseline(Database& db, std::int64_t id);
// The baseline execution is tracked against: the newest one.
std::optional<Baseline> active_baseline(Database& db);
std::vector<BaselineHost> baseline_hosts(Database& db, std::int64_t baseline_id);
// Adopting a wave: removes `removed` host ids from the baseline and writes `hosts` over theirs.
void update_baseline_hosts(Database& db, std::int64_t baseline_id,
                           const std::vector<std::string>& removed,
                           const std::vector<BaselineHost>& hosts);

// A tracked host of a baseline (one with a wave, or one the plan retires) with its migration
// state; hosts never changed are "planned" with version 0.
struct MigrationStatus {
  std::string host_id, hostname, move_group;
  int wave = 0;  // 0: retired in place
  std::string strategy;
  std::string state = "planned";
  std::string scheduled_for;  // YYYY-MM-DD, "" before the host was first scheduled
  std::string note, changed_by;
  std::int64_t changed_at = 0;
  std::int64_t version = 0;  // id of the host's last history entry
};

// The tracked hosts of a baseline in one wave, one move group, the one host (with a wave or
// retired by the plan), or those of one strategy ("retire": the retirements in place), by host id.
enum class StatusScope { kWave, kMoveGroup, kHost, kStrategy };
std::vector<MigrationStatus> migration_statuses(Database& db, std::int64_t baseline_id,
                                                StatusScope scope, const std::string& key);

struct StatusChange {
  std::string to_state, scheduled_for, note, actor;
  std::int64_t at = 0;
};
// Moves one host from `from_state` to the change's state: a history entry, and the host's status
// with the entry's id as its new version (returned). The caller has checked the transition.
std::int64_t record_status_change(Database& db, std::int64_t baseline_id,
                                  const std::string& host_id, const std::string& from_state,
                                  const StatusChange& change);

struct StatusHistoryEntry {
  std::int64_t id = 0, baseline_id = 0, at = 0;
  std::string from_state, to_state, scheduled_for, note, actor;
};
// A host's changes, newest first, at most `limit`.
std::vector<StatusHistoryEntry> status_history(Database& db, const std::string& host_id,
                                               std::int64_t limit);

// Tracked hosts of a baseline counted by wave and state, with each wave's version (the largest
// of its hosts').
struct WaveStateCount {
  int wave = 0;
  std::string state;
  std::int64_t hosts = 0;
  std::int64_t version = 0;
};
std::vector<WaveStateCount> wave_state_counts(Database& db, std::int64_t baseline_id);

// Tracked hosts of a baseline by place, track and state, with their baseline costs summed: what
// the progress report and the sahab_migration_* gauges are folded from.
struct ProgressRow {
  std::string region, province, commune, state;
  bool moving = true;  // in a wave; false: retired in place
  std::int64_t hosts = 0;
  double monthly_cost = 0, on_premises_monthly_cost = 0;
};
std::vector<ProgressRow> progress_rows(Database& db, std::int64_t baseline_id);

// The host a source server reports from after its move (before/after validation).
void link_migration_target(Database& db, const std::string& source_host,
                           const std::string& target_host, const std::string& actor,
                           std::int64_t at);
// Every link, source -> target: a wave's page and the steering report validate many hosts, and
// a dependency that moved too counts as reached at its target.
std::map<std::string, std::string> migration_targets(Database& db);
// When the host last went to `state` (the start of its move for in_progress), if it ever did.
std::optional<std::int64_t> last_change_to(Database& db, const std::string& host_id,
                                           const std::string& state);

}  // namespace sahab::collector
