#pragma once
// Everything the agent needs to report to a collector, owned together and started at once:
// the HTTP client, the spool, the enrolment and the pusher thread.
#include <memory>
#include <string>

#include "agent/config.h"
#include "agent/metrics/collector.h"
#include "agent/push/enrolment.h"
#include "agent/push/http_client.h"
#include "agent/push/pusher.h"
#include "agent/push/spool.h"

namespace sahab::agent {

class Reporting {
 public:
  // Throws FileError when the spool directory cannot be created.
  Reporting(const AgentConfig& config, const std::string& host_id, const std::string& hostname,
            ReportContent content);
  ~Reporting();
  Reporting(const Reporting&) = delete;
  Reporting& operator=(const Reporting&) = delete;

  std::shared_ptr<const Collector> metrics() const { return pusher_.metrics(); }

 private:
  HttpClient client_;
  Spool spool_;
  Enrolment enrolment_;
  Pusher pusher_;
};

}  // namespace sahab::agent
