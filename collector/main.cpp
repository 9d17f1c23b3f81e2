// sahab-collector: receives agents' reports, stores them in SQLite, serves the fleet API.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <iostream>
#include <thread>

#include "collector/api/context.h"
#include "collector/api/execution.h"
#include "collector/api/fleet_summary.h"
#include "collector/api/memory_gauges.h"
#include "collector/api/plan_service.h"
#include "collector/api/plan_telemetry.h"
#include "collector/api/preference_routes.h"
#include "collector/api/source_routes.h"
#include "collector/api/steering_report.h"
#include "collector/api/telemetry.h"
#include "collector/api/validation.h"
#include "collector/auth/auth.h"
#include "collector/config.h"
#include "collector/sources/secret_box.h"
#include "collector/store/maintenance.h"
#include "collector/store/store.h"
#include "collector/store_command.h"
#include "collector/webui/webui.h"
#include "common/http_server.h"
#include "common/log.h"
#include "sahab/version.h"

namespace {
using namespace sahab;
using namespace sahab::collector;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs `job` every `interval` until destroyed (maintenance, plan gauges): at once, or only after
// the first interval when `at_start` is false.
class PeriodicThread {
 public:
  PeriodicThread(std::chrono::milliseconds interval, std::function<void()> job,
                 bool at_start = true)
      : thread_(
            [this, interval, job = std::move(job), at_start] { loop(interval, job, at_start); }) {}
  ~PeriodicThread() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void loop(std::chrono::milliseconds interval, const std::function<void()>& job, bool at_start) {
    std::unique_lock lock(mutex_);
    if (!at_start) cv_.wait_for(lock, interval, [this] { return stop_; });
    while (!stop_) {
      lock.unlock();
      job();
      lock.lock();
      cv_.wait_for(lock, interval, [this] { return stop_; });
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Rollups, retention and stale marking: by one collector at a time on a shared PostgreSQL.
constexpr std::int64_t kMaintenanceLock = 1935762018;
void maintain(Store& store, const CollectorConfig& config, MaintenanceMemory& memory) {
  try {
    MaintenanceReport r;
    const auto started = std::chrono::steady_clock::now();
    const bool ran = store.run_exclusive(kMaintenanceLock, [&] {
      r = run_maintenance(store, config.retention, unix_now(), memory);
    });
    if (!ran) {
      log::debug("maintenance: another collector is running it");
      return;
    }
    log::debug("maintenance: " + std::to_string(r.days_rolled_up) + " days rolled up, " +
               std::to_string(r.summaries_deleted) + " summaries and " +
               std::to_string(r.rollups_deleted) + " rollups deleted, " +
               std::to_string(r.hosts_marked_stale) + " hosts marked stale, in " +
               std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count()) +
               " ms");
  } catch (const std::exception& e) {
    log::error(std::string("maintenance failed: ") + e.what());
  }
}

// Before/after validations of linked hosts, for the waves' pages and the steering report: a
// target's P95 over a week moves slowly, and its inventory rarely.
constexpr std::chrono::minutes kValidationRefresh{5};
void refresh_validations(Context& context, ValidationCache& validations) {
  try {
    validations.refresh(context);
  } catch (const std::exception& e) {
    log::error(std::string("validation refresh failed: ") + e.what());
  }
}

std::int64_t seconds(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

auth::AuthOptions ui_auth_options(const CollectorConfig& config, Telemetry& telemetry) {
  try {
    auth::AuthOptions options;
    options.users = auth::parse_users(config.ui_users);
    options.session_ttl_seconds = seconds(config.ui_session_ttl);
    options.secure_cookie = config.ui_secure_cookie;
    options.throttle.max_failures_per_user = config.ui_login_max_failures;
    options.throttle.max_failures_per_address = config.ui_login_max_failures_per_address;
    options.throttle.window_seconds = std::max<std::int64_t>(1, seconds(config.ui_login_window));
    options.throttle.lockout_seconds = std::max<std::int64_t>(1, seconds(config.ui_login_lockout));
    options.trusted_proxies = config.trusted_proxies;
    options.count_refusal = [&telemetry](const std::string& reason) {
      telemetry.count_login_refusal(reason);
    };
    return options;
  } catch (const std::invalid_argument& e) {
    throw settings::ConfigError(std::string("ui.users: ") + e.what());
  }
}

// The planner behind /api/v1/plan: planner.config, else the shipped planner.yaml. A broken
// configuration or catalogue stops start-up (ConfigError, exit 2); when nothing is configured and
// nothing is found, the collector runs and planning answers 503 with `unavailable`.
std::optional<planner::PlannerSetup> planner_setup(const CollectorConfig& config,
                                                   std::string& unavailable) {
  std::filesystem::path file = config.planner_config;
  if (file.empty()) {
    for (const auto& candidate : planner::default_planner_config_files()) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(candidate, ec)) {
        file = candidate;
        break;
      }
    }
  } else if (std::error_code ec; !std::filesystem::is_regular_file(file, ec)) {
    throw settings::ConfigError("planner.config: cannot read " + file.string());
  }
  try {
    auto setup = planner::load_planner_setup(file);
    log::info("planner: " + (file.empty() ? std::string("built-in defaults") : file.string()) +
              ", catalogues in " + setup.catalogs_dir.string());
    return setup;
  } catch (const settings::ConfigError& e) {
    if (!config.planner_config.empty() || !file.empty()) throw;
    unavailable = std::string("planning is not configured: ") + e.what();
    log::warn(unavailable);
    return std::nullopt;
  }
}

int run(const CollectorConfig& config) {
  std::string planning_unavailable;
  auto setup = planner_setup(config, planning_unavailable);
  const std::string enrolment_token =
      config.enrolment_token_file.empty()
          ? ""
          : read_token_file(config.enrolment_token_file, "enrolment token");
  const std::string api_token =
      config.api_token_file.empty() ? "" : read_token_file(config.api_token_file, "API token");
  if (enrolment_token.empty()) {
    log::warn("no --enrolment-token-file: agents enrol only with tokens an admin makes");
  }
  if (api_token.empty()) log::warn("no --api-token-file: the admin API answers 401");

  Store store(config.store_url(), config.readers);
  Telemetry telemetry(store);
  RateLimiter limiter(config.ingest_rate_per_agent, config.ingest_burst);
  auth::Auth ui_auth(ui_auth_options(config, telemetry), store, unix_now);
  const auto session_authorise = [&ui_auth](const http::Request& r, MinRole role) {
    return ui_auth.authorise(r, role);
  };
  const auto session_user = [&ui_auth](const http::Request& r) { return ui_auth.user_of(r); };
  Context context{config,    store,    telemetry,         limiter,     enrolment_token,
                  api_token, unix_now, session_authorise, session_user};
  FleetCache fleets(store, config, unix_now);
  PlanService plans(fleets, config, std::move(setup), planning_unavailable, telemetry, unix_now);
  const auto plan_gauges = std::make_shared<PlanGauges>(unix_now);
  telemetry.add_collectable(plan_gauges);
  telemetry.add_collectable(std::make_shared<MigrationGauges>(store));
  telemetry.add_collectable(std::make_shared<MemoryGauges>());

  http::Options options;
  options.listen = config.listen;
  options.threads = config.workers;
  options.max_body_bytes = config.max_body_bytes;
  options.request_timeout_ms = static_cast<int>(config.request_timeout.count());
  options.keep_alive_timeout_ms = static_cast<int>(config.keep_alive_timeout.count());
  options.max_connections_per_address = config.max_connections_per_address;
  options.connection_cap_exempt = config.trusted_proxies;
  options.gzip_min_bytes = 8192;  // the fleet, the plan, the bundle; not small answers
  http::Server server(options);
  register_ingest_routes(server, context);
  register_host_routes(server, context);
  register_fleet_routes(server, context);
  register_import_routes(server, context);
  register_ops_routes(server, context);
  register_fleet_summary_routes(server, context, fleets);
  register_enrolment_token_routes(server, context);
  register_enrolment_routes(server, context);
  register_preference_routes(server, context);
  register_plan_routes(server, context, plans);
  register_download_routes(server, context);
  register_plan_groups_routes(server, context, plans);
  register_baseline_routes(server, context, plans);
  ValidationCache validations(plans);
  register_migration_routes(server, context, validations);
  register_validation_routes(server, context, plans, validations);
  register_steering_report_routes(server, context, validations);
  ui_auth.register_routes(server);
  webui::register_webui_routes(server);
  const auto key_file = config.sources_key_file.empty()
                            ? std::filesystem::path(config.db).replace_filename("sources.key")
                            : config.sources_key_file;
  const SecretBox source_secrets(key_file);
  SourceRunner sources(
      store, source_secrets, telemetry.registry(),
      {std::chrono::duration_cast<std::chrono::seconds>(config.sources_interval),
       std::chrono::duration_cast<std::chrono::seconds>(config.sources_run_timeout),
       std::chrono::duration_cast<std::chrono::seconds>(config.sources_performance_interval),
       std::max<std::int64_t>(1, config.report_interval.count() / 1000)},
      unix_now);
  register_source_routes(server, context, sources);
  server.start();
  sources.start();
  log::info("listening on " + config.listen + " (port " + std::to_string(server.port()) +
            "), store " + store.url().redacted());

  MaintenanceMemory maintenance_memory;  // the maintenance thread's alone
  PeriodicThread maintenance(config.maintenance_interval,
                             [&] { maintain(store, config, maintenance_memory); });
  // Not at start: a collector nobody asks for a plan computes none before the first interval.
  PeriodicThread plan_refresh(
      config.planner_metrics_interval, [&] { refresh_plan_gauges(plans, *plan_gauges); }, false);
  PeriodicThread validation_refresh(kValidationRefresh,
                                    [&] { refresh_validations(context, validations); });
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (!g_stop) pause();
  log::info("shutting down");
  server.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc raises its mmap threshold to the size of each large block freed (up to 32 MB), so after
  // one large request (a vCenter run's answers, an import) blocks of that size come from the heap
  // and stay there: a second 10,000-VM discovery run peaked at 423 MB instead of 238 MB. A fixed
  // threshold keeps large blocks mapped and returned when freed (docs/benchmarks.md).
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  // glibc gives threads up to 8 arenas per core (16 here, shared by 72 HTTP workers and the
  // background threads); each heap grows apart and keeps its free pages scattered between live
  // blocks, so the RSS climbed with a flat live size (bench/soak.sh: malloc in use flat, free
  // +66 MiB/h, RSS +52 MiB/h). One arena reuses one heap's holes. Its lock was not measured on
  // its own; the quiet-machine ingest runs made with it (docs/benchmarks.md, PostgreSQL section:
  // 20,000 agents p99 2.7 ms, 100,000 agents 20 ms on SQLite) are no slower than those before.
  mallopt(M_ARENA_MAX, 1);
  CollectorConfig config;
  if (argc == 2 && std::string_view(argv[1]) == "hash-password") {
    return auth::hash_password_command(std::cin, std::cout, std::cerr);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "store") {
    return store_command(argc, argv, std::cout, std::cerr);
  }
  try {
    auto schema = collector_schema(config);
    if (schema.parse(argc, argv, std::cout) != settings::Outcome::kRun) return 0;
    return run(config);
  } catch (const settings::ConfigError& e) {
    std::cerr << "sahab-collector: " << e.what() << "\n";
    return 2;
  } catch (const http::ServerError& e) {
    std::cerr << "sahab-collector: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sahab-collector: " << e.what() << "\n";
    return 1;
  }
}
