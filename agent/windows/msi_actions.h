#pragma once
// What the MSI asks of sahab-agent.exe through its custom actions (packaging/windows/
// sahab-agent.wxs), which wixl can only express as "run the installed exe with arguments"
// (Windows only):
//   --msi-configure URL TOKEN  after the files are installed: the COLLECTOR_URL and
//       ENROLMENT_TOKEN properties into %ProgramData%\Sahab\agent.yaml and enrolment-token;
//       both empty (an upgrade, a repair) leave the configuration as it is.
//   --msi-remove-data          on removal (not on an upgrade): %ProgramData%\Sahab goes.
#include <optional>
#include <string>
#include <vector>

namespace sahab::agent::windows {

// The exit code when `args` (without the program name) is one of the MSI's actions, run; nullopt
// otherwise. Errors are written to stderr (msiexec's log) and give exit code 1, which fails the
// install with its message, before the service starts on a configuration it would refuse.
std::optional<int> run_msi_action(const std::vector<std::string>& args);

}  // namespace sahab::agent::windows
