#include "collector/api/migration_states.h"

#include <algorithm>
#include <array>
#include <utility>

namespace sahab::collector {
namespace {

using S = MigrationState;

constexpr std::array<std::pair<S, std::string_view>, 8> kNames = {{
    {S::kPlanned, "planned"},
    {S::kScheduled, "scheduled"},
    {S::kInProgress, "in_progress"},
    {S::kCutOver, "cut_over"},
    {S::kValidated, "validated"},
    {S::kRetired, "retired"},
    {S::kBlocked, "blocked"},
    {S::kRolledBack, "rolled_back"},
}};

// From → the states it may go to. A validation that fails after the cut-over rolls the host back;
// a blocked host resumes where the work can (planned, a new date, or the move itself); a rolled
// back host is planned or scheduled again. Nothing leaves retired: the source server is gone.
struct Transitions {
  S from;
  std::vector<S> to;
};
const std::vector<Transitions>& table() {
  static const std::vector<Transitions> transitions = {
      {S::kPlanned, {S::kScheduled, S::kBlocked}},
      {S::kScheduled, {S::kPlanned, S::kScheduled, S::kInProgress, S::kBlocked}},
      {S::kInProgress, {S::kCutOver, S::kBlocked, S::kRolledBack}},
      {S::kCutOver, {S::kValidated, S::kRolledBack}},
      {S::kValidated, {S::kRetired, S::kRolledBack}},
      {S::kRetired, {}},
      {S::kBlocked, {S::kPlanned, S::kScheduled, S::kInProgress}},
      {S::kRolledBack, {S::kPlanned, S::kScheduled, S::kBlocked}},
  };
  return transitions;
}

// A retirement in place: scheduled for a switch-off date, then switched off; nothing moves, so
// there is no cut-over to validate or roll back.
const std::vector<Transitions>& retire_table() {
  static const std::vector<Transitions> transitions = {
      {S::kPlanned, {S::kScheduled, S::kRetired, S::kBlocked}},
      {S::kScheduled, {S::kPlanned, S::kScheduled, S::kRetired, S::kBlocked}},
      {S::kBlocked, {S::kPlanned, S::kScheduled}},
  };
  return transitions;
}

}  // namespace

const std::vector<MigrationState>& migration_states() {
  static const std::vector<MigrationState> states = [] {
    std::vector<MigrationState> out;
    for (const auto& [state, name] : kNames) out.push_back(state);
    return out;
  }();
  return states;
}

std::string_view to_string(MigrationState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "planned";
}

std::optional<MigrationState> parse_migration_state(std::string_view text) {
  for (const auto& [state, name] : kNames) {
    if (name == text) return state;
  }
  return std::nullopt;
}

std::optional<Track> track_of(std::string_view strategy, int wave) {
  if (wave > 0) return Track::kMove;
  if (strategy == "retire") return Track::kRetire;
  return std::nullopt;
}

std::vector<MigrationState> next_states(MigrationState from, Track track) {
  for (const auto& row : track == Track::kMove ? table() : retire_table()) {
    if (row.from == from) return row.to;
  }
  return {};
}

bool legal_transition(MigrationState from, MigrationState to, Track track) {
  const auto next = next_states(from, track);
  return std::find(next.begin(), next.end(), to) != next.end();
}

bool in_flight(MigrationState state) { return state == S::kInProgress || cost_committed(state); }

bool cost_committed(MigrationState state) {
  return state == S::kCutOver || state == S::kValidated || state == S::kRetired;
}

}  // namespace sahab::collector
