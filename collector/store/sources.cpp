#include "collector/store/sources.h"

#include <nlohmann/json.hpp>

#include "collector/store/agents.h"
#include "common/bounded_json.h"

namespace sahab::collector {
namespace {

constexpr const char* kColumns =
    "SELECT id, kind, name, url, username, password_sealed, ca_file, insecure, created_by, "
    "created_at, updated_at, runs, state, started_at, finished_at, vms, hosts, errors, "
    "last_success_at, next_run_at FROM sources";

Source source_of(Statement& s) {
  const auto optional = [&s](int column) {
    return s.is_null(column) ? std::nullopt : std::optional(s.integer(column));
  };
  Source out;
  out.id = s.integer(0);
  out.config = {s.text(1), s.text(2), s.text(3),        s.text(4),
                s.text(5), s.text(6), s.integer(7) != 0};
  out.created_by = s.text(8);
  out.created_at = s.integer(9);
  out.updated_at = s.integer(10);
  out.runs = s.integer(11);
  out.run.state = s.text(12);
  out.run.started_at = optional(13);
  out.run.finished_at = optional(14);
  out.run.vms = optional(15);
  out.run.hosts = optional(16);
  const auto errors =
      bounded_json::parse_stored_or(s.text(17), "source errors", nlohmann::json::array());
  for (const auto& e : errors)
    if (e.is_string()) out.run.errors.push_back(e.get<std::string>());
  out.run.last_success_at = optional(18);
  out.run.next_run_at = optional(19);
  return out;
}

bool name_taken(Database& db, const std::string& name, std::int64_t except_id) {
  Statement& s =
      db.cached("SELECT 1 FROM sources WHERE name = ? AND id != ?").with(name, except_id);
  const bool taken = s.step();
  s.reset();
  return taken;
}

}  // namespace

std::optional<std::int64_t> create_source(Database& db, const SourceConfig& c,
                                          const std::string& actor, std::int64_t now,
                                          std::int64_t next_run_at) {
  if (name_taken(db, c.name, 0)) return std::nullopt;
  db.cached(
        "INSERT INTO sources(kind, name, url, username, password_sealed, ca_file, insecure, "
        "created_by, created_at, updated_at, next_run_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .with(c.kind, c.name, c.url, c.username, c.password_sealed, c.ca_file,
            std::int64_t{c.insecure}, actor, now, now, next_run_at)
      .run();
  const auto id = db.last_insert_rowid();
  audit(db, now, "source_create", std::nullopt, "", actor,
        "id=" + std::to_string(id) + " name=" + c.name + " url=" + c.url);
  return id;
}

std::vector<Source> list_sources(Database& db) {
  Statement& s = db.cached(std::string(kColumns) + " ORDER BY id");
  std::vector<Source> out;
  while (s.step()) out.push_back(source_of(s));
  return out;
}

std::optional<Source> find_source(Database& db, std::int64_t id) {
  Statement& s = db.cached(std::string(kColumns) + " WHERE id = ?").with(id);
  std::optional<Source> out;
  if (s.step()) out = source_of(s);
  s.reset();
  return out;
}

SourceWrite update_source(Database& db, std::int64_t id, const SourceConfig& c,
                          const std::string& actor, std::int64_t now) {
  if (!find_source(db, id)) return SourceWrite::kNotFound;
  if (name_taken(db, c.name, id)) return SourceWrite::kNameTaken;
  db.cached(
        "UPDATE sources SET kind = ?, name = ?, url = ?, username = ?, password_sealed = ?, "
        "ca_file = ?, insecure = ?, updated_at = ? WHERE id = ?")
      .with(c.kind, c.name, c.url, c.username, c.password_sealed, c.ca_file,
            std::int64_t{c.insecure}, now, id)
      .run();
  audit(db, now, "source_update", std::nullopt, "", actor,
        "id=" + std::to_string(id) + " name=" + c.name + " url=" + c.url);
  return SourceWrite::kDone;
}

bool delete_source(Database& db, std::int64_t id, const std::string& actor, std::int64_t now) {
  db.cached("DELETE FROM source_hosts WHERE source_id = ?").with(id).run();
  db.cached("DELETE FROM sources WHERE id = ?").with(id).run();
  if (db.changes() == 0) return false;
  audit(db, now, "source_delete", std::nullopt, "", actor, "id=" + std::to_string(id));
  return true;
}

std::int64_t start_source_run(Database& db, std::int64_t id, std::int64_t now) {
  db.cached("UPDATE sources SET state = 'running', runs = runs + 1, started_at = ? WHERE id = ?")
      .with(now, id)
      .run();
  Statement& s = db.cached("SELECT runs FROM sources WHERE id = ?").with(id);
  const std::int64_t run = s.step() ? s.integer(0) : 0;
  s.reset();
  return run;
}

void finish_source_run(Database& db, std::int64_t id, const SourceRun& r) {
  db.cached(
        "UPDATE sources SET state = ?, finished_at = ?, vms = ?, hosts = ?, errors = ?, "
        "last_success_at = coalesce(?, last_success_at), next_run_at = ? WHERE id = ?")
      .with(r.state, r.finished_at, r.vms, r.hosts, nlohmann::json(r.errors).dump(),
            r.last_success_at, r.next_run_at, id)
      .run();
}

void fail_interrupted_run(Database& db, std::int64_t id, std::int64_t now) {
  db.cached(
        "UPDATE sources SET state = 'failed', finished_at = ?, "
        "errors = '[\"the collector stopped during the run\"]' WHERE id = ? AND state = 'running'")
      .with(now, id)
      .run();
}

SourceSighting record_source_hosts(Database& db, std::int64_t id, std::int64_t run,
                                   const std::vector<std::string>& host_ids, std::int64_t now) {
  SourceSighting out;
  // Imports merge labels over the stored ones, so a host back in sight loses its mark here.
  Statement& back =
      db.cached("UPDATE hosts SET labels = " + db.dialect().json_remove("labels", "vmware.gone") +
                " WHERE id = ?2 "
                "AND source = 'import' AND EXISTS (SELECT 1 FROM source_hosts WHERE source_id = ?1 "
                "AND host_id = ?2 AND gone_at IS NOT NULL)");
  Statement& seen = db.cached(
      "INSERT INTO source_hosts(source_id, host_id, run) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(source_id, host_id) DO UPDATE SET run = excluded.run, gone_at = NULL");
  for (const auto& host : host_ids) {
    back.with(id, host).run();
    out.back += static_cast<std::size_t>(db.changes());
    seen.with(id, host, run).run();
  }
  std::vector<std::string>& gone = out.gone;
  Statement& missed = db.cached(
      "SELECT host_id FROM source_hosts WHERE source_id = ? AND run < ? AND gone_at IS NULL");
  missed.with(id, run);
  while (missed.step()) gone.push_back(missed.text(0));
  missed.reset();
  for (const auto& host : gone) {
    db.cached("UPDATE source_hosts SET gone_at = ? WHERE source_id = ? AND host_id = ?")
        .with(now, id, host)
        .run();
    // Imported hosts only: a host an agent took over since is the agent's.
    db.cached("UPDATE hosts SET labels = " +
              db.dialect().json_set_text("labels", "vmware.gone", "'true'") +
              " WHERE id = ? AND source = 'import'")
        .with(host)
        .run();
  }
  return out;
}

std::map<std::string, std::optional<std::int64_t>> measured_until_of_imported(
    Database& db, const std::vector<std::string>& host_ids) {
  std::map<std::string, std::optional<std::int64_t>> out;
  // The newest hour's block holds the newest end; rollups hold days past the raw retention.
  Statement& s = db.cached(
      "SELECT h.id, coalesce((SELECT max(b.last_end) FROM summary_blocks b WHERE b.host_id = h.id),"
      " (SELECT max(r.last_end) FROM rollup_blocks r WHERE r.host_id = h.id)) "
      "FROM hosts h WHERE h.id = ? AND h.source = 'import'");
  for (const auto& id : host_ids) {
    s.with(id);
    if (s.step()) {
      out[s.text(0)] = s.is_null(1) ? std::nullopt : std::optional(s.integer(1));
    }
    s.reset();
  }
  return out;
}

}  // namespace sahab::collector
