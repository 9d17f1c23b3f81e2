// The migration state of hosts in the active baseline (docs/execution.md): waves with their
// counts per state, one wave's hosts, a state change for a whole wave, a move group or one host
// (checked against the lifecycle of migration_states.h, with the version the caller last saw),
// a host's history, and the progress report by region, province and commune.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "collector/api/execution.h"
#include "collector/api/migration_states.h"
#include "collector/api/request_body.h"
#include "collector/api/router.h"
#include "collector/api/validation.h"
#include "collector/store/agents.h"
#include "common/bounded_json.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr std::size_t kMaxNoteBytes = 1024;
constexpr std::int64_t kHistoryEntries = 100;

std::string names_of(const std::vector<MigrationState>& states) {
  std::string out;
  for (const auto state : states) {
    if (!out.empty()) out += ", ";
    out += to_string(state);
  }
  return out.empty() ? "none" : out;
}

http::Response no_active_baseline() {
  return error_response(404, "no_baseline", json::object(),
                        "no baseline approved yet: POST /api/v1/baselines first");
}

http::Response bad_field(const std::string& field, const std::string& why) {
  return error_response(400, "migration_field", {{"field", field}}, field + ": " + why);
}

// A body of POST .../status and /hosts/{id}/migration, checked field by field.
struct ChangeRequest {
  MigrationState to = MigrationState::kPlanned;
  std::string date, note;
  std::int64_t version = 0;
};

std::variant<ChangeRequest, http::Response> change_request(const http::Request& request) {
  auto parsed = json_body_object(request, {"state", "note", "date", "version"});
  if (auto* error = std::get_if<http::Response>(&parsed)) return *error;
  const json& body = std::get<json>(parsed);
  ChangeRequest out;
  const json state = body.value("state", json());
  const auto to = state.is_string() ? parse_migration_state(state.get<std::string>())
                                    : std::optional<MigrationState>();
  if (!to) return bad_field("state", "expected one of " + names_of(migration_states()));
  out.to = *to;
  const json version = body.value("version", json());
  if (!version.is_number_integer() || version.get<std::int64_t>() < 0) {
    return bad_field("version",
                     "expected the version last read (an integer from 0; GET the wave or host)");
  }
  out.version = version.get<std::int64_t>();
  const json note = body.value("note", json(""));
  if (!note.is_string() || note.get<std::string>().size() > kMaxNoteBytes) {
    return bad_field("note", "expected a string of at most 1024 bytes");
  }
  out.note = note.get<std::string>();
  const json date = body.value("date", json());
  if (out.to == MigrationState::kScheduled) {
    if (!date.is_string() || date.get<std::string>().size() != 10 ||
        !parse_rfc3339(date.get<std::string>() + "T00:00:00Z")) {
      return bad_field("date", "scheduled needs a date as YYYY-MM-DD");
    }
    out.date = date.get<std::string>();
  } else if (!date.is_null()) {
    return bad_field("date", "only a change to scheduled takes a date");
  }
  return out;
}

// What a change applies to, and how it is named in answers and the audit log.
struct Scope {
  StatusScope kind;
  std::string key;
  std::string what;  // "wave 3", "move group g-2", "host h1-x"
  std::string not_found_code;
};

json status_json(const MigrationStatus& s) {
  return {{"id", s.host_id},
          {"hostname", s.hostname},
          {"wave", s.wave},
          {"move_group", s.move_group},
          {"strategy", s.strategy},
          {"state", s.state},
          {"date", s.scheduled_for},
          {"note", s.note},
          {"changed_by", s.changed_by},
          {"changed_at", s.changed_at ? json(format_rfc3339(s.changed_at)) : json()},
          {"version", s.version}};
}

std::int64_t newest_version(const std::vector<MigrationStatus>& hosts) {
  std::int64_t version = 0;
  for (const auto& h : hosts) version = std::max(version, h.version);
  return version;
}

json empty_counts() {
  json counts = json::object();
  for (const auto state : migration_states()) counts[std::string(to_string(state))] = 0;
  return counts;
}

