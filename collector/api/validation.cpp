// Before/after validation: linking a source host to the target it reports from after its move,
// and comparing their inventories (validation.h).
#include "collector/api/validation.h"

#include <map>
#include <optional>
#include <variant>

#include "collector/api/request_body.h"
#include "collector/api/router.h"
#include "collector/store/agents.h"
#include "collector/store/hosts.h"
#include "collector/store/migration.h"
#include "common/bounded_json.h"
#include "common/protocol/inventory.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;
namespace inv = protocol::inventory;

// "tcp/5432" -> the process that listened ("" when the agent could not see it).
std::map<std::string, std::string> listening_ports(const json& network) {
  std::map<std::string, std::string> out;
  const auto list = network.find(std::string(inv::network::kListening.name));
  if (list == network.end() || !list->is_array()) return out;
  for (const auto& entry : *list) {
    if (!entry.is_object()) continue;
    const auto protocol = entry.value(std::string(inv::listening::kProtocol.name), std::string());
    const auto port = entry.find(std::string(inv::listening::kPort.name));
    if (protocol.empty() || port == entry.end() || !port->is_number_integer()) continue;
    auto& process = out[protocol + "/" + std::to_string(port->get<std::int64_t>())];
    if (process.empty()) {
      process = entry.value(std::string(inv::listening::kProcess.name), std::string());
    }
  }
  return out;
}

std::map<std::string, std::string> running_services(const json& software) {
  std::map<std::string, std::string> out;
  const auto list = software.find(std::string(inv::software::kServices.name));
  if (list == software.end() || !list->is_array()) return out;
  for (const auto& entry : *list) {
    if (!entry.is_object()) continue;
    const auto name = entry.value(std::string(inv::service::kName.name), std::string());
    const bool running =
        entry.value(std::string(inv::service::kRunning.name), false) ||
        entry.value(std::string(inv::service::kState.name), std::string()) == "running";
    if (!name.empty() && running) out.emplace(name, "");
  }
  return out;
}

void compare(const char* rule, const std::map<std::string, std::string>& before,
             const std::map<std::string, std::string>& after, std::vector<ValidationCheck>& out) {
  for (const auto& [subject, detail] : before) {
    out.push_back({rule, subject, detail, after.count(subject) > 0});
  }
}

// A host's inventory section as stored, or an empty object.
json section_of(const HostRecord& host, std::string_view section) {
  for (const auto& s : host.sections) {
    if (s.section == section)
      return bounded_json::parse_stored_or(s.data_json, section, json::object());
  }
  return json::object();
}

std::optional<std::int64_t> section_time(const HostRecord& host, std::string_view section) {
  for (const auto& s : host.sections) {
    if (s.section == section) return s.updated_at;
  }
  return std::nullopt;
}

http::Response no_host(const std::string& id) {
  return error_response(404, "host_not_found", {{"id", id}}, "no host '" + id + "'");
}

http::Response link(Context& ctx, const http::Request& request) {
  const std::string source = request.param("id").substr(0, 256);
  auto parsed = json_body_object(request, {"target_host"});
  if (auto* error = std::get_if<http::Response>(&parsed)) return *error;
  const json target = std::get<json>(parsed).value("target_host", json());
  if (!target.is_string() || target.get<std::string>().empty() ||
      target.get<std::string>().size() > 256 || target.get<std::string>() == source) {
    return error_response(400, "migration_field", {{"field", "target_host"}},
                          "target_host: expected the id of another known host");
  }
  const std::string target_id = target.get<std::string>();
  for (const auto& id : {source, target_id}) {
    if (!ctx.store.read([&id](Database& db) { return host_exists(db, id); })) return no_host(id);
  }
  const std::string actor = actor_name(ctx, request);
  ctx.store.write([&](Database& db) {
    link_migration_target(db, source, target_id, actor, ctx.now());
    audit(db, ctx.now(), "migration-target", std::nullopt, source, client_address(ctx, request),
          "target " + target_id + " by " + actor);
  });
  return json_response(200, {{"source", source}, {"target", target_id}});
}

http::Response validation(Context& ctx, const http::Request& request) {
  const std::string source_id = request.param("id").substr(0, 256);
  const auto source = ctx.store.read([&](Database& db) { return find_host(db, source_id); });
  if (!source) return no_host(source_id);
  const auto target_id =
      ctx.store.read([&](Database& db) { return migration_target(db, source_id); });
  if (!target_id) {
    return error_response(404, "migration_target_not_linked", {{"id", source_id}},
                          "host " + source_id + " has no target linked: PUT its migration/target");
  }
  const auto target = ctx.store.read([&](Database& db) { return find_host(db, *target_id); });
  if (!target) return no_host(*target_id);
  const auto network = std::string(inv::network::kSection);
  const auto software = std::string(inv::software::kSection);
  const auto checks = validate_move(section_of(*source, network), section_of(*source, software),
                                    section_of(*target, network), section_of(*target, software));
  json list = json::array();
  std::size_t regressions = 0;
  for (const auto& c : checks) {
    regressions += c.after ? 0 : 1;
    list.push_back({{"rule", c.rule},
                    {"subject", c.subject},
                    {"detail", c.detail},
                    {"before", true},
                    {"after", c.after},
                    {"regression", !c.after}});
  }
  const auto when = [](std::optional<std::int64_t> t) {
    return t ? json(format_rfc3339(*t)) : json();
  };
  const bool measured = section_time(*source, network) && section_time(*target, network);
  return json_response(200, {{"source", source_id},
                             {"target", *target_id},
                             {"before_at", when(section_time(*source, network))},
                             {"after_at", when(section_time(*target, network))},
                             {"status", !measured     ? "no_data"
                                        : regressions ? "regressions"
                                                      : "ok"},
                             {"regressions", regressions},
                             {"checks", list}});
}

}  // namespace

std::vector<ValidationCheck> validate_move(const json& network_before, const json& software_before,
                                           const json& network_after, const json& software_after) {
  std::vector<ValidationCheck> out;
  compare("port_listening", listening_ports(network_before), listening_ports(network_after), out);
  compare("service_running", running_services(software_before), running_services(software_after),
          out);
  return out;
}

void register_validation_routes(http::Server& server, Context& ctx) {
  add_api_routes(server, ctx,
                 {{"PUT", "/api/v1/hosts/{id}/migration/target", MinRole::kPlanner, link,
                   bounded_json::kSmallBodyBytes},
                  {"GET", "/api/v1/hosts/{id}/validation", MinRole::kViewer, validation}});
}

}  // namespace sahab::collector
