#pragma once
// sahab-agent's configuration: defaults, YAML file (--config) and node_exporter-style flags.
#include <chrono>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/push/http_client.h"
#include "agent/push/spool.h"
#include "common/settings.h"

namespace sahab::agent {

struct AgentConfig {
  std::string listen_address = ":9100";
  // Callers off loopback may read /inventory and /utilisation with this bearer token.
  std::filesystem::path inventory_token_file;
  // Connections served at once, one thread each (CivetWeb): idle or slow clients hold one until a
  // timeout, so this many minus a few can be held by them while Prometheus still gets answered.
  int max_connections = 40;
  Paths paths;
  std::string collector_url;  // empty: metrics only, nothing pushed
  std::filesystem::path enrolment_token_file;
  std::filesystem::path state_dir = "/var/lib/sahab-agent";
  std::filesystem::path spool_dir = "/var/lib/sahab-agent/spool";
  SpoolLimits spool_limits;
  ClientOptions client;  // TLS, proxy and timeouts for talking to the collector
  std::map<std::string, std::string> labels;
  std::chrono::milliseconds sample_interval{15'000};
  std::chrono::milliseconds report_interval{60'000};
  bool once = false;
  std::string log_level = "info";
  // Explicit --collector.<name> / --no-collector.<name> choices; others keep their defaults.
  std::map<std::string, bool> collector_choices;

  bool collector_enabled(const std::string& name, bool enabled_by_default) const;
};

// Declares every setting of the agent on `config`; the schema writes into it while parsing.
settings::Schema agent_schema(AgentConfig& config);

// The platform's side (config_linux.cpp, config_windows.cpp): its defaults, set before the
// settings are declared so --help shows them, and the settings only it has.
void set_platform_defaults(AgentConfig& config);
void add_platform_settings(settings::Schema& schema, AgentConfig& config);

}  // namespace sahab::agent
