#include "agent/windows/service.h"

#include <windows.h>

#include <stdexcept>
#include <string>

#include "common/log.h"
#include "messages.h"  // generated from messages.mc

namespace sahab::agent::windows {
namespace {

ServiceHooks g_hooks;
SERVICE_STATUS_HANDLE g_status_handle = nullptr;
int g_exit_code = 0;

void report_status(DWORD state, DWORD exit_code = NO_ERROR, DWORD wait_hint_ms = 0) {
  SERVICE_STATUS status{};
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwCurrentState = state;
  status.dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  // A non-zero service-specific code makes the SCM count the stop as a failure, so the recovery
  // actions below restart the agent.
  status.dwWin32ExitCode = exit_code == NO_ERROR ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
  status.dwServiceSpecificExitCode = exit_code;
  status.dwWaitHint = wait_hint_ms;
  SetServiceStatus(g_status_handle, &status);
}

DWORD WINAPI on_control(DWORD control, DWORD, void*, void*) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
      report_status(SERVICE_STOP_PENDING, NO_ERROR, 10'000);
      g_hooks.stop();
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

// Restart after 10 s, 30 s, then every 60 s; the failure count resets after a day. Set by the
// service itself because wixl (the MSI) cannot write ServiceConfig. Best effort: a refusal is
// logged, the agent runs on.
void set_recovery_actions() {
  SC_HANDLE manager = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  SC_HANDLE service =
      manager ? OpenServiceW(manager, kServiceName, SERVICE_CHANGE_CONFIG | SERVICE_START)
              : nullptr;
  SC_ACTION actions[] = {
      {SC_ACTION_RESTART, 10'000}, {SC_ACTION_RESTART, 30'000}, {SC_ACTION_RESTART, 60'000}};
  SERVICE_FAILURE_ACTIONSW failure{};
  failure.dwResetPeriod = 24 * 60 * 60;
  failure.cActions = sizeof actions / sizeof actions[0];
  failure.lpsaActions = actions;
  SERVICE_FAILURE_ACTIONS_FLAG on_error_exit{TRUE};
  if (!service || !ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &failure))
    log::warn("service: recovery actions not set: error " + std::to_string(GetLastError()));
  else if (!ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &on_error_exit))
    log::warn("service: recovery on error exits not set: error " + std::to_string(GetLastError()));
  if (service) CloseServiceHandle(service);
  if (manager) CloseServiceHandle(manager);
}

void WINAPI service_main(DWORD, wchar_t**) {
  g_status_handle = RegisterServiceCtrlHandlerExW(kServiceName, on_control, nullptr);
  if (!g_status_handle) return;
  report_status(SERVICE_START_PENDING, NO_ERROR, 10'000);
  log::set_error_sink(report_error_event);
  g_hooks.connected();
  set_recovery_actions();
  report_status(SERVICE_RUNNING);
  try {
    g_exit_code = g_hooks.run();
  } catch (const std::exception& e) {
    log::error(std::string("sahab-agent stopped: ") + e.what());  // and to the event log
    g_exit_code = 1;
  }
  report_status(SERVICE_STOPPED, static_cast<DWORD>(g_exit_code));
}

}  // namespace

int run_as_service(ServiceHooks hooks) {
  g_hooks = std::move(hooks);
  const SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(kServiceName), service_main},
                                        {nullptr, nullptr}};
  if (!StartServiceCtrlDispatcherW(table))
    throw std::runtime_error("--service: not started by the Service Control Manager (error " +
                             std::to_string(GetLastError()) + ")");
  return g_exit_code;
}

void report_error_event(std::string_view message) {
  HANDLE source = RegisterEventSourceW(nullptr, kServiceName);
  if (!source) return;
  const std::string text(message);
  const char* strings[] = {text.c_str()};
  ReportEventA(source, EVENTLOG_ERROR_TYPE, 0, MSG_AGENT_ERROR, nullptr, 1, 0, strings, nullptr);
  DeregisterEventSource(source);
}

}  // namespace sahab::agent::windows
