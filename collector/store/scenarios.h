#pragma once
// Named planning scenarios: a description and a partial planner.yaml (JSON) each, saved by
// planners and admins through /api/v1/scenarios.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

struct Scenario {
  std::string name;
  std::string description;
  std::string parameters;  // JSON object text, validated before it was saved
  std::string created_by, updated_by;
  std::int64_t created_at = 0, updated_at = 0;
};

// Names: 1 to 64 of [A-Za-z0-9 ._-].
bool valid_scenario_name(const std::string& name);

std::vector<Scenario> list_scenarios(Database& db);
std::optional<Scenario> find_scenario(Database& db, const std::string& name);
// Creates or replaces; keeps created_by/created_at of an existing one. true when created.
bool save_scenario(Database& db, const Scenario& scenario);
// false when there was no such scenario.
bool delete_scenario(Database& db, const std::string& name);

}  // namespace sahab::collector
