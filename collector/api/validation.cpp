// Before/after validation: linking a source host to the target it reports from after its move,
// and comparing their inventories (validation.h).
#include "collector/api/validation.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <variant>

#include "collector/api/request_body.h"
#include "collector/api/router.h"
#include "collector/store/agents.h"
#include "collector/store/hosts.h"
#include "collector/store/maintenance.h"
#include "collector/store/migration.h"
#include "collector/store/utilisation.h"
#include "common/bounded_json.h"
#include "common/protocol/inventory.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;
namespace inv = protocol::inventory;

// The source's history before its move, and the target's recent days after it.
constexpr std::int64_t kBeforeSeconds = 30 * 86400;
constexpr std::int64_t kAfterSeconds = 7 * 86400;

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
    out.push_back({rule, subject, detail, after.count(subject) > 0, {}, {}, {}});
  }
}

// A host's inventory section as stored, or an empty object.
json section_of(const HostInventory& host, std::string_view section) {
  for (const auto& s : host.sections) {
    if (s.section == section)
      return bounded_json::parse_stored_or(s.data_json, section, json::object());
  }
  return json::object();
}

std::optional<std::int64_t> section_time(const HostInventory& host, std::string_view section) {
  for (const auto& s : host.sections) {
    if (s.section == section) return s.updated_at;
  }
  return std::nullopt;
}

http::Response no_host(const std::string& id) {
  return error_response(404, "host_not_found", {{"id", id}}, "no host '" + id + "'");
}

http::Response link(Context& ctx, PlanService& plans, ValidationCache& cache,
                    const http::Request& request) {
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
  const auto links = ctx.store.read([](Database& db) { return migration_targets(db); });
  if (const auto v = validate_link(ctx, source, links, sizing_ceiling(plans))) cache.keep(*v);
  return json_response(200, {{"source", source}, {"target", target_id}});
}

// P95 of cpu_ratio and memory_ratio over [from, to).
UtilisationP95 p95(Context& ctx, Database& db, const std::string& host, std::int64_t from,
                   std::int64_t to) {
  const UtilisationQuery query{host, "", from, to, raw_from(ctx.config.retention, ctx.now())};
  const auto stats = query_windows(db, query, {"cpu_ratio", "memory_ratio"});
  return {stats[0].sketch.quantile(0.95), stats[1].sketch.quantile(0.95)};
}

json validation_json(const MoveValidation& v) {
  json list = json::array();
  for (const auto& c : v.checks) {
    json check = {{"rule", c.rule}, {"subject", c.subject}, {"detail", c.detail},
                  {"before", true}, {"after", c.after},     {"regression", !c.after}};
    if (c.ceiling) {
      check["before_p95"] = c.before_p95 ? json(*c.before_p95) : json();
      check["after_p95"] = *c.after_p95;
      check["ceiling"] = *c.ceiling;
    }
    list.push_back(std::move(check));
  }
  const auto when = [](std::optional<std::int64_t> t) {
    return t ? json(format_rfc3339(*t)) : json();
  };
  return {{"source", v.source},
          {"target", v.target},
          {"before_at", when(v.before_at)},
          {"after_at", when(v.after_at)},
          {"status", v.status()},
          {"regressions", v.regressions()},
          {"checks", list}};
}

