#pragma once
// A deterministic, realistic synthetic fleet: Moroccan regions, provinces and communes, commune
// server rooms with typical roles (état civil, GED, mail, file server, portal, database,
// accounting, intranet, printing) with regional DNS, directory and backup servers, an OS mix with
// end-of-life versions, idle and zombie servers, applications spanning several servers, regional
// shared infrastructure (DNS, directory) with a huge fan-in, uplinks from 4 to 1,000 Mbit/s, and
// data classifications. Same options, same fleet.
#include <cstddef>
#include <cstdint>

#include "planner/fleet.h"

namespace sahab::planner {

struct GeneratorOptions {
  std::size_t hosts = 100;
  std::uint64_t seed = 1;
  double edges_per_host = 5;
  std::string generated_at = "2026-11-22T10:00:00Z";
};

Fleet generate_fleet(const GeneratorOptions& options);

}  // namespace sahab::planner
