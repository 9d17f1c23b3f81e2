#include "collector/config.h"

#include <algorithm>
#include <cctype>

#include "collector/api/sd_targets.h"
#include "common/file.h"
#include "common/log.h"
#include "common/text.h"
#include "sahab/version.h"

namespace sahab::collector {
namespace {
using settings::BadValue;
using settings::Kind;

std::int64_t seconds_of(const std::string& value) {
  return std::chrono::duration_cast<std::chrono::seconds>(settings::parse_positive_duration(value))
      .count();
}

double positive_number(const std::string& value) {
  const auto d = text::to_double(value);
  if (!d || !(*d > 0)) throw BadValue("expected a positive number, got '" + value + "'");
  return *d;
}

// Characters the install script's one-liner can carry unquoted and the script can hold between
// single quotes.
bool shell_safe(const std::string& value) {
  return std::all_of(value.begin(), value.end(), [](unsigned char ch) {
    return std::isalnum(ch) ||
           std::string_view("-._~:/[]@%+=,").find(static_cast<char>(ch)) != std::string_view::npos;
  });
}

template <typename AddValue>
void add_install_settings(AddValue& value, CollectorConfig& c) {
  value("downloads-dir", "downloads_dir",
        "directory of agent packages served under /downloads/ for the install script", "none",
        settings::store_path(c.downloads_dir));
  value("public-url", "public_url", "URL agents reach the collector at (install script, one-liner)",
        "from each request's Host and, from trusted proxies, X-Forwarded-Proto",
        [&c](const std::string& v) {
          if ((!v.starts_with("http://") && !v.starts_with("https://")) || !shell_safe(v)) {
            throw BadValue("expected an http:// or https:// URL without spaces or quotes, got '" +
                           v + "'");
          }
          c.public_url = v.ends_with('/') ? v.substr(0, v.size() - 1) : v;
        });
  value("public-ca-file", "public_ca_file",
        "path of the collector's CA bundle on the servers being enrolled (--cacert and --ca-file "
        "of the one-liner)",
        "none: the system trust store", [&c](const std::string& v) {
          if (!v.starts_with('/') || !shell_safe(v)) {
            throw BadValue("expected an absolute path without spaces or quotes, got '" + v + "'");
          }
          c.public_ca_file = v;
        });
}

template <typename AddValue>
void add_login_settings(AddValue& value, CollectorConfig& c) {
  value("ui.login.max-failures", "ui.login.max_failures",
        "failed web UI sign-ins for one user name within ui.login.window before further attempts "
        "get 429",
        std::to_string(c.ui_login_max_failures), [&c](const std::string& v) {
          c.ui_login_max_failures = static_cast<int>(settings::parse_integer(v, 1, 1000));
        });
  value("ui.login.max-failures-per-address", "ui.login.max_failures_per_address",
        "the same for one client address (any user names)",
        std::to_string(c.ui_login_max_failures_per_address), [&c](const std::string& v) {
          c.ui_login_max_failures_per_address =
              static_cast<int>(settings::parse_integer(v, 1, 100'000));
        });
  value("ui.login.window", "ui.login.window",
        "failures are forgotten this long after the last one; also the longest lockout", "15m",
        [&c](const std::string& v) { c.ui_login_window = settings::parse_positive_duration(v); });
  value("ui.login.lockout", "ui.login.lockout",
        "first refusal period once the failures are reached; doubles with each further failure",
        "1m",
        [&c](const std::string& v) { c.ui_login_lockout = settings::parse_positive_duration(v); });
}

}  // namespace

settings::Schema collector_schema(CollectorConfig& c) {
  settings::Schema schema("sahab-collector",
                          "Receives inventory and utilisation from Sahab agents, stores them in "
                          "SQLite and serves the fleet API, Prometheus endpoints and metrics.",
                          kVersion);
  const auto value = schema.value_adder();
  const auto path = settings::store_path;
  value("listen", "listen", "HOST:PORT to serve HTTP on (plain HTTP; TLS belongs in a proxy)",
        c.listen, settings::store_listen_address(c.listen));
  value("db", "db", "SQLite database file (created if absent); the same as --store sqlite://FILE",
        c.db, path(c.db));
  value("store", "store",
        "the store's URL: sqlite:///path/to/sahab.db, or postgresql://user@host[:port][,host2…]/db"
        "?target_session_attrs=read-write (libpq's URL; a password is never logged)",
        "sqlite://, the --db file", [&c](const std::string& v) {
          try {
            c.store = StoreUrl::parse(v);
          } catch (const std::invalid_argument& e) {
            throw settings::BadValue(e.what());
          }
        });
  value("enrolment-token-file", "enrolment_token_file",
        "file holding the shared token agents enrol with", "none: enrolment disabled",
        path(c.enrolment_token_file));
  value("api-token-file", "api_token_file",
        "file holding the admin bearer token for the /api/v1 read and admin calls",
        "none: admin API disabled", path(c.api_token_file));
  value("http.max-body-bytes", "http.max_body_bytes", "largest request body accepted, as sent",
        std::to_string(c.max_body_bytes), [&c](const std::string& v) {
          c.max_body_bytes = static_cast<size_t>(settings::parse_integer(v, 1024, 1LL << 31));
        });
  value("http.max-decompressed-bytes", "http.max_decompressed_bytes",
        "largest request body accepted after gunzip", std::to_string(c.max_decompressed_bytes),
        [&c](const std::string& v) {
          c.max_decompressed_bytes =
              static_cast<size_t>(settings::parse_integer(v, 1024, 1LL << 32));
        });
  value("import.max-bytes", "import.max_bytes",
        "largest file POST /api/v1/import accepts (as sent and after gunzip)",
        std::to_string(c.import_max_bytes), [&c](const std::string& v) {
          c.import_max_bytes = static_cast<size_t>(settings::parse_integer(v, 1024, 1LL << 31));
        });
  value("http.workers", "http.workers", "HTTP worker threads (bounded pool)",
        std::to_string(c.workers), [&c](const std::string& v) {
          c.workers = static_cast<int>(settings::parse_integer(v, 1, 512));
        });
  value("http.request-timeout", "http.request_timeout",
        "time a client has to send one whole request (headers and body)", "10s",
        [&c](const std::string& v) { c.request_timeout = settings::parse_positive_duration(v); });
  value(
      "http.keep-alive-timeout", "http.keep_alive_timeout",
      "idle keep-alive connections are closed after this (answers announce 1 s less)", "6s",
      [&c](const std::string& v) { c.keep_alive_timeout = settings::parse_positive_duration(v); });
  value("http.max-connections-per-address", "http.max_connections_per_address",
        "connections one client address may hold (trusted proxies exempt; 0: no cap)",
        std::to_string(c.max_connections_per_address), [&c](const std::string& v) {
          c.max_connections_per_address = static_cast<int>(settings::parse_integer(v, 0, 100'000));
        });
  value("db.readers", "db.readers", "read-only store connections for API requests",
        std::to_string(c.readers), [&c](const std::string& v) {
          c.readers = static_cast<int>(settings::parse_integer(v, 1, 64));
        });
  value("retention.raw", "retention.raw", "how long full-resolution summaries are kept", "14d",
        [&c](const std::string& v) { c.retention.raw_seconds = seconds_of(v); });
  value("retention.rollups", "retention.rollups", "how long daily rollups are kept", "400d",
        [&c](const std::string& v) { c.retention.rollup_seconds = seconds_of(v); });
  value("stale-after", "stale_after", "hosts silent for longer are marked stale (never deleted)",
        "1h", [&c](const std::string& v) { c.retention.stale_after_seconds = seconds_of(v); });
  value("maintenance.interval", "maintenance.interval",
        "how often rollups, retention and stale marking run", "5m", [&c](const std::string& v) {
          c.maintenance_interval = settings::parse_positive_duration(v);
        });
  value("report.interval", "report.interval",
        "the agents' report interval; coverage counts expected summaries with it", "60s",
        [&c](const std::string& v) { c.report_interval = settings::parse_positive_duration(v); });
  value("ingest.rate-per-agent", "ingest.rate_per_agent",
        "sustained pushes per second allowed per agent (beyond: 429)", "1",
        [&c](const std::string& v) { c.ingest_rate_per_agent = positive_number(v); });
  value("ingest.burst", "ingest.burst", "pushes an agent may send back to back (spool replay)",
        "60", [&c](const std::string& v) { c.ingest_burst = positive_number(v); });
  schema.add({"http.trusted-proxy", "http.trusted_proxies",
              "address of a reverse proxy whose X-Real-IP header is believed", "none", Kind::kList,
              [&c](const std::string& v, const std::string&) { c.trusted_proxies.push_back(v); }});
  value("log.level", "log.level", "debug, info, warn or error", c.log_level,
        [&c](const std::string& v) {
          if (!log::set_level(v)) throw BadValue("expected debug, info, warn or error");
          c.log_level = v;
        });
  schema.add({"ui.user", "ui.users",
              "web UI user as NAME:ROLE:HASH (ROLE viewer, planner or admin; HASH from "
              "'sahab-collector hash-password')",
              "none: nobody can sign in", Kind::kList,
              [&c](const std::string& v, const std::string&) { c.ui_users.push_back(v); }});
  value("ui.session-ttl", "ui.session_ttl", "how long a web UI session lasts", "8h",
        [&c](const std::string& v) { c.ui_session_ttl = settings::parse_positive_duration(v); });
  value("ui.secure-cookie", "ui.secure_cookie",
        "mark the session cookie Secure (when users reach the collector through TLS)", "false",
        [&c](const std::string& v) {
          if (v != "true" && v != "false") throw BadValue("expected true or false");
          c.ui_secure_cookie = v == "true";
        });
  value("planner.config", "planner.config",
        "planner.yaml for /api/v1/plan (its catalogs.dir is relative to it)",
        "the shipped configs/planner.yaml", path(c.planner_config));
  value("planner.max-age", "planner.max_age",
        "a cached plan is recomputed after this even if no host changed (utilisation moves)", "15m",
        [&c](const std::string& v) { c.planner_max_age = settings::parse_positive_duration(v); });
  value("planner.metrics-interval", "planner.metrics_interval",
        "how often the default plan is refreshed in the background (kept warm for the web UI, and "
        "the source of the sahab_plan_* gauges); it is recomputed only when the fleet changed or "
        "is older than planner.max_age",
        "1m", [&c](const std::string& v) {
          c.planner_metrics_interval = settings::parse_positive_duration(v);
        });
  schema.add({"targets.allowed-cidrs", "targets.allowed_cidrs",
              "network (CIDR, IPv4 or IPv6) inside which an agent's reported listen address is "
              "given to Prometheus by /api/v1/targets; elsewhere the address its pushes come from",
              "none: always the push address", Kind::kList,
              [&c](const std::string& v, const std::string&) {
                if (!sd::parse_cidr(v)) {
                  throw BadValue("expected a CIDR such as 10.0.0.0/8 or fd00::/8, got '" + v + "'");
                }
                c.targets_allowed_cidrs.push_back(v);
              }});
  schema.add({"enrolment.link-imported-hosts", "enrolment.link_imported_hosts",
              "an agent enrolling under the id of an imported host takes it over at once, without "
              "an administrator's approval",
              "false", Kind::kSwitch, [&c](const std::string& v, const std::string&) {
                c.enrolment_link_imported_hosts = settings::parse_bool(v);
              }});
  value("sources.interval", "sources.interval", "how often each discovery source (vCenter) is read",
        "15m",
        [&c](const std::string& v) { c.sources_interval = settings::parse_positive_duration(v); });
  value(
      "sources.run-timeout", "sources.run_timeout",
      "the longest one discovery run may take; past it the run fails and nothing is written", "10m",
      [&c](const std::string& v) { c.sources_run_timeout = settings::parse_positive_duration(v); });
  value("sources.performance-interval", "sources.performance_interval",
        "how often the performance samples of each discovery source's VMs are read", "5m",
        [&c](const std::string& v) {
          c.sources_performance_interval = settings::parse_positive_duration(v);
        });
  value("sources.key-file", "sources.key_file",
        "key sealing the sources' passwords (AES-256-GCM), created 0600 when absent",
        "sources.key beside the --db file (set it when the store is PostgreSQL)",
        path(c.sources_key_file));
  add_install_settings(value, c);
  add_login_settings(value, c);
  return schema;
}

}  // namespace sahab::collector
