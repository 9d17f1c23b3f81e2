#include "collector/store/migration.h"

namespace sahab::collector {
namespace {

// A baseline with its host count, moving hosts and cloud cost, for the listing and one baseline.
constexpr const char* kBaselineColumns =
    "SELECT b.id, b.name, b.currency, b.approved_by, b.approved_at, count(h.host_id), "
    "coalesce(sum(CASE WHEN h.wave > 0 THEN 1 ELSE 0 END), 0), coalesce(sum(h.monthly_cost), 0) "
    "FROM baselines b LEFT JOIN baseline_hosts h ON h.baseline_id = b.id ";

Baseline baseline_of(const Statement& s) {
  return {s.integer(0), s.text(1),    s.text(2),    s.text(3),
          s.integer(4), s.integer(5), s.integer(6), s.real(7)};
}

std::optional<Baseline> one_baseline(Statement& s) {
  std::optional<Baseline> out;
  if (s.step() && !s.is_null(0)) out = baseline_of(s);
  s.reset();
  return out;
}

void insert_host(Database& db, std::int64_t baseline_id, const BaselineHost& h) {
  db.cached(
        "INSERT INTO baseline_hosts(baseline_id, host_id, hostname, wave, move_group, "
        "strategy, target, monthly_cost, on_premises_monthly_cost, region, province, commune) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(baseline_id, host_id) DO UPDATE "
        "SET hostname = excluded.hostname, wave = excluded.wave, move_group = excluded.move_group, "
        "strategy = excluded.strategy, target = excluded.target, "
        "monthly_cost = excluded.monthly_cost, "
        "on_premises_monthly_cost = excluded.on_premises_monthly_cost, region = excluded.region, "
        "province = excluded.province, commune = excluded.commune")
      .with(baseline_id, h.host_id, h.hostname, h.wave, h.move_group, h.strategy, h.target,
            h.monthly_cost, h.on_premises_monthly_cost, h.region, h.province, h.commune)
      .run();
}

// Hosts execution tracks: those in a wave, and those the plan retires in place.
constexpr const char* kTracked = "(b.wave > 0 OR b.strategy = 'retire')";

// Tracked hosts of a baseline joined with their state (waves and move groups: moving hosts only);
// the scope's column is one of three fixed names, never text from a request.
std::string statuses_sql(StatusScope scope) {
  const char* column = scope == StatusScope::kWave        ? "b.wave"
                       : scope == StatusScope::kMoveGroup ? "b.move_group"
                       : scope == StatusScope::kHost      ? "b.host_id"
                                                          : "b.strategy";
  const bool moving = scope == StatusScope::kWave || scope == StatusScope::kMoveGroup;
  return std::string(
             "SELECT b.host_id, b.hostname, b.move_group, b.wave, b.strategy, "
             "coalesce(m.state, 'planned'), coalesce(m.scheduled_for, ''), coalesce(m.note, ''), "
             "coalesce(m.changed_by, ''), coalesce(m.changed_at, 0), coalesce(m.version, 0) "
             "FROM baseline_hosts b LEFT JOIN migration_status m ON m.host_id = b.host_id "
             "WHERE b.baseline_id = ?1 AND ") +
         (moving ? "b.wave > 0" : kTracked) + " AND " + column + " = ?2 ORDER BY b.host_id";
}

}  // namespace

std::int64_t create_baseline(Database& db, const Baseline& baseline,
                             const std::vector<BaselineHost>& hosts) {
  db.cached("INSERT INTO baselines(name, currency, approved_by, approved_at) VALUES (?, ?, ?, ?)")
      .with(baseline.name, baseline.currency, baseline.approved_by, baseline.approved_at)
      .run();
  const std::int64_t id = db.last_insert_rowid();
  for (const auto& host : hosts) insert_host(db, id, host);
  return id;
}

std::vector<Baseline> list_baselines(Database& db) {
  Statement& s = db.cached(std::string(kBaselineColumns) + "GROUP BY b.id ORDER BY b.id");
  std::vector<Baseline> out;
  while (s.step()) out.push_back(baseline_of(s));
  return out;
}

std::optional<Baseline> find_baseline(Database& db, std::int64_t id) {
  return one_baseline(
      db.cached(std::string(kBaselineColumns) + "WHERE b.id = ? GROUP BY b.id").with(id));
}

std::optional<Baseline> active_baseline(Database& db) {
  return one_baseline(db.cached(std::string(kBaselineColumns) +
                                "WHERE b.id = (SELECT max(id) FROM baselines) GROUP BY b.id"));
}

std::vector<BaselineHost> baseline_hosts(Database& db, std::int64_t baseline_id) {
  Statement& s = db.cached(
                       "SELECT host_id, hostname, wave, move_group, strategy, target, "
                       "monthly_cost, on_premises_monthly_cost, region, province, commune "
                       "FROM baseline_hosts WHERE baseline_id = ? ORDER BY host_id")
                     .with(baseline_id);
  std::vector<BaselineHost> out;
  while (s.step()) {
    out.push_back({s.text(0), s.text(1), static_cast<int>(s.integer(2)), s.text(3), s.text(4),
                   s.text(5), s.real(6), s.real(7), s.text(8), s.text(9), s.text(10)});
  }
  return out;
}

void update_baseline_hosts(Database& db, std::int64_t baseline_id,
                           const std::vector<std::string>& removed,
                           const std::vector<BaselineHost>& hosts) {
  for (const auto& id : removed) {
    db.cached("DELETE FROM baseline_hosts WHERE baseline_id = ? AND host_id = ?")
        .with(baseline_id, id)
        .run();
  }
  for (const auto& host : hosts) insert_host(db, baseline_id, host);
}

std::vector<MigrationStatus> migration_statuses(Database& db, std::int64_t baseline_id,
                                                StatusScope scope, const std::string& key) {
  Statement& s = db.cached(statuses_sql(scope));
  if (scope == StatusScope::kWave) {
    s.with(baseline_id, static_cast<std::int64_t>(std::stoll(key)));
  } else {
    s.with(baseline_id, key);
  }
  std::vector<MigrationStatus> out;
  while (s.step()) {
    out.push_back({s.text(0), s.text(1), s.text(2), static_cast<int>(s.integer(3)), s.text(4),
                   s.text(5), s.text(6), s.text(7), s.text(8), s.integer(9), s.integer(10)});
  }
  return out;
}

std::int64_t record_status_change(Database& db, std::int64_t baseline_id,
                                  const std::string& host_id, const std::string& from_state,
                                  const StatusChange& c) {
  db.cached(
        "INSERT INTO migration_history(baseline_id, host_id, from_state, to_state, scheduled_for, "
        "note, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .with(baseline_id, host_id, from_state, c.to_state, c.scheduled_for, c.note, c.actor, c.at)
      .run();
  const std::int64_t version = db.last_insert_rowid();
  // A change without a date keeps the date the host was scheduled for.
  db.cached(
        "INSERT INTO migration_status(host_id, state, scheduled_for, note, changed_by, changed_at, "
        "version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(host_id) DO UPDATE SET "
        "state = excluded.state, scheduled_for = CASE WHEN excluded.scheduled_for <> '' THEN "
        "excluded.scheduled_for ELSE migration_status.scheduled_for END, note = excluded.note, "
        "changed_by = excluded.changed_by, changed_at = excluded.changed_at, "
        "version = excluded.version")
      .with(host_id, c.to_state, c.scheduled_for, c.note, c.actor, c.at, version)
      .run();
  return version;
}

std::vector<StatusHistoryEntry> status_history(Database& db, const std::string& host_id,
                                               std::int64_t limit) {
  Statement& s = db.cached(
                       "SELECT id, baseline_id, at, from_state, to_state, scheduled_for, note, "
                       "actor FROM migration_history WHERE host_id = ? ORDER BY id DESC LIMIT ?")
                     .with(host_id, limit);
  std::vector<StatusHistoryEntry> out;
  while (s.step()) {
    out.push_back({s.integer(0), s.integer(1), s.integer(2), s.text(3), s.text(4), s.text(5),
                   s.text(6), s.text(7)});
  }
  return out;
}

std::vector<WaveStateCount> wave_state_counts(Database& db, std::int64_t baseline_id) {
  Statement& s = db.cached(
                       "SELECT b.wave, coalesce(m.state, 'planned'), count(*), "
                       "coalesce(max(m.version), 0) FROM baseline_hosts b "
                       "LEFT JOIN migration_status m ON m.host_id = b.host_id "
                       "WHERE b.baseline_id = ? AND b.wave > 0 GROUP BY 1, 2 ORDER BY 1, 2")
                     .with(baseline_id);
  std::vector<WaveStateCount> out;
  while (s.step()) {
    out.push_back({static_cast<int>(s.integer(0)), s.text(1), s.integer(2), s.integer(3)});
  }
  return out;
}

std::vector<ProgressRow> progress_rows(Database& db, std::int64_t baseline_id) {
  Statement& s = db.cached(std::string("SELECT b.region, b.province, b.commune, "
                                       "coalesce(m.state, 'planned'), b.wave > 0, count(*), "
                                       "sum(b.monthly_cost), sum(b.on_premises_monthly_cost) "
                                       "FROM baseline_hosts b LEFT JOIN migration_status m "
                                       "ON m.host_id = b.host_id WHERE b.baseline_id = ? AND ") +
                           kTracked + " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5")
                     .with(baseline_id);
  std::vector<ProgressRow> out;
  while (s.step()) {
    out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, s.integer(5),
                   s.real(6), s.real(7)});
  }
  return out;
}

void link_migration_target(Database& db, const std::string& source_host,
                           const std::string& target_host, const std::string& actor,
                           std::int64_t at) {
  db.cached(
        "INSERT INTO migration_targets(source_host, target_host, linked_by, linked_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT(source_host) DO UPDATE SET "
        "target_host = excluded.target_host, linked_by = excluded.linked_by, "
        "linked_at = excluded.linked_at")
      .with(source_host, target_host, actor, at)
      .run();
}

std::map<std::string, std::string> migration_targets(Database& db) {
  Statement& s = db.cached("SELECT source_host, target_host FROM migration_targets");
  std::map<std::string, std::string> out;
  while (s.step()) out.emplace(s.text(0), s.text(1));
  return out;
}

std::optional<std::int64_t> last_change_to(Database& db, const std::string& host_id,
                                           const std::string& state) {
  Statement& s =
      db.cached("SELECT max(at) FROM migration_history WHERE host_id = ? AND to_state = ?")
          .with(host_id, state);
  std::optional<std::int64_t> out;
  if (s.step() && !s.is_null(0)) out = s.integer(0);
  s.reset();
  return out;
}

}  // namespace sahab::collector
