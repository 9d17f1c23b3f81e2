// sahab-agent.exe: the Windows agent. It serves /metrics (windows_exporter's names,
// agent/metrics/*_windows.cpp), /healthz and /inventory (the Linux agent's inventory code with
// its Windows sources, agent/inventory/*_windows.cpp), reports its inventory to a Sahab collector
// through the Linux agent's push client, spool and enrolment (agent/push/), reads the Linux agent's
// settings (agent/config.cpp) from %ProgramData%\Sahab\agent.yaml and flags, samples utilisation
// into the Linux agent's summaries (agent/utilisation/, readings_windows.cpp), and runs from a
// console or as the "sahab-agent" service (--service, service.cpp).
#include <windows.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "agent/config.h"
#include "agent/identity.h"
#include "agent/inventory/connections.h"
#include "agent/inventory/inventory.h"
#include "agent/metrics/node_collector.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/windows_readings.h"
#include "agent/metrics_endpoint.h"
#include "agent/push/reporting.h"
#include "agent/self_metrics.h"
#include "agent/utilisation/sampler.h"
#include "agent/web_access.h"
#include "agent/windows/msi_actions.h"
#include "agent/windows/program_data.h"
#include "agent/windows/service.h"
#include "common/http_server.h"
#include "common/log.h"
#include "common/settings.h"
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

std::vector<NodeCollector::Entry> enabled_collectors(const AgentConfig& config) {
  std::vector<NodeCollector::Entry> entries;
  std::string names;
  for (const auto& info : known_collectors()) {
    if (!config.collector_enabled(info.name, info.enabled_by_default)) continue;
    entries.push_back({info.name, info.make(config.paths)});
    names += (names.empty() ? "" : ",") + info.name;
  }
  log::info("enabled collectors: " + names);
  return entries;
}

// The host id, the credential, the enrolment token and the spool are for SYSTEM and
// Administrators only: their folders get that access list, which the files inherit.
void restrict_folders(const AgentConfig& config) {
  for (const auto& dir : {config.state_dir, config.spool_dir}) {
    windows::restrict_to_administrators(dir);
  }
}

inventory::Context inventory_context(const AgentConfig& config) {
  return {config.paths, config.state_dir, config.labels, config.listen_address};
}

// The computer's DNS host name (GetComputerNameEx), which the agent enrols under.
std::string dns_hostname() {
  wchar_t name[256] = L"";
  DWORD size = sizeof name / sizeof name[0];
  return GetComputerNameExW(ComputerNameDnsHostname, name, &size) ? windows::utf8(name) : "";
}

// Store and forward to the collector; null when no collector.url is configured.
std::unique_ptr<Reporting> start_reporting(const AgentConfig& config, const std::string& host_id,
                                           std::shared_ptr<inventory::Inventory> inventory,
                                           std::shared_ptr<utilisation::Sampler> sampler) {
  if (config.collector_url.empty()) {
    log::info("no collector.url: serving metrics and inventory only, reporting nothing");
    return nullptr;
  }
  ReportContent content{host_id, [sampler] { return sampler->ring().hand_over(); },
                        [inventory] { return inventory->collect(); }};
  return std::make_unique<Reporting>(config, host_id, dns_hostname(), std::move(content));
}

int serve(const AgentConfig& config) {
  restrict_folders(config);
  const std::string host_id = read_host_id(config.paths, config.state_dir);
  auto metrics = std::make_shared<MetricsEndpoint>();
  metrics->add(std::make_shared<NodeCollector>(enabled_collectors(config)));
  http::Options server_options;
  server_options.listen = config.listen_address;
  server_options.threads = config.max_connections;
  server_options.max_body_bytes = 0;  // the agent accepts no request bodies
  server_options.max_header_bytes = 8192;
  server_options.request_timeout_ms = 5'000;
  server_options.keep_alive_timeout_ms = 20'000;  // longer than a 15 s scrape interval
  server_options.max_connections_per_address = 8;
  auto inventory = std::make_shared<inventory::Inventory>(inventory_context(config));
  const auto self = make_self_metrics();
  metrics->add(self.sample_duration);
  metrics->add(std::make_shared<ProcessMetrics>());
  // As on Linux, each sample also reads the socket tables, so short connections still count.
  auto sampler = std::make_shared<utilisation::Sampler>(
      config.paths, utilisation::SamplerOptions{config.sample_interval, config.report_interval},
      [inventory] {
        inventory::Problems ignored;  // reported by the network section of /inventory
        inventory->tracker().observe(nullptr, ignored);
      },
      self.sample_duration.get());
  metrics->add(std::make_shared<SummaryRingMetrics>(
      std::shared_ptr<const utilisation::SummaryRing>(sampler, &sampler->ring())));
  // Declared before the server, which holds handlers guarded by it.
  const PrivateEndpointAccess private_access(
      config.inventory_token_file.empty()
          ? ""
          : settings::read_token_file(config.inventory_token_file, "inventory token"));
  http::Server server(server_options);
  server.route("GET", "/metrics", [metrics](const http::Request&) { return metrics->serve(); });
  server.route("GET", "/inventory", private_access.guard([inventory](const http::Request&) {
    return http::Response::json(200, inventory::to_text(inventory->collect()));
  }));
  server.route("GET", "/utilisation", private_access.guard([sampler](const http::Request&) {
    return http::Response::json(
        200, inventory::to_text({{"summaries", sampler->ring().pending_json()}}));
  }));
  server.route("GET", "/healthz",
               [](const http::Request&) { return http::Response::text(200, "ok"); });
  server.route("GET", "/", [](const http::Request&) {
    return http::Response::text(200,
                                std::string("sahab-agent ") + kVersion +
                                    " (Windows)\n/metrics  Prometheus metrics\n/inventory  "
                                    "inventory (JSON)\n/utilisation  summaries not yet shipped "
                                    "(JSON)\n/healthz  liveness\n");
  });
  // Every metrics source is added before the server starts: serve() does not lock the list.
  auto reporting = start_reporting(config, host_id, inventory, sampler);
  if (reporting) metrics->add(reporting->metrics());
  server.start();
  sampler->start();
  log::info("listening on " + config.listen_address + " (port " + std::to_string(server.port()) +
            ")");
  g_stop.wait();
  log::info("shutting down");
  sampler->stop();
  reporting.reset();  // the pusher's thread ends; unsent batches stay in the spool
  server.stop();
  return 0;
}

