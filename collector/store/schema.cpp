#include "collector/store/schema.h"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "collector/store/summary_blocks.h"
#include "common/bounded_json.h"
#include "common/log.h"

namespace sahab::collector {
namespace {

// Moves the rows of a table of migration 1 (summaries or rollups: one row per host, metric and
// period, the sketch as JSON) into blocks of `table`, host by host (rows come in primary-key
// order, so one host's blocks are in memory at a time), then drops the old table.
void move_into_blocks(Database& db, const std::string& old_table, BlockTable table) {
  const bool rollups = table == BlockTable::kRollups;
  Statement& rows = db.cached(
      rollups ? "SELECT host_id, metric, day, day + 86400, summaries, count, mean, max, sketch "
                "FROM rollups ORDER BY host_id, metric, day"
              : "SELECT host_id, metric, start, \"end\", 1, count, mean, max, sketch "
                "FROM summaries ORDER BY host_id, metric, start");
  std::string host;
  std::map<std::int64_t, std::vector<SummaryEntry>> blocks;
  const auto flush = [&] {
    for (const auto& [start, entries] : blocks) write_block(db, table, host, start, entries);
    blocks.clear();
  };
  while (rows.step()) {
    if (rows.text(0) != host) {
      flush();
      host = rows.text(0);
    }
    SummaryEntry e{rows.text(1),    rows.integer(2), rows.integer(3), rows.integer(4),
                   rows.integer(5), rows.real(6),    rows.real(7),    {}};
    try {
      e.sketch = Sketch::from_json(
          bounded_json::parse_stored_or(rows.text(8), "sketch", nlohmann::json::object()));
    } catch (const std::invalid_argument& bad) {
      log::warn("store: " + old_table + " of host " + host + " at " + std::to_string(e.start) +
                " kept without its sketch: " + bad.what());
    }
    blocks[block_start(table, e.start)].push_back(std::move(e));
  }
  rows.reset();
  flush();
  db.exec("DROP TABLE " + old_table);
}

// 9: utilisation in blocks (docs/storage.md), about ten times smaller than JSON sketches in a
// row per metric and minute (issue 17, docs/benchmarks.md "Store size").
void move_utilisation_into_blocks(Database& db) {
  move_into_blocks(db, "summaries", BlockTable::kSummaries);
  move_into_blocks(db, "rollups", BlockTable::kRollups);
}

// 12: PostgreSQL would try to compress every block before moving it out of line (TOAST), and
// blocks are deflated already: EXTERNAL moves them out of line as they are.
void store_blocks_as_they_are(Database& db) {
  if (db.dialect().is_sqlite()) return;
  db.exec("ALTER TABLE summary_blocks ALTER COLUMN data SET STORAGE EXTERNAL");
  db.exec("ALTER TABLE rollup_blocks ALTER COLUMN data SET STORAGE EXTERNAL");
}

struct Migration {
  const char* sql;
  void (*then)(Database&) = nullptr;  // moves data the SQL alone cannot
};

// Append new migrations at the end; never edit one that has shipped.
constexpr std::array<Migration, 13> kMigrations = {{
    {// 1: hosts, agents and their credentials, audit, batches, inventory, utilisation, edges.
     R"sql(
CREATE TABLE hosts (
  id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL DEFAULT '',
  labels TEXT NOT NULL DEFAULT '{}',       -- JSON object of strings
  source TEXT NOT NULL,                    -- 'agent' or 'import'
  state TEXT NOT NULL DEFAULT 'active',    -- 'active', 'stale' (agents), 'imported'
  first_seen INTEGER NOT NULL,             -- unix seconds
  last_seen INTEGER NOT NULL,
  address TEXT,                            -- source address of the last push
  imported TEXT                            -- sahab-fleet/1 host object, for imported hosts
) WITHOUT ROWID;
CREATE INDEX hosts_by_state ON hosts(state);
CREATE INDEX hosts_by_hostname ON hosts(hostname);

CREATE TABLE agents (
  id INTEGER PRIMARY KEY,
  host_id TEXT NOT NULL,
  credential_sha256 TEXT NOT NULL UNIQUE,  -- hex SHA-256 of the credential; never the credential
  created_at INTEGER NOT NULL,
  created_from TEXT
);
CREATE INDEX agents_by_host ON agents(host_id);

CREATE TABLE revocations (
  agent_id INTEGER PRIMARY KEY REFERENCES agents(id),
  revoked_at INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT ''
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  action TEXT NOT NULL,                    -- 'enrol', 'revoke', 'import'
  agent_id INTEGER,
  host_id TEXT,
  actor TEXT NOT NULL,                     -- remote address
  detail TEXT NOT NULL DEFAULT ''
);

CREATE TABLE batches (
  host_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  summaries INTEGER NOT NULL,
  PRIMARY KEY (host_id, sequence)
) WITHOUT ROWID;

CREATE TABLE inventory_current (
  host_id TEXT NOT NULL,
  section TEXT NOT NULL,
  hash TEXT NOT NULL,
  data TEXT NOT NULL,                      -- JSON
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (host_id, section)
) WITHOUT ROWID;

CREATE TABLE inventory_changes (
  id INTEGER PRIMARY KEY,
  host_id TEXT NOT NULL,
  section TEXT NOT NULL,
  at INTEGER NOT NULL,
  old_hash TEXT,
  new_hash TEXT NOT NULL,
  changed TEXT NOT NULL                    -- JSON array of top-level fields that changed
);
CREATE INDEX inventory_changes_by_host ON inventory_changes(host_id, at);

CREATE TABLE host_addresses (
  address TEXT NOT NULL,
  host_id TEXT NOT NULL,
  PRIMARY KEY (address, host_id)
) WITHOUT ROWID;

CREATE TABLE summaries (
  host_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,                  -- quoted: a reserved word in PostgreSQL
  count INTEGER NOT NULL,
  mean REAL NOT NULL,
  max REAL NOT NULL,
  sketch TEXT NOT NULL,                    -- common/sketch.h JSON
  PRIMARY KEY (host_id, metric, start)
) WITHOUT ROWID;

CREATE TABLE rollups (
  host_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  day INTEGER NOT NULL,                    -- unix seconds of 00:00 UTC
  summaries INTEGER NOT NULL,              -- how many summaries were merged
  count INTEGER NOT NULL,
  mean REAL NOT NULL,
  max REAL NOT NULL,
  sketch TEXT NOT NULL,
  PRIMARY KEY (host_id, metric, day)
) WITHOUT ROWID;

CREATE TABLE rollup_pending (
  host_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  PRIMARY KEY (host_id, day)
) WITHOUT ROWID;

CREATE TABLE edges (
  source_host TEXT NOT NULL,
  direction TEXT NOT NULL,                 -- 'outbound', 'inbound' or 'declared' (import)
  remote_address TEXT NOT NULL,
  remote_port INTEGER NOT NULL,            -- outbound: the service port; inbound: 0
  local_port INTEGER NOT NULL DEFAULT 0,   -- inbound: the service port; outbound: 0
  process TEXT NOT NULL DEFAULT '',
  count INTEGER NOT NULL DEFAULT 1,
  target_host TEXT,                        -- set by import; agents' edges resolve via host_addresses
  bytes_per_day REAL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (source_host, direction, remote_address, remote_port, local_port)
) WITHOUT ROWID;
)sql"},
    // 2: named planning scenarios (/api/v1/scenarios).
    {R"sql(
CREATE TABLE scenarios (
  name TEXT PRIMARY KEY,                   -- [A-Za-z0-9 ._-]{1,64}
  description TEXT NOT NULL DEFAULT '',
  parameters TEXT NOT NULL,                -- JSON: a partial planner.yaml, validated when saved
  created_by TEXT NOT NULL,                -- web UI user, or 'api-token'
  created_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    // 3: enrolment tokens made in the web UI or the API (beside --enrolment-token-file): only their
    // SHA-256 is kept, like agent credentials.
    {R"sql(
CREATE TABLE enrolment_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,       -- hex SHA-256 of the token; never the token
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,             -- unix seconds
  expires_at INTEGER,                      -- NULL: never expires
  revoked_at INTEGER,
  last_used_at INTEGER,
  uses INTEGER NOT NULL DEFAULT 0
);
)sql"},
    // 4: enrolments that need an administrator: under the id of a host that already has a live
    // credential, or of an imported host. The agent proves it is the requester with a secret it
    // chose (only its SHA-256 is kept) and collects its credential once the request is approved.
    {R"sql(
CREATE TABLE enrolment_requests (
  id INTEGER PRIMARY KEY,
  host_id TEXT NOT NULL,
  hostname TEXT NOT NULL DEFAULT '',
  secret_sha256 TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the agent's request_secret
  reason TEXT NOT NULL,                    -- 'host_enrolled' or 'imported_host'
  state TEXT NOT NULL DEFAULT 'pending',   -- 'pending', 'approved', 'rejected', 'collected'
  requested_at INTEGER NOT NULL,           -- unix seconds
  requested_from TEXT NOT NULL,            -- client address
  last_attempt_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 1,
  decided_at INTEGER,
  decided_by TEXT,
  agent_id INTEGER                         -- the credential issued when collected
);
CREATE INDEX enrolment_requests_by_state ON enrolment_requests(state, id);
)sql"},
    // 5: execution tracking (docs/execution.md): approved baselines of the plan, one row per host
    // of each (its wave, move group, target and costs as approved), the migration state of each
    // host, every state change, and the target host each migrated server reports from.
    {R"sql(
CREATE TABLE baselines (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  currency TEXT NOT NULL,                  -- the plan's (MAD unless planner.yaml says otherwise)
  approved_by TEXT NOT NULL,               -- web UI user, or 'api-token'
  approved_at INTEGER NOT NULL             -- unix seconds
);
CREATE TABLE baseline_hosts (
  baseline_id INTEGER NOT NULL REFERENCES baselines(id),
  host_id TEXT NOT NULL,
  hostname TEXT NOT NULL DEFAULT '',
  wave INTEGER NOT NULL,                   -- 1-based; 0: the host does not move
  move_group TEXT NOT NULL DEFAULT '',     -- the plan's group id ('g-3'); '' when it does not move
  strategy TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',         -- provider/instance, or provider/managed service
  monthly_cost REAL NOT NULL,              -- cloud, plan currency
  on_premises_monthly_cost REAL NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  province TEXT NOT NULL DEFAULT '',
  commune TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (baseline_id, host_id)
) WITHOUT ROWID;
CREATE INDEX baseline_hosts_by_wave ON baseline_hosts(baseline_id, wave);
CREATE INDEX baseline_hosts_by_group ON baseline_hosts(baseline_id, move_group);
-- A host's state follows the host, not a baseline: approving a new baseline keeps it.
CREATE TABLE migration_status (
  host_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,                     -- planned, scheduled, in_progress, cut_over, ...
  scheduled_for TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD of the last 'scheduled'
  note TEXT NOT NULL DEFAULT '',
  changed_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  version INTEGER NOT NULL                 -- migration_history.id of the last change
) WITHOUT ROWID;
CREATE TABLE migration_history (
  id INTEGER PRIMARY KEY,
  baseline_id INTEGER NOT NULL,
  host_id TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  scheduled_for TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX migration_history_by_host ON migration_history(host_id, id);
-- The host a migrated server reports from once moved (its agent installed on the target).
CREATE TABLE migration_targets (
  source_host TEXT PRIMARY KEY,
  target_host TEXT NOT NULL,
  linked_by TEXT NOT NULL,
  linked_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    // 6: each web UI user's preferences (PUT /api/v1/me/preferences), kept across browsers.
    {R"sql(
CREATE TABLE user_preferences (
  "user" TEXT PRIMARY KEY,                 -- a ui.users name (quoted: reserved in PostgreSQL)
  language TEXT NOT NULL,                  -- a web UI language code: fr, ar, en, zgh
  updated_at INTEGER NOT NULL              -- unix seconds
) WITHOUT ROWID;
)sql"},
    // 7: discovery sources (vCenter): how to reach each, its password sealed with the key file's
    // key (collector/sources/secret_box.h), its last run; and which hosts each run saw, so that a
    // VM gone from its vCenter is marked rather than deleted.
    {R"sql(
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                      -- 'vcenter'
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  username TEXT NOT NULL,
  password_sealed TEXT NOT NULL,           -- AES-256-GCM under the key file; never the password
  ca_file TEXT NOT NULL DEFAULT '',
  insecure INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,             -- unix seconds
  updated_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'idle',      -- 'idle', 'running', 'ok', 'failed'
  runs INTEGER NOT NULL DEFAULT 0,         -- runs started: the mark of the hosts each run saw
  started_at INTEGER,
  finished_at INTEGER,
  vms INTEGER,
  hosts INTEGER,
  errors TEXT NOT NULL DEFAULT '[]',       -- JSON array of the last run's messages
  last_success_at INTEGER,
  next_run_at INTEGER
);
CREATE TABLE source_hosts (
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  host_id TEXT NOT NULL,
  run INTEGER NOT NULL,                    -- the source's run that last saw it
  gone_at INTEGER,                         -- when a run first missed it
  PRIMARY KEY (source_id, host_id)
) WITHOUT ROWID;
)sql"},
    // 8: import history (/api/v1/imports): who imported which file, what it did to each host
    // and the host as it was before, so that an import can be rolled back.
    {R"sql(
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,                     -- unix seconds
  actor TEXT NOT NULL,                     -- web UI user, or 'api-token'
  file_name TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL,                    -- hex SHA-256 of the file as sent
  format TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  rolled_back_at INTEGER,
  rolled_back_by TEXT
);
CREATE TABLE import_changes (
  import_id INTEGER NOT NULL REFERENCES imports(id),
  host_id TEXT NOT NULL,
  action TEXT NOT NULL,                    -- 'create' or 'update'
  prior_hostname TEXT,                     -- update: the host's columns before the import
  prior_labels TEXT,
  prior_imported TEXT,
  PRIMARY KEY (import_id, host_id)
) WITHOUT ROWID;
CREATE INDEX import_changes_by_host ON import_changes(host_id, import_id);
)sql"},
    // 9: utilisation as blocks of plain bytes (collector/store/summary_block.h): one row per host
    // and hour of raw summaries, one per host and day of rollups. Rowid tables: a block is a few
    // kilobytes, and WITHOUT ROWID tables spill rows that large into half-empty overflow pages.
    {R"sql(
CREATE TABLE summary_blocks (
  host_id TEXT NOT NULL,
  start INTEGER NOT NULL,                  -- unix seconds of the hour (UTC)
  entries INTEGER NOT NULL,                -- (metric, summary) entries in the block
  last_end INTEGER NOT NULL,               -- the latest summary end among them
  data BLOB NOT NULL,
  PRIMARY KEY (host_id, start)
);
CREATE TABLE rollup_blocks (
  host_id TEXT NOT NULL,
  start INTEGER NOT NULL,                  -- unix seconds of the day (00:00 UTC)
  entries INTEGER NOT NULL,                -- one per metric
  last_end INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (host_id, start)
);
)sql",
     move_utilisation_into_blocks},
    // 10: duplicate batches told apart by each host's highest stored sequence instead of one row
    // per batch (a row a minute per host, a third of the store): an agent numbers its batches
    // without ever restarting and sends them oldest first (agent/push/spool.h), so a sequence at or
    // below the mark is one already stored.
    {R"sql(
CREATE TABLE batch_marks (
  host_id TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL,               -- the highest sequence stored since the agent enrolled
  received_at INTEGER NOT NULL,            -- when that batch arrived
  batches INTEGER NOT NULL                 -- batches stored since the agent enrolled
) WITHOUT ROWID;
INSERT INTO batch_marks(host_id, sequence, received_at, batches)
  SELECT host_id, max(sequence), max(received_at), count(*) FROM batches GROUP BY host_id;
DROP TABLE batches;
)sql"},
    // 11: web UI sessions in the store (collector/store/ui_sessions.h): any collector on a shared
    // PostgreSQL knows a user signed in through another, and a restart signs nobody out. Only
    // the SHA-256 of a session's token is kept.
    {R"sql(
CREATE TABLE ui_sessions (
  token_sha256 TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,                 -- a ui.users name
  role TEXT NOT NULL,                      -- viewer, planner or admin, as signed in
  csrf_token TEXT NOT NULL,                -- echoed by the page in X-CSRF-Token on every write
  expires INTEGER NOT NULL                 -- unix seconds
) WITHOUT ROWID;
CREATE INDEX ui_sessions_by_expiry ON ui_sessions(expires);
)sql"},
    // 12: raw summaries packed into one block per host and day once the day is over (issue 17:
    // 24 hour blocks of ~3.5 KB left pages partly empty and compressed apart): every block says
    // the seconds it covers. Days stored before are marked for the maintenance job, which rolls
    // them up again and packs them (collector/store/maintenance.cpp), a bounded number per job.
    {R"sql(
ALTER TABLE summary_blocks ADD COLUMN span INTEGER NOT NULL DEFAULT 3600;
ALTER TABLE rollup_blocks ADD COLUMN span INTEGER NOT NULL DEFAULT 86400;
INSERT INTO rollup_pending(host_id, day)
  SELECT DISTINCT host_id, start - start % 86400 FROM summary_blocks WHERE true
  ON CONFLICT DO NOTHING;
)sql",
     store_blocks_as_they_are},
    // 13: failed web UI sign-ins in the store (collector/store/login_failures.h): with several
    // collectors on one PostgreSQL, throttling counts every collector's failures.
    {R"sql(
CREATE TABLE login_failures (
  counter_key TEXT PRIMARY KEY,            -- 'user:NAME' or 'addr:ADDRESS'
  failures INTEGER NOT NULL,               -- since the count last started over
  last_failure INTEGER NOT NULL,           -- unix seconds
  locked_until INTEGER NOT NULL            -- unix seconds; 0: never locked
) WITHOUT ROWID;
CREATE INDEX login_failures_by_last_failure ON login_failures(last_failure);
)sql"},
}};

}  // namespace

int schema_version() { return static_cast<int>(kMigrations.size()); }

// SQLite keeps the version in the file's header (PRAGMA user_version); PostgreSQL in a table of
// one row, created by the first collector that migrates (read-only connections only read it).
int applied_schema_version(Database& db) {
  if (db.dialect().is_sqlite()) return static_cast<int>(db.scalar("PRAGMA user_version"));
  if (db.scalar("SELECT to_regclass('schema_version') IS NOT NULL") == 0) return 0;
  return static_cast<int>(db.scalar("SELECT coalesce(max(version), 0) FROM schema_version"));
}

namespace {

void record_schema_version(Database& db, int version) {
  if (db.dialect().is_sqlite()) {
    db.exec("PRAGMA user_version = " + std::to_string(version));
    return;
  }
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)");
  db.exec("DELETE FROM schema_version");
  db.cached("INSERT INTO schema_version(version) VALUES (?)").with(version).run();
}

// Collectors starting together on one PostgreSQL migrate one after the other: each takes this
// lock inside its migration's transaction and reads the version again once it holds it.
void lock_migrations(Database& db) {
  if (!db.dialect().is_sqlite()) db.exec("SELECT pg_advisory_xact_lock(1935762017)");
}

void check_not_newer(int current) {
  if (current > schema_version()) {
    throw StoreError("database schema version " + std::to_string(current) +
                     " is newer than this collector's (" + std::to_string(schema_version()) +
                     "); upgrade the collector");
  }
}

}  // namespace

void migrate(Database& db, int target) {
  const int last = std::min(target, schema_version());
  for (;;) {
    db.exec(db.dialect().begin_write());
    try {
      lock_migrations(db);
      const int version = applied_schema_version(db);
      check_not_newer(version);
      if (version >= last) {
        db.exec("COMMIT");
        return;
      }
      const Migration& migration = kMigrations[static_cast<size_t>(version)];
      db.exec(db.dialect().ddl(migration.sql));
      if (migration.then) migration.then(db);
      record_schema_version(db, version + 1);
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
}

}  // namespace sahab::collector
