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

#include "agent/agent_server.h"
#include "agent/config.h"
#include "agent/metrics/windows_readings.h"  // windows::utf8
#include "agent/windows/msi_actions.h"
#include "agent/windows/program_data.h"
#include "agent/windows/service.h"
#include "common/log.h"
#include "common/settings.h"

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

// The host id, the credential, the enrolment token and the spool are for SYSTEM and
// Administrators only: their folders get that access list, which the files inherit.
void restrict_folders(const AgentConfig& config) {
  for (const auto& dir : {config.state_dir, config.spool_dir}) {
    windows::restrict_to_administrators(dir);
  }
}

// The computer's DNS host name (GetComputerNameEx), which the agent enrols under.
std::string dns_hostname() {
  wchar_t name[256] = L"";
  DWORD size = sizeof name / sizeof name[0];
  return GetComputerNameExW(ComputerNameDnsHostname, name, &size) ? windows::utf8(name) : "";
}

int serve(const AgentConfig& config) {
  restrict_folders(config);
  AgentServer agent(config, dns_hostname(), " (Windows)");
  agent.start();
  g_stop.wait();
  log::info("shutting down");
  agent.stop();
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
  if (config.once) return print_once(config);
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
