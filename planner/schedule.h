#pragma once
// The schedule of a plan: move groups, the dependencies cut between them, waves, and the
// constraints the schedule could not meet (what grouping and wave planning produce). Hosts and
// groups are indices into the plan's arrays.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "planner/message.h"

namespace sahab::planner {

struct MoveGroup {
  std::string id;
  // What a person calls it: its main application (else role) and commune, else its first host
  // ("etat-civil, Berrechid").
  std::string name;
  std::vector<std::uint32_t> hosts;
  int wave = 0;
};

// A dependency between two moving hosts that ended up in different move groups.
struct CutDependency {
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  double connections_per_day = 0;
  double bytes_per_day = 0;
  bool strong = false;
};

struct Wave {
  int number = 0;
  std::vector<std::uint32_t> hosts;
  std::vector<std::uint32_t> groups;
  double monthly_cost = 0;
  double one_time_cost = 0;
  double transfer_gb = 0;
  double transfer_hours = 0;  // the longest site's copy time in this wave
  std::string start, end;
  std::string after_blackout;  // the waves.blackouts period it was moved past, if any
  bool pilot = false;
  std::string environment;  // nonprod | prod | mixed
};

// A constraint the plan could not meet, or a rule it applied that an architect must know.
// `constraint` and `detail` are the historical fields; the rest say exactly what is affected,
// why it cannot be met and what would fix it.
struct Violation {
  Violation() = default;
  Violation(std::string constraint_, Message detail_)
      : constraint(std::move(constraint_)), detail(std::move(detail_)) {}
  std::string constraint;  // "dependency order", "transfer window", ...
  Message detail;
  std::string kind;                  // machine token: dependency-order, transfer-window, ...
  std::vector<std::uint32_t> hosts;  // affected hosts (fleet indices)
  std::vector<int> groups;           // affected move groups (indices into Plan::groups)
  std::vector<int> waves;            // affected waves (1-based)
  Message reason;                    // why it cannot be met
  Message fix;                       // what would make it satisfiable
};

}  // namespace sahab::planner
