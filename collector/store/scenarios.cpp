#include "collector/store/scenarios.h"

namespace sahab::collector {
namespace {

constexpr const char* kColumns =
    "SELECT name, description, parameters, created_by, created_at, updated_by, updated_at "
    "FROM scenarios ";

Scenario scenario_of(const Statement& s) {
  return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(5), s.integer(4), s.integer(6)};
}

}  // namespace

bool valid_scenario_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ' ' || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<Scenario> list_scenarios(Database& db) {
  std::vector<Scenario> out;
  Statement& s = db.cached(std::string(kColumns) + "ORDER BY name");
  while (s.step()) out.push_back(scenario_of(s));
  return out;
}

std::optional<Scenario> find_scenario(Database& db, const std::string& name) {
  Statement& s = db.cached(std::string(kColumns) + "WHERE name = ?").with(name);
  std::optional<Scenario> out;
  if (s.step()) out = scenario_of(s);
  s.reset();
  return out;
}

bool save_scenario(Database& db, const Scenario& x) {
  const bool exists = find_scenario(db, x.name).has_value();
  db.cached(
        "INSERT INTO scenarios(name, description, parameters, created_by, created_at, updated_by, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5) ON CONFLICT(name) DO UPDATE SET "
        "description = excluded.description, parameters = excluded.parameters, "
        "updated_by = excluded.updated_by, updated_at = excluded.updated_at")
      .with(x.name, x.description, x.parameters, x.updated_by, x.updated_at)
      .run();
  return !exists;
}

bool delete_scenario(Database& db, const std::string& name) {
  db.cached("DELETE FROM scenarios WHERE name = ?").with(name).run();
  return db.changes() > 0;
}

}  // namespace sahab::collector
