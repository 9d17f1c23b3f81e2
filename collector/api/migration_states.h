#pragma once
// The migration lifecycle of a host (docs/execution.md): its states and the legal transitions.
//
//   planned → scheduled (needs a date) → in_progress → cut_over → validated → retired
//   with blocked and rolled_back beside them; retired is final.
//
// Hosts the plan retires have no wave and a shorter track of their own: planned → scheduled →
// retired (the server switched off where it is), with blocked beside them.
//
// The tables live here, once: the API checks every change against them, the store only records.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::collector {

enum class MigrationState {
  kPlanned,
  kScheduled,
  kInProgress,
  kCutOver,
  kValidated,
  kRetired,
  kBlocked,
  kRolledBack,
};

// Which lifecycle a tracked host follows: a move (rehost, replatform: a host in a wave) or a
// retirement in place (the plan's retire strategy, no wave).
enum class Track { kMove, kRetire };
// The track of a baseline host's strategy; nullopt for a host that is not tracked (retain).
std::optional<Track> track_of(std::string_view strategy, int wave);

// Every state, in lifecycle order (the API, the progress report and the gauges list them so).
const std::vector<MigrationState>& migration_states();
std::string_view to_string(MigrationState state);
std::optional<MigrationState> parse_migration_state(std::string_view text);

// Whether a host in `from` may go to `to`. Staying in `scheduled` is legal (a new date); staying
// in any other state is not a transition (bulk changes leave such hosts as they are).
bool legal_transition(MigrationState from, MigrationState to, Track track = Track::kMove);
// The states `from` may go to, for the 409's message and docs/execution.md.
std::vector<MigrationState> next_states(MigrationState from, Track track = Track::kMove);

// The host's move has started (in_progress, cut_over, validated, retired): adopting a new plan
// must not move it to another wave.
bool in_flight(MigrationState state);

// The host's cloud cost is committed from its cut-over on: cut_over, validated, retired.
bool cost_committed(MigrationState state);

}  // namespace sahab::collector
