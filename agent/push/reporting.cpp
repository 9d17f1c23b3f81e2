#include "agent/push/reporting.h"

#include "common/duration.h"
#include "common/log.h"

namespace sahab::agent {

Reporting::Reporting(const AgentConfig& config, const std::string& host_id,
                     const std::string& hostname, ReportContent content)
    : client_(config.client),
      spool_(config.spool_dir, config.spool_limits),
      enrolment_(config.state_dir, config.enrolment_token_file, config.collector_url, host_id,
                 hostname),
      pusher_(PushOptions{config.collector_url, config.report_interval}, client_, spool_,
              enrolment_, std::move(content)) {
  pusher_.start();
  log::info("reporting to " + config.collector_url + " every " +
            format_duration(config.report_interval) + "; spool " + config.spool_dir.string());
}

Reporting::~Reporting() { pusher_.stop(); }

}  // namespace sahab::agent
