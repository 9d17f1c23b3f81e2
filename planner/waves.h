#pragma once
// Wave planning (Azure auto wave planning, AWS prescriptive guidance): pilot waves of a few
// low-risk dev/test servers; dev/test before prod and never mixed; a dependency target in the
// same or an earlier wave; high criticality not in the first waves; a host cap that ramps up,
// bounded by team capacity; each site's uplink copy time within the wave's transfer window.
//
// Formulation: dependency order and environment order are hard. Groups in one dependency cycle
// (a strongly connected component of the group graph) must share a wave, so the components are
// the units scheduled; dev/test units depend only on dev/test units (a dev/test host's use of a
// prod server does not order waves), so a topological list schedule of the condensed graph, dev/
// test phase first, always meets both. Capacity (the ramping cap), per-site transfer windows,
// pilot rules and high criticality are met by the list schedule whenever a unit can fit at all;
// a unit that cannot (a cycle or group larger than any wave, a copy longer than any window) is
// placed alone and reported with the reason and the fix. Light dependencies (no strong edge,
// `strong` lists the others; nullptr = all strong) inside a cycle larger than any wave are
// relaxed: they cannot all be respected, the strong ones are, and the light ones that end up
// crossing waves backwards are reported per cycle (kind light-dependency: hybrid connectivity). A
// compaction pass then pulls units into earlier waves with room, which never breaks an order
// constraint. Every report is recomputed from the final assignment, so the violations list is the
// truth about the schedule.
#include <cstdint>
#include <string>
#include <vector>

#include "planner/config.h"
#include "planner/schedule.h"

namespace sahab::planner {

struct WaveGroup {
  std::vector<std::uint32_t> hosts;
  bool nonprod = false;
  bool mixed_environment = false;
  bool high_criticality = false;
};

struct WaveHost {
  std::uint32_t site = 0;  // hosts of one site share its uplink
  double transfer_hours = 0;
  // For explanations only.
  std::string name;       // hostname
  std::string site_name;  // commune
  double transfer_gb = 0;
  double uplink_mbps = 0;
};

struct WaveSchedule {
  std::vector<int> wave_of_group;  // 1-based
  int waves = 0;
  int pilot_waves = 0;  // waves 1..pilot_waves are pilots
  std::vector<Violation> violations;
};

WaveSchedule schedule_waves(const std::vector<WaveGroup>& groups,
                            const std::vector<WaveHost>& hosts,
                            const std::vector<std::pair<int, int>>& dependencies,
                            const PlannerConfig& config,
                            const std::vector<std::pair<int, int>>* strong = nullptr);

// Host cap of wave `number` (1-based) given how many pilot waves there were.
int wave_cap(const PlannerConfig& config, int number, int pilot_waves);
double transfer_window_hours(const PlannerConfig& config);
// "YYYY-MM-DD" plus days.
std::string add_days(const std::string& date, int days);

struct WaveDates {
  std::string start, end;      // first and last day, YYYY-MM-DD
  std::string after_blackout;  // the blackout period the wave was moved past, if any
};
// The calendar of `count` waves of waves.length_days each, back to back from waves.start_date,
// none overlapping a waves.blackouts period: a wave that would starts the day after it.
std::vector<WaveDates> wave_calendar(const PlannerConfig& config, int count);

}  // namespace sahab::planner