// One state change for every host of `scope`, in one transaction of the writer: the versions and
// transitions are checked there, so a concurrent change either came first (and this one is
// stale) or comes after; a refusal leaves every host as it was.
http::Response change(Context& ctx, const http::Request& request, const Scope& scope) {
  auto parsed = change_request(request);
  if (auto* error = std::get_if<http::Response>(&parsed)) return *error;
  const ChangeRequest& c = std::get<ChangeRequest>(parsed);
  const std::string actor = actor_name(ctx, request);
  std::optional<http::Response> refusal;
  json answer;
  ctx.store.write([&](Database& db) {
    const auto baseline = active_baseline(db);
    if (!baseline) {
      refusal = no_active_baseline();
      return;
    }
    const auto hosts = migration_statuses(db, baseline->id, scope.kind, scope.key);
    if (hosts.empty()) {
      refusal = error_response(404, scope.not_found_code, {{"key", scope.key}},
                               "no " + scope.what + " in the active baseline");
      return;
    }
    const std::int64_t current = newest_version(hosts);
    if (c.version != current) {
      refusal = error_response(409, "stale_version", {{"version", current}, {"given", c.version}},
                               scope.what + " changed since version " + std::to_string(c.version) +
                                   " (now " + std::to_string(current) + "): read it again");
      return;
    }
    std::vector<std::pair<const MigrationStatus*, MigrationState>> moves;
    for (const auto& h : hosts) {
      const auto from = parse_migration_state(h.state).value_or(MigrationState::kPlanned);
      if (from == c.to && c.to != MigrationState::kScheduled) continue;  // already there
      const Track track = track_of(h.strategy, h.wave).value_or(Track::kMove);
      if (!legal_transition(from, c.to, track)) {
        const std::string f(to_string(from)), t(to_string(c.to));
        const std::string allowed = names_of(next_states(from, track));
        refusal = error_response(
            409, "illegal_transition",
            {{"host", h.host_id}, {"from", f}, {"to", t}, {"allowed", allowed}},
            "host " + h.host_id + ": cannot go from " + f + " to " + t + " (from " + f + ": " +
                allowed + (track == Track::kRetire ? "; the plan retires it in place)" : ")"));
        return;
      }
      moves.emplace_back(&h, from);
    }
    const StatusChange change{std::string(to_string(c.to)), c.date, c.note, actor, ctx.now()};
    std::int64_t version = current;
    for (const auto& [host, from] : moves) {
      version = record_status_change(db, baseline->id, host->host_id, std::string(to_string(from)),
                                     change);
    }
    audit(db, change.at, "migration-status", std::nullopt,
          scope.kind == StatusScope::kHost ? scope.key : "", client_address(ctx, request),
          scope.what + ": " + std::to_string(moves.size()) + " hosts to " + change.to_state +
              " by " + actor + (c.note.empty() ? "" : ": " + c.note.substr(0, 200)));
    answer = {{"baseline", baseline->id},
              {"scope", scope.what},
              {"state", change.to_state},
              {"changed", moves.size()},
              {"unchanged", hosts.size() - moves.size()},
              {"version", version}};
  });
  if (refusal) return *refusal;
  return json_response(200, answer);
}

http::Response change_wave(Context& ctx, const http::Request& request) {
  const auto wave = requested_wave(request);
  if (const auto* error = std::get_if<http::Response>(&wave)) return *error;
  const std::string n = std::to_string(std::get<int>(wave));
  return change(ctx, request, {StatusScope::kWave, n, "wave " + n, "wave_not_found"});
}

http::Response change_group(Context& ctx, const http::Request& request) {
  const std::string id = request.param("id").substr(0, 128);
  return change(ctx, request,
                {StatusScope::kMoveGroup, id, "move group " + id, "move_group_not_found"});
}

http::Response change_host(Context& ctx, const http::Request& request) {
  const std::string id = request.param("id").substr(0, 256);
  return change(ctx, request, {StatusScope::kHost, id, "host " + id, "host_not_tracked"});
}

http::Response waves(Context& ctx, const http::Request&) {
  const auto baseline = ctx.store.read([](Database& db) { return active_baseline(db); });
  if (!baseline) return no_active_baseline();
  const auto counts =
      ctx.store.read([&baseline](Database& db) { return wave_state_counts(db, baseline->id); });
  json out = json::array(), states = json::array();
  for (const auto state : migration_states()) states.push_back(to_string(state));
  for (const auto& row : counts) {
    if (out.empty() || out.back()["number"] != row.wave) {
      out.push_back(
          {{"number", row.wave}, {"hosts", 0}, {"version", 0}, {"states", empty_counts()}});
    }
    json& wave = out.back();
    wave["hosts"] = wave["hosts"].get<std::int64_t>() + row.hosts;
    wave["version"] = std::max(wave["version"].get<std::int64_t>(), row.version);
    wave["states"][row.state] = row.hosts;
  }
  return json_response(200, {{"baseline", baseline->id},
                             {"baseline_name", baseline->name},
                             {"states", states},
                             {"waves", out}});
}

