#pragma once
// What the agent serves and reports, the same on Linux and Windows: the enabled collectors, the
// inventory, the utilisation sampler, /metrics, /inventory, /utilisation, /healthz and the push
// to a collector. Each platform's main only adds how it is started and stopped (signals on Linux,
// the console and the service manager on Windows) and what it must do first (Windows: folders
// closed to other users).
#include <memory>
#include <string>

#include "agent/config.h"

namespace sahab::agent {

// --once: one inventory and one utilisation summary on stdout.
int print_once(const AgentConfig& config);

class AgentServer {
 public:
  // `host_name` is the name the agent enrols under; `platform` is shown on the index page.
  AgentServer(const AgentConfig& config, const std::string& host_name, const std::string& platform);
  ~AgentServer();
  AgentServer(const AgentServer&) = delete;
  AgentServer& operator=(const AgentServer&) = delete;

  void start();
  // Stops sampling, then reporting (unsent batches stay in the spool), then serving.
  void stop();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace sahab::agent
