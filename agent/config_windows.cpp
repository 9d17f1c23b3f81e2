// The Windows agent's side of the configuration: its folders are under %ProgramData%\Sahab
// (config_linux.cpp has /var/lib/sahab-agent and the settings only Linux collectors take).
#include "agent/config.h"
#include "agent/windows/program_data.h"

namespace sahab::agent {

void set_platform_defaults(AgentConfig& config) {
  config.state_dir = windows::program_data_dir();
  config.spool_dir = config.state_dir / "spool";
}

void add_platform_settings(settings::Schema&, AgentConfig&) {}

}  // namespace sahab::agent
