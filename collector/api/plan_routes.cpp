// The planner over the collector's fleet: GET|POST /api/v1/plan, /api/v1/plan/summary,
// GET /api/v1/plan/hosts/{id}, and named scenarios under /api/v1/scenarios (docs/api.md#plan).
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <variant>

#include "collector/api/plan_service.h"
#include "collector/api/request_body.h"
#include "collector/api/router.h"
#include "collector/store/agents.h"
#include "collector/store/scenarios.h"
#include "common/bounded_json.h"
#include "common/timestamp.h"
#include "planner/report.h"
#include "planner/xlsx_report.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr std::size_t kMaxDescriptionBytes = 1024;

// The parameters of a stored scenario; nullopt (and `missing` set) when there is none.
std::optional<json> scenario_parameters(Context& ctx, const std::string& name) {
  const auto scenario = ctx.store.read([&name](Database& db) { return find_scenario(db, name); });
  if (!scenario) return std::nullopt;
  return bounded_json::parse_stored_or(scenario->parameters, "scenario parameters", json());
}

http::Response no_scenario(const std::string& name) {
  return error_response(404, "scenario_not_found", {{"name", name}}, "no scenario '" + name + "'");
}

// 503 while the collector has no planner (no catalogue configured, or it failed to load).
http::Response plan_unavailable(const PlanService& plans) {
  return error_response(503, "plan_unavailable", json::object(), plans.unavailable_reason());
}

// The plan for `parameters` (null = as configured), or the error to answer.
std::variant<std::shared_ptr<const PlanService::Result>, http::Response> plan_for(
    PlanService& plans, const json& parameters) {
  if (!plans.available()) return plan_unavailable(plans);
  try {
    return plans.plan(plans.configure(parameters));
  } catch (const settings::ConfigError& e) {
    return parameter_error(e);
  } catch (const planner::FleetError& e) {
    return stored_fleet_error(e);
  }
}

// The parameters a request asks for: POST body {"parameters": {...}}, or GET ?scenario=NAME.
std::variant<json, http::Response> requested_parameters(Context& ctx,
                                                        const http::Request& request) {
  if (request.method == "POST") {
    auto body = json_body_object(request, {"parameters"});
    if (auto* error = std::get_if<http::Response>(&body)) return *error;
    return std::get<json>(body).value("parameters", json());
  }
  const auto name = request.query_param("scenario");
  if (!name) return json();
  if (!valid_scenario_name(*name)) return error_response(400, "scenario: invalid name");
  auto parameters = scenario_parameters(ctx, *name);
  if (!parameters) return no_scenario(*name);
  return *parameters;
}

std::string file_stem(const std::string& scenario) {
  std::string stem = "sahab-plan";
  if (!scenario.empty()) stem += "-" + scenario;
  for (char& c : stem) {
    if (c == ' ') c = '_';
  }
  return stem;
}

// The full plan as sahab-plan/1 JSON, a CSV table, the printable HTML report or an .xlsx workbook.
http::Response plan_document(const planner::Plan& plan, const http::Request& request,
                             const std::string& scenario) {
  const std::string format = request.query_param("format").value_or("json");
  const std::string stem = file_stem(scenario);
  http::Response r;
  if (format == "json") {
    r = http::Response::json(200, planner::plan_json_text(plan));
    r.headers.emplace_back("Content-Disposition", "inline; filename=\"" + stem + ".json\"");
  } else if (format == "csv") {
    const std::string table = request.query_param("table").value_or("hosts");
    std::string body;
    if (table == "hosts") {
      body = planner::hosts_csv(plan);
    } else if (table == "waves") {
      body = planner::waves_csv(plan);
    } else if (table == "costs") {
      body = planner::costs_csv(plan);
    } else {
      return error_response(400, "table: expected one of hosts, waves, costs");
    }
    r = http::Response::text(200, std::move(body));
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"" + stem + "-" + table + ".csv\"");
  } else if (format == "html") {
    // The report in the web UI's language (?lang=fr by default, en, ar; zgh reads French).
    const auto language = planner::language_named(request.query_param("lang").value_or("fr"));
    if (!language) {
      return error_response(400, "query_choice", {{"name", "lang"}, {"choices", "fr, en, ar, zgh"}},
                            "lang: expected fr, en, ar or zgh");
    }
    r = http::Response::text(200, planner::html_report(plan, *language));
    r.content_type = "text/html; charset=utf-8";
    r.headers.emplace_back("Content-Disposition", "inline; filename=\"" + stem + ".html\"");
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; style-src 'unsafe-inline'");
  } else if (format == "xlsx") {
    // The library writes files only: the workbook goes through a private temporary file.
    r = http::Response::text(200, planner::plan_xlsx(plan, std::filesystem::temp_directory_path()));
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + stem + ".xlsx\"");
  } else {
    return error_response(400, "format: expected one of json, csv, html, xlsx");
  }
  return r;
}