// A linked host's validation on its wave's page: the regressions, not every check.
json validation_summary(const ValidationFlags& v) {
  json flags = json::array();
  for (const auto& c : v.failed) {
    flags.push_back({{"rule", c.rule}, {"subject", c.subject}, {"detail", c.detail}});
  }
  return {
      {"target", v.target}, {"status", v.status}, {"regressions", v.regressions}, {"flags", flags}};
}

http::Response wave(Context& ctx, ValidationCache& validations, const http::Request& request) {
  const auto number = requested_wave(request);
  if (const auto* error = std::get_if<http::Response>(&number)) return *error;
  const std::string n = std::to_string(std::get<int>(number));
  const auto baseline = ctx.store.read([](Database& db) { return active_baseline(db); });
  if (!baseline) return no_active_baseline();
  const auto hosts = ctx.store.read(
      [&](Database& db) { return migration_statuses(db, baseline->id, StatusScope::kWave, n); });
  if (hosts.empty()) {
    return error_response(404, "wave_not_found", {{"key", n}},
                          "no wave " + n + " in the active baseline");
  }
  const auto links = ctx.store.read([](Database& db) { return migration_targets(db); });
  json list = json::array(), counts = empty_counts();
  std::int64_t regressions = 0;
  for (const auto& h : hosts) {
    json host = status_json(h);
    const auto validation = validations.flags(ctx, h.host_id, links);
    host["validation"] = validation ? validation_summary(*validation) : json();
    regressions += validation && validation->regressions ? 1 : 0;
    list.push_back(std::move(host));
    counts[h.state] = counts[h.state].get<std::int64_t>() + 1;
  }
  return json_response(200, {{"baseline", baseline->id},
                             {"wave", std::get<int>(number)},
                             {"version", newest_version(hosts)},
                             {"states", counts},
                             {"regressions", regressions},
                             {"hosts", list}});
}

// The hosts the plan retires in place (no wave), with their states: a "wave" of their own.
http::Response retirements(Context& ctx, const http::Request&) {
  const auto baseline = ctx.store.read([](Database& db) { return active_baseline(db); });
  if (!baseline) return no_active_baseline();
  const auto hosts = ctx.store.read([&](Database& db) {
    return migration_statuses(db, baseline->id, StatusScope::kStrategy, "retire");
  });
  json list = json::array(), counts = empty_counts();
  for (const auto& h : hosts) {
    list.push_back(status_json(h));
    counts[h.state] = counts[h.state].get<std::int64_t>() + 1;
  }
  return json_response(200, {{"baseline", baseline->id},
                             {"version", newest_version(hosts)},
                             {"states", counts},
                             {"hosts", list}});
}

http::Response host_migration(Context& ctx, const http::Request& request) {
  const std::string id = request.param("id").substr(0, 256);
  const auto baseline = ctx.store.read([](Database& db) { return active_baseline(db); });
  if (!baseline) return no_active_baseline();
  const auto status = ctx.store.read(
      [&](Database& db) { return migration_statuses(db, baseline->id, StatusScope::kHost, id); });
  if (status.empty()) {
    return error_response(404, "host_not_tracked", {{"key", id}},
                          "no host " + id + " in a wave of the active baseline or retired by it");
  }
  json history = json::array();
  for (const auto& e :
       ctx.store.read([&](Database& db) { return status_history(db, id, kHistoryEntries); })) {
    history.push_back({{"baseline", e.baseline_id},
                       {"at", format_rfc3339(e.at)},
                       {"from", e.from_state},
                       {"to", e.to_state},
                       {"date", e.scheduled_for},
                       {"note", e.note},
                       {"by", e.actor},
                       {"version", e.id}});
  }
  json out = status_json(status.front());
  out["baseline"] = baseline->id;
  out["history"] = std::move(history);
  return json_response(200, out);
}

