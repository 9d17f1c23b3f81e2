// GET/POST /api/v1/sources, GET/PUT/DELETE /api/v1/sources/{id}, POST /api/v1/sources/{id}/run,
// POST /api/v1/sources/test. The password goes in and never comes out: not in an answer, not in
// a log line, not in the audit log.
#include "collector/api/source_routes.h"

#include <filesystem>
#include <set>

#include "collector/api/router.h"
#include "common/bounded_json.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr std::size_t kMaxNameBytes = 100, kMaxUrlBytes = 2048, kMaxUserBytes = 256,
                      kMaxPasswordBytes = 1024, kMaxPathBytes = 4096;
constexpr std::chrono::seconds kTestTimeout{30};
constexpr const char* kExpected =
    "expected {\"kind\": \"vcenter\", \"name\", \"url\": \"https://vc.example/sdk\", "
    "\"username\", \"password\", \"tls\": {\"ca_file\": \"/path\"} or {\"insecure\": true}}";

class BadSource : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

json optional_time(const std::optional<std::int64_t>& t) {
  return t ? json(format_rfc3339(*t)) : json();
}

// The last performance run (source_runner.h): null before the source's first inventory.
json performance_json(const std::optional<PerformanceStatus>& p) {
  if (!p) return json();
  json out = {{"state", p->state},
              {"finished_at", optional_time(p->finished_at)},
              {"next_run", optional_time(p->next_run_at)},
              {"vms", p->vms},
              {"entries", p->entries}};
  if (!p->error.empty()) out["error"] = p->error;
  return out;
}

json source_json(const Source& s, SourceRunner& runner) {
  json tls = json::object();
  if (s.config.insecure) tls["insecure"] = true;
  if (!s.config.ca_file.empty()) tls["ca_file"] = s.config.ca_file;
  return {{"id", s.id},
          {"kind", s.config.kind},
          {"name", s.config.name},
          {"url", s.config.url},
          {"username", s.config.username},
          {"tls", tls},
          {"created_by", s.created_by},
          {"created_at", format_rfc3339(s.created_at)},
          {"updated_at", format_rfc3339(s.updated_at)},
          {"state", s.run.state},
          {"last_run",
           {{"started_at", optional_time(s.run.started_at)},
            {"finished_at", optional_time(s.run.finished_at)},
            {"vms", s.run.vms ? json(*s.run.vms) : json()},
            {"hosts", s.run.hosts ? json(*s.run.hosts) : json()},
            {"errors", s.run.errors}}},
          {"last_success_at", optional_time(s.run.last_success_at)},
          {"next_run", optional_time(s.run.next_run_at)},
          {"performance", performance_json(runner.performance(s.id))}};
}

