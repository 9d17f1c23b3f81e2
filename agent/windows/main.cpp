// sahab-agent.exe: the Windows agent. This first slice serves /metrics (windows_exporter's names,
// agent/metrics/*_windows.cpp), /healthz and /inventory (loopback callers), from a console or as
// the "sahab-agent" service (--service, service.cpp); push, spool and the YAML configuration are
// not built for Windows yet (docs/windows-agent.md).
#include <windows.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "agent/inventory/windows_inventory.h"
#include "agent/metrics/node_collector.h"
#include "agent/metrics/registry.h"
#include "agent/metrics_endpoint.h"
#include "agent/web_access.h"
#include "agent/windows/options.h"
#include "agent/windows/service.h"
#include "common/http_server.h"
#include "common/log.h"
#include "sahab/version.h"

namespace {
using namespace sahab;
using namespace sahab::agent;

// Set once by Ctrl+C / console close or by the SCM's stop; the serving thread waits for it.
class StopSignal {
 public:
  void request() {
    {
      std::lock_guard lock(mutex_);
      requested_ = true;
    }
    changed_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return requested_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool requested_ = false;
};

StopSignal g_stop;

// Ctrl+C, Ctrl+Break, closing the console, logoff or shutdown: stop in order.
BOOL WINAPI on_console_event(DWORD) {
  g_stop.request();
  return TRUE;
}

std::vector<NodeCollector::Entry> enabled_collectors(const windows::Options& options) {
  std::vector<NodeCollector::Entry> entries;
  std::string names;
  for (const auto& info : known_collectors()) {
    if (!options.collector_enabled(info.name, info.enabled_by_default)) continue;
    entries.push_back({info.name, info.make(Paths{})});
    names += (names.empty() ? "" : ",") + info.name;
  }
  log::info("enabled collectors: " + names);
  return entries;
}

int serve(const windows::Options& options) {
  auto metrics = std::make_shared<MetricsEndpoint>();
  metrics->add(std::make_shared<NodeCollector>(enabled_collectors(options)));
  http::Options server_options;
  server_options.listen = options.listen_address;
  server_options.max_body_bytes = 0;  // the agent accepts no request bodies
  server_options.max_header_bytes = 8192;
  server_options.request_timeout_ms = 5'000;
  server_options.keep_alive_timeout_ms = 20'000;  // longer than a 15 s scrape interval
  server_options.max_connections_per_address = 8;
  // Declared before the server, which holds handlers guarded by it.
  const PrivateEndpointAccess loopback_only("");
  http::Server server(server_options);
  server.route("GET", "/metrics", [metrics](const http::Request&) { return metrics->serve(); });
  // The inventory, read afresh per request, for callers on this machine only (no token file until
  // the configuration is built for Windows).
  server.route("GET", "/inventory",
               loopback_only.guard([listen = options.listen_address](const http::Request&) {
                 inventory::Context ctx;
                 ctx.listen_address = listen;
                 return http::Response::json(
                     200, inventory::to_text(inventory::windows::collect_windows_inventory(ctx)));
               }));
  server.route("GET", "/healthz",
               [](const http::Request&) { return http::Response::text(200, "ok"); });
  server.route("GET", "/", [](const http::Request&) {
    return http::Response::text(200,
                                std::string("sahab-agent ") + kVersion +
                                    " (Windows)\n/metrics  Prometheus metrics\n/healthz  "
                                    "liveness\n/inventory  the inventory (loopback callers)\n");
  });
  server.start();
  log::info("listening on " + options.listen_address + " (port " + std::to_string(server.port()) +
            ")");
  g_stop.wait();
  log::info("shutting down");
  server.stop();
  return 0;
}

// A service has no console: its log goes to %ProgramData%\Sahab\agent.log.
void log_to_program_data() {
  wchar_t base[MAX_PATH] = L"";
  const DWORD length = GetEnvironmentVariableW(L"ProgramData", base, MAX_PATH);
  const std::filesystem::path dir =
      std::filesystem::path(length > 0 && length < MAX_PATH ? base : L"C:\\ProgramData") / "Sahab";
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  std::FILE* file = _wfopen((dir / "agent.log").c_str(), L"a");
  if (!file) {
    windows::report_error_event("cannot open " + (dir / "agent.log").string());
    return;
  }
  std::setvbuf(file, nullptr, _IONBF, 0);  // a line is whole on disk when written
  log::set_output(file);
}

int run(const windows::Options& options) {
  if (!options.service) {
    SetConsoleCtrlHandler(on_console_event, TRUE);
    return serve(options);
  }
  // The log moves to a file only once the SCM has connected: run from a console by mistake, the
  // error stays on the console.
  return windows::run_as_service(
      {log_to_program_data, [&options] { return serve(options); }, [] { g_stop.request(); }});
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> collectors;
    for (const auto& info : known_collectors()) collectors.push_back(info.name);
    const auto parsed = windows::parse_options({argv + 1, argv + argc}, collectors);
    if (!parsed.output.empty()) std::cout << parsed.output;
    if (parsed.exit_code) return *parsed.exit_code;
    return run(parsed.options);
  } catch (const windows::OptionError& e) {
    std::cerr << "sahab-agent: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sahab-agent: " << e.what() << "\n";
    return 1;
  }
}
