#pragma once
// Before/after validation of a migrated server (docs/execution.md#validation): what its source
// host reported before the move against what its target host reports now.
//
// Rules: every TCP or UDP port the source listened on is listened on by the target
// (`port_listening`); every service running on the source runs on the target
// (`service_running`); every dependency the source reached (an edge of the dependency data) the
// target reaches too, at its own host or at the target it moved to (`dependency_reached`); the
// target's P95 CPU and memory stay under the ceiling it was sized for (`cpu_p95`, `memory_p95`).
// A check whose `after` is false is a regression.
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "collector/api/context.h"
#include "collector/api/plan_service.h"
#include "collector/store/edges.h"

namespace sahab::collector {

struct ValidationCheck {
  std::string rule;     // port_listening | service_running | dependency_reached | cpu_p95 | ...
  std::string subject;  // "tcp/5432", "postgresql.service", "db-1:5432", "cpu"
  std::string detail;   // the process that listened or connected, "" when unknown
  bool after = false;   // true: the target has it too (or stays under the ceiling)
  // cpu_p95 and memory_p95 only: the source's P95 ratio before the move (none without data),
  // the target's now, and the ceiling the target was sized to stay under.
  std::optional<double> before_p95, after_p95, ceiling;
};

// The checks for a source's `network` and `software` sections (before) and its target's (after);
// absent sections are empty objects. Sorted by rule and subject.
std::vector<ValidationCheck> validate_move(const nlohmann::json& network_before,
                                           const nlohmann::json& software_before,
                                           const nlohmann::json& network_after,
                                           const nlohmann::json& software_after);

// dependency_reached for each host (or unresolved address) and port the source reached.
// `moved` maps migrated sources to their targets: reaching a dependency's target counts.
std::vector<ValidationCheck> validate_dependencies(const std::vector<Dependency>& before,
                                                   const std::vector<Dependency>& after,
                                                   const std::map<std::string, std::string>& moved);

// P95 ratios (0..1) of a server's CPU and memory over a window; none without data.
struct UtilisationP95 {
  std::optional<double> cpu, memory;
};
// cpu_p95 and memory_p95, for each resource the target has measured.
std::vector<ValidationCheck> validate_sizing(const UtilisationP95& before,
                                             const UtilisationP95& after, double ceiling);

// The ceiling a target's P95 should stay under: the planner sized it for the source's P95 times
// sizing.comfort_factor, so a target above 1 / comfort_factor is smaller than was planned.
double sizing_ceiling(const PlanService& plans);

struct MoveValidation {
  std::string source, target;
  std::optional<std::int64_t> before_at, after_at;  // when each reported its network
  std::vector<ValidationCheck> checks;
  std::size_t regressions() const;
  // "no_data" until both have reported their network, then "regressions" or "ok".
  std::string status() const;
};
// kFlags: only what decides the regressions (a wave's page validates each of its hosts): the
// source's P95 before the move, shown beside the target's but never deciding a flag, is not read.
enum class ValidationDetail { kFull, kFlags };
// Every rule for `source` against its linked target, read from the store; `links` is
// migration_targets(). Nullopt when either host is unknown.
std::optional<MoveValidation> validate_link(Context& ctx, const std::string& source,
                                            const std::map<std::string, std::string>& links,
                                            double ceiling,
                                            ValidationDetail detail = ValidationDetail::kFull);

// What a wave's page and the steering report show of a validation: its failed checks.
struct ValidationFlags {
  std::string target, status;
  std::size_t regressions = 0;
  std::vector<ValidationCheck> failed;
};

// The latest flags of every linked source, so a wave's page and the steering report read them
// instead of validating each host again (about 4 ms a host whose target sent a week of one-minute
// utilisation: seconds for a 500-host wave; docs/benchmarks.md). Kept current by refresh() in
// the background and by every link and every read of one host's validation. Thread-safe.
class ValidationCache {
 public:
  explicit ValidationCache(PlanService& plans) : plans_(plans) {}
  // The source's flags against its linked target in `links` (migration_targets()), validated now
  // when none are kept for that target; nullopt when it is not linked or a host is unknown.
  std::optional<ValidationFlags> flags(Context& ctx, const std::string& source,
                                       const std::map<std::string, std::string>& links);
  void keep(const MoveValidation& validation);
  // Validates every linked source again (the collector runs it every few minutes).
  void refresh(Context& ctx);

 private:
  PlanService& plans_;
  std::mutex mutex_;
  std::map<std::string, ValidationFlags> kept_;  // by source
};

// PUT /api/v1/hosts/{id}/migration/target, GET /api/v1/hosts/{id}/validation.
void register_validation_routes(http::Server& server, Context& context, PlanService& plans,
                                ValidationCache& cache);

}  // namespace sahab::collector