std::string text_member(const json& body, const char* name, std::size_t max_bytes, bool required) {
  const json value = body.value(name, json());
  if (value.is_null() && !required) return "";
  if (!value.is_string()) throw BadSource(std::string(name) + ": expected a string; " + kExpected);
  const std::string text = value.get<std::string>();
  if ((required && text.empty()) || text.size() > max_bytes) {
    throw BadSource(std::string(name) + ": expected 1 to " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

// The body of POST and PUT (and of /test): `old` gives the password when PUT leaves it out.
struct Parsed {
  SourceConfig config;
  std::string password;  // empty: keep the stored one (PUT)
};
Parsed parse_source(const std::string& body_text, bool password_required) {
  const json body = bounded_json::parse(body_text, bounded_json::kSmallDocument);
  if (!body.is_object()) throw BadSource(std::string("body: ") + kExpected);
  for (const auto& [key, value] : body.items()) {
    static const std::set<std::string> known = {"kind",     "name",     "url",
                                                "username", "password", "tls"};
    if (!known.contains(key))
      throw BadSource("unknown member '" + key.substr(0, 40) + "'; " + kExpected);
  }
  Parsed p;
  p.config.kind =
      body.value("kind", json("vcenter")).is_string() ? body.value("kind", "vcenter") : "";
  if (p.config.kind != "vcenter") {
    throw BadSource("kind: expected \"vcenter\" (a standalone ESXi host is read the same way)");
  }
  p.config.name = std::string(text::trim(text_member(body, "name", kMaxNameBytes, true)));
  if (p.config.name.empty()) throw BadSource("name: expected 1 to 100 bytes");
  p.config.url = text_member(body, "url", kMaxUrlBytes, true);
  if (!p.config.url.starts_with("https://") && !p.config.url.starts_with("http://")) {
    throw BadSource("url: expected https://HOST/sdk");
  }
  // An account in the URL would be logged and audited with it: it belongs in username/password.
  const auto authority_at = p.config.url.find("://") + 3;
  const auto authority =
      p.config.url.substr(authority_at, p.config.url.find('/', authority_at) - authority_at);
  if (authority.find('@') != std::string::npos) {
    throw BadSource("url: no account in the URL; give it as username and password");
  }
  p.config.username = text_member(body, "username", kMaxUserBytes, true);
  p.password = text_member(body, "password", kMaxPasswordBytes, password_required);
  const json tls = body.value("tls", json::object());
  if (!tls.is_object())
    throw BadSource("tls: expected {\"ca_file\": \"/path\"} or {\"insecure\": true}");
  for (const auto& [key, value] : tls.items()) {
    if (key == "insecure" && value.is_boolean()) {
      p.config.insecure = value.get<bool>();
    } else if (key == "ca_file" && value.is_string() && !value.get<std::string>().empty() &&
               value.get<std::string>().size() <= kMaxPathBytes) {
      p.config.ca_file = value.get<std::string>();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(p.config.ca_file, ec)) {
        throw BadSource("tls.ca_file: no such file on the collector: " + p.config.ca_file);
      }
    } else {
      throw BadSource("tls: expected {\"ca_file\": \"/path\"} or {\"insecure\": true}");
    }
  }
  if (p.config.insecure && !p.config.ca_file.empty()) {
    throw BadSource("tls: either ca_file or insecure, not both");
  }
  return p;
}

std::optional<std::int64_t> id_of(const http::Request& request) {
  return text::to_i64(request.param("id"));
}

http::Response not_found(const http::Request& request) {
  return error_response(404, "no source " + request.param("id"));
}

http::Response name_taken(const std::string& name) {
  return error_response(409, "a source is already named '" + name + "'");
}

}  // namespace

void register_source_routes(http::Server& server, Context& ctx, SourceRunner& runner) {
  const auto list = [&runner](Context& c, const http::Request&) {
    json sources = json::array();
    for (const auto& s : c.store.read([](Database& db) { return list_sources(db); }))
      sources.push_back(source_json(s, runner));
    return json_response(200, {{"sources", sources}});
  };
  const auto create = [&runner](Context& c, const http::Request& request) {
    Parsed p;
    try {
      p = parse_source(request.body, true);
    } catch (const std::invalid_argument& e) {
      return error_response(400, e.what());
    }
    p.config.password_sealed = runner.secrets().seal(p.password);
    const auto actor = actor_name(c, request);
    std::optional<std::int64_t> id;
    const auto now = c.now();
    // The first run at once: a source is made to be read.
    c.store.write([&](Database& db) { id = create_source(db, p.config, actor, now, now); });
    if (!id) return name_taken(p.config.name);
    log::info("source " + std::to_string(*id) + " (" + p.config.name + ", " + p.config.url +
              ") created by " + actor);
    runner.request_run(*id);
    return json_response(201, {{"id", *id}});
  };
  const auto get = [&runner](Context& c, const http::Request& request) {
    const auto id = id_of(request);
    const auto s =
        id ? c.store.read([&](Database& db) { return find_source(db, *id); }) : std::nullopt;
    return s ? json_response(200, source_json(*s, runner)) : not_found(request);
  };
  const auto update = [&runner](Context& c, const http::Request& request) {
    const auto id = id_of(request);
    if (!id) return not_found(request);
    Parsed p;
    try {
      p = parse_source(request.body, false);
    } catch (const std::invalid_argument& e) {
      return error_response(400, e.what());
    }
    SourceWrite outcome = SourceWrite::kNotFound;
    const auto actor = actor_name(c, request);
    c.store.write([&](Database& db) {
      const auto stored = find_source(db, *id);
      if (!stored) return;
      p.config.password_sealed =
          p.password.empty() ? stored->config.password_sealed : runner.secrets().seal(p.password);
      outcome = update_source(db, *id, p.config, actor, c.now());
    });
    if (outcome == SourceWrite::kNotFound) return not_found(request);
    if (outcome == SourceWrite::kNameTaken) return name_taken(p.config.name);
    const auto s = c.store.read([&](Database& db) { return find_source(db, *id); });
    return json_response(200, source_json(*s, runner));
  };
  const auto remove = [](Context& c, const http::Request& request) {
    const auto id = id_of(request);
    bool found = false;
    if (id) {
      c.store.write(
          [&](Database& db) { found = delete_source(db, *id, actor_name(c, request), c.now()); });
    }
    return found ? json_response(200, {{"deleted", *id}}) : not_found(request);
  };
  const auto run = [&runner](Context& c, const http::Request& request) {
    const auto id = id_of(request);
    const auto s =
        id ? c.store.read([&](Database& db) { return find_source(db, *id); }) : std::nullopt;
    if (!s) return not_found(request);
    const bool queued = runner.request_run(*id);
    return json_response(
        202, {{"id", *id}, {"queued", queued}, {"state", queued ? "queued" : s->run.state}});
  };
  const auto test = [](Context&, const http::Request& request) {
    Parsed p;
    try {
      p = parse_source(request.body, true);
    } catch (const std::invalid_argument& e) {
      return error_response(400, e.what());
    }
    const auto result = test_source_connection(p.config, p.password, kTestTimeout);
    json answer = {{"ok", result.ok}};
    if (result.ok) {
      answer["about"] = result.about;
    } else {
      answer["reason"] = result.reason;
      answer["error"] = result.error;
    }
    return json_response(200, answer);
  };
  add_api_routes(
      server, ctx,
      {{"GET", "/api/v1/sources", MinRole::kAdmin, list},
       {"POST", "/api/v1/sources", MinRole::kAdmin, create, bounded_json::kSmallBodyBytes},
       {"POST", "/api/v1/sources/test", MinRole::kAdmin, test, bounded_json::kSmallBodyBytes},
       {"GET", "/api/v1/sources/{id}", MinRole::kAdmin, get},
       {"PUT", "/api/v1/sources/{id}", MinRole::kAdmin, update, bounded_json::kSmallBodyBytes},
       {"DELETE", "/api/v1/sources/{id}", MinRole::kAdmin, remove},
       {"POST", "/api/v1/sources/{id}/run", MinRole::kAdmin, run}});
}

}  // namespace sahab::collector
