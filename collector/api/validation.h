#pragma once
// Before/after validation of a migrated server (docs/execution.md#validation): the inventory its
// source host last reported (before the move) against what its target host reports now.
//
// Rules: every TCP or UDP port the source listened on is listened on by the target
// (`port_listening`), and every service running on the source runs on the target
// (`service_running`). A check whose `after` is false is a regression.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "collector/api/context.h"

namespace sahab::collector {

struct ValidationCheck {
  std::string rule;     // port_listening | service_running
  std::string subject;  // "tcp/5432", "postgresql.service"
  std::string detail;   // the process that listened, "" when unknown
  bool after = false;   // true: the target has it too
};

// The checks for a source's `network` and `software` sections (before) and its target's (after);
// absent sections are empty objects. Sorted by rule and subject.
std::vector<ValidationCheck> validate_move(const nlohmann::json& network_before,
                                           const nlohmann::json& software_before,
                                           const nlohmann::json& network_after,
                                           const nlohmann::json& software_after);

// PUT /api/v1/hosts/{id}/migration/target, GET /api/v1/hosts/{id}/validation.
void register_validation_routes(http::Server& server, Context& context);

}  // namespace sahab::collector