http::Response validation(Context& ctx, PlanService& plans, ValidationCache& cache,
                          const http::Request& request) {
  const std::string source_id = request.param("id").substr(0, 256);
  if (!ctx.store.read([&](Database& db) { return host_exists(db, source_id); })) {
    return no_host(source_id);
  }
  const auto links = ctx.store.read([](Database& db) { return migration_targets(db); });
  const auto target = links.find(source_id);
  if (target == links.end()) {
    return error_response(404, "migration_target_not_linked", {{"id", source_id}},
                          "host " + source_id + " has no target linked: PUT its migration/target");
  }
  const auto result = validate_link(ctx, source_id, links, sizing_ceiling(plans));
  if (!result) return no_host(target->second);
  cache.keep(*result);
  return json_response(200, validation_json(*result));
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

std::vector<ValidationCheck> validate_dependencies(
    const std::vector<Dependency>& before, const std::vector<Dependency>& after,
    const std::map<std::string, std::string>& moved) {
  // "host:port" for a known host, "address:port" for an address no host owns.
  const auto key = [](const std::string& end, std::int64_t port) {
    return end + ":" + std::to_string(port);
  };
  std::set<std::string> reached;
  for (const auto& d : after) reached.insert(key(d.host.empty() ? d.address : d.host, d.port));
  std::map<std::string, std::string> needed;  // subject -> the process that connected
  for (const auto& d : before) {
    auto& process = needed[key(d.host.empty() ? d.address : d.host, d.port)];
    if (process.empty()) process = d.process;
  }
  std::vector<ValidationCheck> out;
  for (const auto& [subject, process] : needed) {
    bool ok = reached.count(subject) > 0;
    const auto host = subject.substr(0, subject.rfind(':'));
    if (const auto to = moved.find(host); !ok && to != moved.end()) {
      ok = reached.count(to->second + subject.substr(subject.rfind(':'))) > 0;
    }
    out.push_back({"dependency_reached", subject, process, ok, {}, {}, {}});
  }
  return out;
}

std::vector<ValidationCheck> validate_sizing(const UtilisationP95& before,
                                             const UtilisationP95& after, double ceiling) {
  std::vector<ValidationCheck> out;
  const auto check = [&](const char* rule, const char* subject, std::optional<double> was,
                         std::optional<double> now) {
    if (now) out.push_back({rule, subject, "", *now <= ceiling, was, now, ceiling});
  };
  check("cpu_p95", "cpu", before.cpu, after.cpu);
  check("memory_p95", "memory", before.memory, after.memory);
  return out;
}

double sizing_ceiling(const PlanService& plans) {
  return 1 / std::max(1.0, plans.configure(nullptr).sizing.comfort_factor);
}

std::size_t MoveValidation::regressions() const {
  std::size_t n = 0;
  for (const auto& c : checks) n += c.after ? 0 : 1;
  return n;
}

std::string MoveValidation::status() const {
  if (!before_at || !after_at) return "no_data";
  return regressions() ? "regressions" : "ok";
}

std::optional<MoveValidation> validate_link(Context& ctx, const std::string& source_id,
                                            const std::map<std::string, std::string>& links,
                                            double ceiling, ValidationDetail detail) {
  const auto link = links.find(source_id);
  if (link == links.end()) return std::nullopt;
  return ctx.store.read([&](Database& db) -> std::optional<MoveValidation> {
    const auto source = find_host_inventory(db, source_id);
    const auto target = find_host_inventory(db, link->second);
    if (!source || !target) return std::nullopt;
    const auto network = std::string(inv::network::kSection);
    const auto software = std::string(inv::software::kSection);
    MoveValidation out{source_id, link->second, section_time(*source, network),
                       section_time(*target, network),
                       validate_move(section_of(*source, network), section_of(*source, software),
                                     section_of(*target, network), section_of(*target, software))};
    for (auto& c : validate_dependencies(host_dependencies(db, source_id),
                                         host_dependencies(db, link->second), links)) {
      out.checks.push_back(std::move(c));
    }
    // Before: the month up to the start of the move (or the source's last report).
    const std::int64_t moved_at =
        last_change_to(db, source_id, "in_progress").value_or(source->host.last_seen + 1);
    const std::int64_t now = ctx.now();
    const auto before = detail == ValidationDetail::kFull
                            ? p95(ctx, db, source_id, moved_at - kBeforeSeconds, moved_at)
                            : UtilisationP95{};
    for (auto& c : validate_sizing(before, p95(ctx, db, link->second, now - kAfterSeconds, now + 1),
                                   ceiling)) {
      out.checks.push_back(std::move(c));
    }
    return out;
  });
}

std::optional<ValidationFlags> ValidationCache::flags(
    Context& ctx, const std::string& source, const std::map<std::string, std::string>& links) {
  const auto link = links.find(source);
  if (link == links.end()) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    const auto it = kept_.find(source);
    if (it != kept_.end() && it->second.target == link->second) return it->second;
  }
  const auto v =
      validate_link(ctx, source, links, sizing_ceiling(plans_), ValidationDetail::kFlags);
  if (!v) return std::nullopt;
  keep(*v);
  std::lock_guard lock(mutex_);
  return kept_.at(source);
}

void ValidationCache::keep(const MoveValidation& v) {
  ValidationFlags flags{v.target, v.status(), v.regressions(), {}};
  for (const auto& c : v.checks) {
    if (!c.after) flags.failed.push_back(c);
  }
  std::lock_guard lock(mutex_);
  kept_[v.source] = std::move(flags);
}

void ValidationCache::refresh(Context& ctx) {
  const auto links = ctx.store.read([](Database& db) { return migration_targets(db); });
  const double ceiling = sizing_ceiling(plans_);
  for (const auto& [source, target] : links) {
    if (const auto v = validate_link(ctx, source, links, ceiling, ValidationDetail::kFlags)) {
      keep(*v);
    }
  }
}

void register_validation_routes(http::Server& server, Context& ctx, PlanService& plans,
                                ValidationCache& cache) {
  add_api_routes(
      server, ctx,
      {{"PUT", "/api/v1/hosts/{id}/migration/target", MinRole::kPlanner,
        [&plans, &cache](Context& c, const http::Request& r) { return link(c, plans, cache, r); },
        bounded_json::kSmallBodyBytes},
       {"GET", "/api/v1/hosts/{id}/validation", MinRole::kViewer,
        [&plans, &cache](Context& c, const http::Request& r) {
          return validation(c, plans, cache, r);
        }}});
}

}  // namespace sahab::collector
