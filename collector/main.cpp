// sahab-collector: receives agents' reports, stores them in SQLite, serves the fleet API.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <thread>

#include "collector/api/context.h"
#include "collector/api/fleet_summary.h"
#include "collector/api/telemetry.h"
#include "collector/auth/auth.h"
#include "collector/config.h"
#include "collector/store/maintenance.h"
#include "collector/store/store.h"
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

// Runs rollups, retention and stale marking now and then every `interval`, until stopped.
class MaintenanceThread {
 public:
  MaintenanceThread(Store& store, const CollectorConfig& config)
      : thread_([this, &store, &config] { loop(store, config); }) {}
  ~MaintenanceThread() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void loop(Store& store, const CollectorConfig& config) {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      try {
        const auto r = run_maintenance(store, config.retention, unix_now());
        log::debug("maintenance: " + std::to_string(r.days_rolled_up) + " days rolled up, " +
                   std::to_string(r.summaries_deleted) + " summaries and " +
                   std::to_string(r.rollups_deleted) + " rollups deleted, " +
                   std::to_string(r.hosts_marked_stale) + " hosts marked stale");
      } catch (const std::exception& e) {
        log::error(std::string("maintenance failed: ") + e.what());
      }
      lock.lock();
      cv_.wait_for(lock, config.maintenance_interval, [this] { return stop_; });
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

auth::AuthOptions ui_auth_options(const CollectorConfig& config) {
  try {
    return {auth::parse_users(config.ui_users),
            std::chrono::duration_cast<std::chrono::seconds>(config.ui_session_ttl).count(),
            config.ui_secure_cookie};
  } catch (const std::invalid_argument& e) {
    throw settings::ConfigError(std::string("ui.users: ") + e.what());
  }
}

int run(const CollectorConfig& config) {
  const std::string enrolment_token =
      config.enrolment_token_file.empty()
          ? ""
          : read_token_file(config.enrolment_token_file, "enrolment token");
  const std::string api_token =
      config.api_token_file.empty() ? "" : read_token_file(config.api_token_file, "API token");
  if (enrolment_token.empty()) log::warn("no --enrolment-token-file: agents cannot enrol");
  if (api_token.empty()) log::warn("no --api-token-file: the admin API answers 401");

  Store store(config.db, config.readers);
  Telemetry telemetry(store);
  RateLimiter limiter(config.ingest_rate_per_agent, config.ingest_burst);
  auth::Auth ui_auth(ui_auth_options(config), unix_now);
  const auto session_authorise = [&ui_auth](const http::Request& r) {
    return ui_auth.authorise(r);
  };
  const auto session_user = [&ui_auth](const http::Request& r) { return ui_auth.user_of(r); };
  Context context{config,          store,     telemetry, limiter,
                  enrolment_token, api_token, unix_now,  session_authorise,
                  session_user};

  http::Options options;
  options.listen = config.listen;
  options.threads = config.workers;
  options.max_body_bytes = config.max_body_bytes;
  options.gzip_min_bytes = 8192;  // the fleet, the plan, the bundle; not small answers
  http::Server server(options);
  register_ingest_routes(server, context);
  register_host_routes(server, context);
  register_fleet_routes(server, context);
  register_ops_routes(server, context);
  register_fleet_summary_routes(server, context);
  register_enrolment_token_routes(server, context);
  ui_auth.register_routes(server);
  webui::register_webui_routes(server);
  server.start();
  log::info("listening on " + config.listen + " (port " + std::to_string(server.port()) +
            "), database " + config.db.string());

  MaintenanceThread maintenance(store, config);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (!g_stop) pause();
  log::info("shutting down");
  server.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CollectorConfig config;
  if (argc == 2 && std::string_view(argv[1]) == "hash-password") {
    return auth::hash_password_command(std::cin, std::cout, std::cerr);
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
