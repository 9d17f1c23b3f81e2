#pragma once
// sahab-collector's configuration: defaults, YAML file (--config) and flags (common/settings.h).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/maintenance.h"
#include "collector/store/store_url.h"
#include "common/settings.h"

namespace sahab::collector {

struct CollectorConfig {
  std::string listen = "127.0.0.1:9410";
  std::filesystem::path db = "/var/lib/sahab-collector/sahab.db";
  // --store URL (store_url.h); when absent the store is the SQLite file `db`.
  std::optional<StoreUrl> store;
  StoreUrl store_url() const { return store ? *store : StoreUrl(db); }
  std::filesystem::path enrolment_token_file;      // empty: enrolment disabled
  std::filesystem::path api_token_file;            // empty: admin API disabled
  std::size_t max_body_bytes = 8u << 20;           // as received (often gzip)
  std::size_t max_decompressed_bytes = 32u << 20;  // after inflating
  // POST /api/v1/import (docs/imports.md): as sent and after gunzip. A 20,000-VM RVTools
  // workbook is ~10 MB; large estates' exports fit.
  std::size_t import_max_bytes = 64u << 20;
  // Slow or idle clients hold one worker each until a timeout (docs/security.md): enough workers,
  // short timeouts and a cap per client address keep /healthz and ingest answered.
  int workers = 128;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds keep_alive_timeout{6'000};
  int max_connections_per_address = 32;
  int readers = 4;
  RetentionPolicy retention;
  std::chrono::milliseconds maintenance_interval{300'000};
  std::chrono::milliseconds report_interval{60'000};  // what agents use; the base of coverage
  double ingest_rate_per_agent = 1.0;                 // sustained pushes per second per agent
  double ingest_burst = 60;  // pushes an agent may send at once (spool replays)
  std::string log_level = "info";
  // Proxies (e.g. nginx on loopback) whose X-Real-IP header names the real client.
  std::vector<std::string> trusted_proxies;
  // Web UI sign-in (collector/auth/): "NAME:ROLE:HASH" entries, session lifetime, Secure cookie.
  std::vector<std::string> ui_users;
  std::chrono::milliseconds ui_session_ttl{8 * 3'600'000};
  bool ui_secure_cookie = false;
  // Sign-in throttling (docs/login-throttling.md): failures allowed per user name and per client
  // address within the window, and the first lockout (doubling per further failure).
  int ui_login_max_failures = 5;
  int ui_login_max_failures_per_address = 20;
  std::chrono::milliseconds ui_login_window{15 * 60'000};
  std::chrono::milliseconds ui_login_lockout{60'000};
  // The planner behind /api/v1/plan (docs/planner.md): its planner.yaml (empty: the shipped one,
  // see planner::default_planner_config_files) and how long a cached plan may serve before
  // utilisation that moved since is taken into account.
  std::filesystem::path planner_config;
  std::chrono::milliseconds planner_max_age{15 * 60'000};
  // How often the default plan is refreshed in the background: it keeps the plan warm for the web
  // UI's first visitor after a fleet change and feeds the sahab_plan_* gauges (never a scrape).
  std::chrono::milliseconds planner_metrics_interval{60'000};
  // Agent installation (collector/api/download_routes.cpp): the directory whose packages are
  // served under /downloads/, the URL agents reach the collector at (empty: derived from each
  // request's Host), and where the collector's CA bundle sits on the servers being enrolled.
  std::filesystem::path downloads_dir;
  std::string public_url;
  std::string public_ca_file;
  // GET /api/v1/targets (docs/api.md): networks (CIDR) inside which an agent's reported
  // listen_address host is believed; elsewhere the address its pushes come from is used.
  std::vector<std::string> targets_allowed_cidrs;
  // POST /api/v1/enrol under the id of an imported host links it to the agent without waiting for
  // an administrator's approval.
  bool enrolment_link_imported_hosts = false;
  // Discovery sources (docs/sources.md): how often each is read, how long one run may take, and
  // the key file sealing their passwords (empty: "sources.key" beside the database).
  std::chrono::milliseconds sources_interval{15 * 60'000};
  std::chrono::milliseconds sources_run_timeout{10 * 60'000};
  std::chrono::milliseconds sources_performance_interval{5 * 60'000};
  std::filesystem::path sources_key_file;
};

settings::Schema collector_schema(CollectorConfig& config);

using settings::read_token_file;

}  // namespace sahab::collector