// --once: one inventory and one utilisation summary on stdout, then exit.
int run_once(const AgentConfig& config) {
  const inventory::Inventory inventory(inventory_context(config));
  const nlohmann::json out = {{"inventory", inventory.collect()},
                              {"summary", utilisation::summary_of_one_second(config.paths)}};
  std::cout << inventory::to_text(out, 2) << "\n";
  return 0;
}

// A service has no console: its log goes to %ProgramData%\Sahab\agent.log.
void log_to_program_data() {
  const std::filesystem::path dir = windows::program_data_dir();
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  std::FILE* file = _wfopen((dir / "agent.log").c_str(), L"a");
  if (!file) {
    log::error("cannot open " + (dir / "agent.log").string());
    return;
  }
  std::setvbuf(file, nullptr, _IONBF, 0);  // a line is whole on disk when written
  log::set_output(file);
}

int run(const AgentConfig& config) {
  if (config.once) return run_once(config);
  SetConsoleCtrlHandler(on_console_event, TRUE);
  return serve(config);
}

// The settings from `args` (the program name first) into `config`; false when they only asked
// for --help or --version, which are printed.
bool parse_settings(const std::vector<std::string>& args, AgentConfig& config) {
  std::vector<const char*> pointers;
  for (const auto& arg : args) pointers.push_back(arg.c_str());
  auto schema = agent_schema(config);
  return schema.parse(static_cast<int>(pointers.size()), pointers.data(), std::cout) ==
         settings::Outcome::kRun;
}

// --service: the SCM is connected before the settings are read, so a configuration the agent
// refuses (an unreadable agent.yaml, a collector.url that is no URL) reaches agent.log and the
// event log and the SCM sees the service stop with an error, instead of a service that never
// answered. The log moves to a file only once the SCM has connected: run from a console by
// mistake, the error stays on the console.
int run_service(const std::vector<std::string>& args) {
  AgentConfig config;
  return windows::run_as_service({log_to_program_data,
                                  [&] { return parse_settings(args, config) ? serve(config) : 0; },
                                  [] { g_stop.request(); }});
}

// The command line without --service (the SCM's, not a setting), and with
// --config %ProgramData%\Sahab\agent.yaml first when that file exists and no --config is given:
// the installed service reads the file the MSI wrote, as the Linux agent reads /etc/sahab.
std::vector<std::string> effective_arguments(int argc, char** argv, bool& service) {
  std::vector<std::string> args{argv[0]};
  bool has_config = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--service") {
      service = true;
      continue;
    }
    has_config = has_config || arg == "--config" || arg.starts_with("--config=");
    args.push_back(arg);
  }
  const auto file = windows::program_data_dir() / "agent.yaml";
  std::error_code ignored;
  if (!has_config && std::filesystem::exists(file, ignored))
    args.insert(args.begin() + 1, {"--config", file.string()});
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (const auto code = windows::run_msi_action({argv + 1, argv + argc})) return *code;
    bool service = false;
    const auto args = effective_arguments(argc, argv, service);
    if (service) return run_service(args);
    AgentConfig config;
    return parse_settings(args, config) ? run(config) : 0;
  } catch (const settings::ConfigError& e) {
    std::cerr << "sahab-agent: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sahab-agent: " << e.what() << "\n";
    return 1;
  }
}
