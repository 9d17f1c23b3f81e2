#include "agent/inventory/inventory.h"

#include <chrono>
#include <ctime>

#include "agent/inventory/connections.h"
#include "common/crypto.h"
#include "common/protocol/inventory.h"
#include "common/protocol/report.h"
#include "common/timestamp.h"

namespace sahab::agent::inventory {
namespace {

// Runs one section's collector, attaching its problems as "problems" (and how many were
// dropped beyond the cap) so the reader sees why a field is empty.
template <typename Collect>
nlohmann::json section(Collect&& collect) {
  Problems problems;
  nlohmann::json data;
  try {
    data = collect(problems);
  } catch (const std::exception& e) {
    problems.add(std::string("section failed: ") + e.what());
  }
  if (!data.is_object()) data = nlohmann::json::object();
  if (!problems.empty()) {
    data[protocol::inventory::kProblems.name] = problems.messages();
    if (problems.dropped()) data[protocol::inventory::kProblemsDropped.name] = problems.dropped();
  }
  namespace f = protocol::report::section;
  return {{f::kHash.name, section_hash(data)}, {f::kData.name, std::move(data)}};
}

}  // namespace

std::string section_hash(const nlohmann::json& data) { return crypto::sha256_hex(to_text(data)); }

std::string to_text(const nlohmann::json& json, int indent) {
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

Inventory::Inventory(Context ctx)
    : ctx_(std::move(ctx)), tracker_(std::make_unique<ConnectionTracker>(ctx_.paths)) {}

Inventory::~Inventory() = default;

nlohmann::json Inventory::collect() const {
  const auto now = std::chrono::system_clock::now();
  const auto processes = scan_processes(ctx_.paths, true);
  namespace s = protocol::inventory;
  nlohmann::json sections;
  sections[s::identity::kSection] = section([&](Problems& p) { return collect_identity(ctx_, p); });
  sections[s::system::kSection] = section([&](Problems& p) { return collect_system(ctx_, p); });
  sections[s::hardware::kSection] = section([&](Problems& p) { return collect_hardware(ctx_, p); });
  const nlohmann::json& network = sections[s::network::kSection] =
      section([&](Problems& p) { return collect_network(ctx_, *tracker_, processes, p); });
  sections[s::software::kSection] = section([&](Problems& p) {
    return collect_software(
        ctx_, processes,
        network[protocol::report::section::kData.name][s::network::kListening.name], p);
  });
  namespace f = protocol::report::inventory;
  return {{f::kFormat.name, protocol::report::kInventoryFormat},
          {f::kCollectedAt.name,
           format_rfc3339(
               std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())},
          {f::kFull.name, true},
          {f::kSections.name, std::move(sections)}};
}

}  // namespace sahab::agent::inventory