json figures_json(const ProgressFigures& f) {
  return {{"hosts", f.tracked()},
          {"moving_hosts", f.moving_hosts},
          {"moved", f.moved},
          {"validated", f.validated},
          {"states", f.hosts},
          {"planned_monthly_cost", money(f.planned_monthly_cost)},
          {"committed_monthly_cost", money(f.committed_monthly_cost)},
          {"retired_servers", f.retired_servers},
          {"retired_in_place", f.retired_in_place},
          {"retired_on_premises_monthly_cost", money(f.retired_on_premises_monthly_cost)}};
}

// Regions, provinces and communes as the plan groups them, each with its figures.
http::Response progress(Context& ctx, const http::Request&) {
  const auto baseline = ctx.store.read([](Database& db) { return active_baseline(db); });
  if (!baseline) return no_active_baseline();
  const auto levels = progress_levels(
      ctx.store.read([&baseline](Database& db) { return progress_rows(db, baseline->id); }));
  const auto level = [](const std::map<std::vector<std::string>, ProgressFigures>& places) {
    json out = json::array();
    for (const auto& [place, figures] : places) {
      json entry = figures_json(figures);
      for (std::size_t i = 0; i < place.size(); ++i) entry[kPlaceLevels[i]] = place[i];
      out.push_back(std::move(entry));
    }
    return out;
  };
  return json_response(200, {{"baseline", baseline->id},
                             {"baseline_name", baseline->name},
                             {"currency", baseline->currency},
                             {"total", figures_json(levels.total)},
                             {"regions", level(levels.regions)},
                             {"provinces", level(levels.provinces)},
                             {"communes", level(levels.communes)}});
}

}  // namespace

ProgressFigures::ProgressFigures() {
  for (const auto state : migration_states()) hosts[std::string(to_string(state))] = 0;
}

void ProgressFigures::add(const ProgressRow& row) {
  hosts[row.state] += row.hosts;
  planned_monthly_cost += row.monthly_cost;
  const auto state = parse_migration_state(row.state);
  if (state && cost_committed(*state)) committed_monthly_cost += row.monthly_cost;
  if (row.moving) moving_hosts += row.hosts;
  if (row.moving && state && cost_committed(*state)) moved += row.hosts;
  if (row.moving && (state == MigrationState::kValidated || state == MigrationState::kRetired))
    validated += row.hosts;
  if (state == MigrationState::kRetired) {
    retired_servers += row.hosts;
    if (!row.moving) retired_in_place += row.hosts;
    retired_on_premises_monthly_cost += row.on_premises_monthly_cost;
  }
}

std::int64_t ProgressFigures::tracked() const {
  std::int64_t n = 0;
  for (const auto& [state, count] : hosts) n += count;
  return n;
}

ProgressLevels progress_levels(const std::vector<ProgressRow>& rows) {
  ProgressLevels out;
  for (const auto& row : rows) {
    out.total.add(row);
    out.regions[{row.region}].add(row);
    out.provinces[{row.region, row.province}].add(row);
    out.communes[{row.region, row.province, row.commune}].add(row);
  }
  return out;
}

std::variant<int, http::Response> requested_wave(const http::Request& request) {
  const std::string& n = request.param("n");
  if (n.empty() || n.size() > 6 || n.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(n) < 1) {
    return error_response(400, "wave_number", {{"wave", n.substr(0, 16)}},
                          "wave: expected a positive integer");
  }
  return std::stoi(n);
}

void register_migration_routes(http::Server& server, Context& ctx, ValidationCache& validations) {
  const auto route = [](const char* method, const char* path, MinRole role, ApiHandler handler) {
    return ApiRoute{method, path, role, std::move(handler), bounded_json::kSmallBodyBytes};
  };
  add_api_routes(server, ctx,
                 {route("GET", "/api/v1/waves", MinRole::kViewer, waves),
                  route("GET", "/api/v1/waves/{n}", MinRole::kViewer,
                        [&validations](Context& c, const http::Request& r) {
                          return wave(c, validations, r);
                        }),
                  route("GET", "/api/v1/retirements", MinRole::kViewer, retirements),
                  route("POST", "/api/v1/waves/{n}/status", MinRole::kPlanner, change_wave),
                  route("POST", "/api/v1/move-groups/{id}/status", MinRole::kPlanner, change_group),
                  route("GET", "/api/v1/hosts/{id}/migration", MinRole::kViewer, host_migration),
                  route("POST", "/api/v1/hosts/{id}/migration", MinRole::kPlanner, change_host),
                  route("GET", "/api/v1/progress", MinRole::kViewer, progress)});
}

}  // namespace sahab::collector