// Resolves the parameters and plans: the shared head of every plan route.
std::variant<std::shared_ptr<const PlanService::Result>, http::Response> authorised_plan(
    Context& ctx, PlanService& plans, const http::Request& request) {
  auto parameters = requested_parameters(ctx, request);
  if (auto* error = std::get_if<http::Response>(&parameters)) return *error;
  return plan_for(plans, std::get<json>(parameters));
}

http::Response full_plan(Context& ctx, PlanService& plans, const http::Request& request) {
  auto result = authorised_plan(ctx, plans, request);
  if (auto* error = std::get_if<http::Response>(&result)) return *error;
  return plan_document(std::get<0>(result)->plan, request,
                       request.query_param("scenario").value_or(""));
}

http::Response summary(Context& ctx, PlanService& plans, const http::Request& request) {
  auto result = authorised_plan(ctx, plans, request);
  if (auto* error = std::get_if<http::Response>(&result)) return *error;
  return http::Response::json(200, std::get<0>(result)->summary);
}

// The configured parameters and the catalogue's providers without planning, so the what-if form
// can be shown while the first plan after a fleet change is still being computed.
http::Response configured_parameters(Context&, PlanService& plans, const http::Request&) {
  if (!plans.available()) return plan_unavailable(plans);
  return json_response(200, {{"format", "sahab-plan-parameters/1"},
                             {"parameters", planner::parameters_json(plans.configure(nullptr))},
                             {"providers", plans.providers()}});
}

http::Response host_recommendation(Context& ctx, PlanService& plans, const http::Request& request) {
  const std::string& id = request.param("id");
  auto result = authorised_plan(ctx, plans, request);
  if (auto* error = std::get_if<http::Response>(&result)) return *error;
  const auto& plan = *std::get<0>(result);
  const auto it = plan.index.find(id);
  if (it == plan.index.end()) {
    return error_response(404, "host_not_found", {{"id", id.substr(0, 128)}},
                          "no host '" + id.substr(0, 128) + "'");
  }
  return http::Response::json(200, planner::host_plan_json_text(plan.plan, it->second));
}

// Scenarios.

json scenario_json(const Scenario& s) {
  return {
      {"name", s.name},
      {"description", s.description},
      {"parameters", bounded_json::parse_stored_or(s.parameters, "scenario parameters", json())},
      {"created_by", s.created_by},
      {"created_at", format_rfc3339(s.created_at)},
      {"updated_by", s.updated_by},
      {"updated_at", format_rfc3339(s.updated_at)}};
}

// The scenario with its plan's figures (or the error its parameters give today); without them
// (`figures` false) when the caller only needs names and parameters, since each costs a plan.
json scenario_with_figures(PlanService& plans, const Scenario& s, bool figures = true) {
  json out = scenario_json(s);
  if (!figures || !plans.available()) return out;
  try {
    out["summary"] = plans.brief(plans.configure(out["parameters"]));
  } catch (const settings::ConfigError& e) {
    out["error"] = e.what();
  }
  return out;
}

http::Response list(Context& ctx, PlanService& plans, const http::Request& request) {
  const auto all = ctx.store.read([](Database& db) { return list_scenarios(db); });
  const bool figures = request.query_param("figures").value_or("") != "none";
  json out = json::array();
  for (const auto& s : all) out.push_back(scenario_with_figures(plans, s, figures));
  return json_response(200, {{"scenarios", out}});
}

// The {name} of a scenario route, or the 400 when it is not a scenario name.
std::variant<std::string, http::Response> scenario_name(const http::Request& request) {
  const std::string& name = request.param("name");
  if (!valid_scenario_name(name)) {
    return error_response(400, "scenario_name", json::object(),
                          "scenario name: expected 1 to 64 of A-Z a-z 0-9 space . _ -");
  }
  return name;
}

