#include "collector/store/import_history.h"

namespace sahab::collector {
namespace {

constexpr const char* kEntryColumns =
    "id, at, actor, file_name, sha256, format, created, updated, unchanged, skipped, failed, "
    "rolled_back_at, coalesce(rolled_back_by, '')";

ImportEntry entry_of(const Statement& s) {
  ImportEntry e{s.integer(0),
                s.integer(1),
                s.text(2),
                s.text(3),
                s.text(4),
                s.text(5),
                {s.integer(6), s.integer(7), s.integer(8), s.integer(9), s.integer(10)},
                std::nullopt,
                s.text(12)};
  if (!s.is_null(11)) e.rolled_back_at = s.integer(11);
  return e;
}

// The hosts of import `id` that a later import still in force changed too, or that an agent
// reports now although the import created them.
std::vector<std::string> conflicts(Database& db, std::int64_t id) {
  Statement& s = db.cached(
                       "SELECT DISTINCT c.host_id FROM import_changes c WHERE c.import_id = ?1 AND "
                       "(EXISTS (SELECT 1 FROM import_changes l JOIN imports i ON i.id = "
                       "l.import_id WHERE l.host_id = c.host_id AND l.import_id > ?1 AND "
                       "i.rolled_back_at IS NULL) OR (c.action = 'create' AND EXISTS (SELECT 1 "
                       "FROM hosts h WHERE h.id = c.host_id AND h.source = 'agent'))) "
                       "ORDER BY c.host_id")
                     .with(id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

}  // namespace

std::int64_t record_import(Database& db, const ImportEntry& e) {
  db.cached(
        "INSERT INTO imports(at, actor, file_name, sha256, format, created, updated, unchanged, "
        "skipped, failed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .with(e.at, e.actor, e.file_name, e.sha256, e.format, e.counts.created, e.counts.updated,
            e.counts.unchanged, e.counts.skipped, e.counts.failed)
      .run();
  return db.last_insert_rowid();
}

void record_import_change(Database& db, std::int64_t import_id, const std::string& host_id,
                          const std::optional<StoredHost>& prior) {
  db.cached(
        "INSERT INTO import_changes(import_id, host_id, action, prior_hostname, prior_labels, "
        "prior_imported) VALUES (?, ?, ?, ?, ?, ?)")
      .with(import_id, host_id, prior ? "update" : "create",
            prior ? std::optional(prior->hostname) : std::nullopt,
            prior ? std::optional(prior->labels_json) : std::nullopt,
            prior ? prior->imported_json : std::nullopt)
      .run();
}

std::vector<ImportEntry> list_imports(Database& db, std::int64_t limit) {
  Statement& s =
      db.cached("SELECT " + std::string(kEntryColumns) + " FROM imports ORDER BY id DESC LIMIT ?")
          .with(limit);
  std::vector<ImportEntry> out;
  while (s.step()) out.push_back(entry_of(s));
  return out;
}

std::optional<ImportEntry> find_import(Database& db, std::int64_t id) {
  Statement& s =
      db.cached("SELECT " + std::string(kEntryColumns) + " FROM imports WHERE id = ?").with(id);
  std::optional<ImportEntry> out;
  if (s.step()) out = entry_of(s);
  s.reset();
  return out;
}

std::vector<ImportChange> import_changes(Database& db, std::int64_t id) {
  Statement& s =
      db.cached("SELECT host_id, action FROM import_changes WHERE import_id = ? ORDER BY host_id")
          .with(id);
  std::vector<ImportChange> out;
  while (s.step()) out.push_back({s.text(0), s.text(1)});
  return out;
}

Rollback rollback_import(Database& db, std::int64_t id, const std::string& actor,
                         std::int64_t now) {
  const auto entry = find_import(db, id);
  if (!entry) return {Rollback::Outcome::kNotFound, {}};
  if (entry->rolled_back_at) return {Rollback::Outcome::kAlreadyRolledBack, {}};
  if (auto hosts = conflicts(db, id); !hosts.empty())
    return {Rollback::Outcome::kConflict, std::move(hosts)};
  Rollback done;
  // Declared connections of a removed host go with it, either end.
  db.cached(
        "DELETE FROM edges WHERE direction = 'declared' AND (source_host IN (SELECT host_id FROM "
        "import_changes WHERE import_id = ?1 AND action = 'create') OR target_host IN (SELECT "
        "host_id FROM import_changes WHERE import_id = ?1 AND action = 'create'))")
      .with(id)
      .run();
  db.cached(
        "DELETE FROM hosts WHERE source = 'import' AND id IN (SELECT host_id FROM import_changes "
        "WHERE import_id = ? AND action = 'create')")
      .with(id)
      .run();
  done.removed = db.changes();
  // An agent host keeps its own name and labels (its agent reports them): only what the import
  // filled in is restored.
  db.cached(
        "UPDATE hosts SET hostname = CASE WHEN source = 'import' THEN c.prior_hostname ELSE "
        "hostname END, labels = CASE WHEN source = 'import' THEN c.prior_labels ELSE labels END, "
        "imported = c.prior_imported FROM (SELECT host_id, prior_hostname, prior_labels, "
        "prior_imported FROM import_changes WHERE import_id = ? AND action = 'update') AS c "
        "WHERE hosts.id = c.host_id")
      .with(id)
      .run();
  done.restored = db.changes();
  db.cached("UPDATE imports SET rolled_back_at = ?, rolled_back_by = ? WHERE id = ?")
      .with(now, actor, id)
      .run();
  return done;
}

}  // namespace sahab::collector
