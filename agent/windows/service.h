#pragma once
// sahab-agent.exe as a Windows service (Windows only): the Service Control Manager starts it
// with --service; stop and shutdown requests end `run` through `stop`.
#include <functional>
#include <string>
#include <string_view>

namespace sahab::agent::windows {

inline constexpr const wchar_t* kServiceName = L"sahab-agent";

struct ServiceHooks {
  std::function<void()> connected;  // first, once the SCM has connected (e.g. open the log)
  std::function<int()> run;         // serves until stop() is called; returns the exit code
  std::function<void()> stop;       // called from the SCM's control thread
};

// Connects to the SCM and runs `hooks.run` as the service; returns its exit code once the
// service has stopped. Throws std::runtime_error when the process was not started by the SCM.
int run_as_service(ServiceHooks hooks);

// Writes an error to the Application event log under the source "sahab-agent" (services have
// no console: this is where administrators look first). Once the SCM has connected, every
// log::error line goes there too (log::set_error_sink).
void report_error_event(std::string_view message);

}  // namespace sahab::agent::windows