http::Response put(Context& ctx, PlanService& plans, const http::Request& request) {
  const auto named = scenario_name(request);
  if (const auto* refusal = std::get_if<http::Response>(&named)) return *refusal;
  const std::string& name = std::get<std::string>(named);
  auto parsed = json_body_object(request, {"description", "parameters"});
  if (auto* error = std::get_if<http::Response>(&parsed)) return *error;
  const json& body = std::get<json>(parsed);
  const json description = body.value("description", json(""));
  if (!description.is_string() || description.get<std::string>().size() > kMaxDescriptionBytes) {
    return error_response(400, "scenario_description", {{"max_bytes", kMaxDescriptionBytes}},
                          "description: expected a string of at most 1024 bytes");
  }
  const json parameters = body.value("parameters", json::object());
  try {
    plans.configure(parameters);  // refused now rather than when someone opens it
  } catch (const settings::ConfigError& e) {
    return parameter_error(e);
  }
  Scenario s{name,     description.get<std::string>(), parameters.dump(),
             "",       actor_name(ctx, request),       0,
             ctx.now()};
  bool created = false;
  ctx.store.write([&](Database& db) {
    created = save_scenario(db, s);
    audit(db, s.updated_at, created ? "scenario-create" : "scenario-update", std::nullopt, "",
          client_address(ctx, request), name + " by " + s.updated_by);
  });
  const auto stored = ctx.store.read([&name](Database& db) { return find_scenario(db, name); });
  return json_response(created ? 201 : 200, scenario_json(*stored));
}

http::Response remove(Context& ctx, PlanService&, const http::Request& request) {
  const auto named = scenario_name(request);
  if (const auto* refusal = std::get_if<http::Response>(&named)) return *refusal;
  const std::string& name = std::get<std::string>(named);
  bool found = false;
  ctx.store.write([&](Database& db) {
    found = delete_scenario(db, name);
    if (found) {
      audit(db, ctx.now(), "scenario-delete", std::nullopt, "", client_address(ctx, request),
            name + " by " + actor_name(ctx, request));
    }
  });
  if (!found) return no_scenario(name);
  return json_response(200, {{"deleted", name}});
}

// GET /api/v1/scenarios/{name} (with its figures) and /api/v1/scenarios/{name}/plan.
http::Response scenario(Context& ctx, PlanService& plans, const http::Request& request,
                        bool wants_plan) {
  const auto named = scenario_name(request);
  if (const auto* refusal = std::get_if<http::Response>(&named)) return *refusal;
  const std::string& name = std::get<std::string>(named);
  const auto stored = ctx.store.read([&name](Database& db) { return find_scenario(db, name); });
  if (!stored) return no_scenario(name);
  if (!wants_plan) return json_response(200, scenario_with_figures(plans, *stored));
  auto result = plan_for(
      plans, bounded_json::parse_stored_or(stored->parameters, "scenario parameters", json()));
  if (auto* error = std::get_if<http::Response>(&result)) return *error;
  return plan_document(std::get<0>(result)->plan, request, name);
}

}  // namespace

void register_plan_routes(http::Server& server, Context& ctx, PlanService& plans) {
  const auto route = [&plans](const char* method, const char* path, MinRole role,
                              PlanHandler handler) {
    return plan_route(plans, method, path, role, handler);
  };

  const PlanHandler get_scenario = [](Context& c, PlanService& p, const http::Request& r) {
    return scenario(c, p, r, false);
  };
  const PlanHandler scenario_plan = [](Context& c, PlanService& p, const http::Request& r) {
    return scenario(c, p, r, true);
  };
  add_api_routes(server, ctx,
                 {route("GET", "/api/v1/plan", MinRole::kViewer, full_plan),
                  route("POST", "/api/v1/plan", MinRole::kViewer, full_plan),
                  route("GET", "/api/v1/plan/summary", MinRole::kViewer, summary),
                  route("POST", "/api/v1/plan/summary", MinRole::kViewer, summary),
                  route("GET", "/api/v1/plan/hosts/{id}", MinRole::kViewer, host_recommendation),
                  route("GET", "/api/v1/plan/parameters", MinRole::kViewer, configured_parameters),
                  route("GET", "/api/v1/scenarios", MinRole::kViewer, list),
                  route("GET", "/api/v1/scenarios/{name}", MinRole::kViewer, get_scenario),
                  route("GET", "/api/v1/scenarios/{name}/plan", MinRole::kViewer, scenario_plan),
                  route("PUT", "/api/v1/scenarios/{name}", MinRole::kPlanner, put),
                  route("DELETE", "/api/v1/scenarios/{name}", MinRole::kPlanner, remove)});
}

}  // namespace sahab::collector
