// POST /api/v1/enrol (agents, with the enrolment token) and the administrators' side of the
// enrolments that need approval: GET /api/v1/enrolments/pending, POST
// /api/v1/enrolments/{id}/approve and /reject (docs/api.md, "Enrolment").
//
// Enrolment creates new identities only. Under the id of a host that already has a live
// credential it needs either that credential (X-Sahab-Credential: rotation, the old credential is
// revoked) or an administrator's approval of a pending request; under the id of an imported host,
// an approval too unless enrolment.link_imported_hosts is on.
#include <algorithm>

#include "collector/api/context.h"
#include "collector/api/router.h"
#include "collector/ingest/credentials.h"
#include "collector/ingest/document.h"
#include "collector/store/agents.h"
#include "collector/store/enrolment_requests.h"
#include "collector/store/enrolment_tokens.h"
#include "common/bounded_json.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr std::size_t kMinSecretBytes = 16;
constexpr std::size_t kMaxSecretBytes = 256;

// Who let the agent in: "file" for --enrolment-token-file, "token N" for a stored token, nullopt
// for no valid token. The answer when none: 403 if enrolment is disabled (no file and no token
// ever made), else 401 (missing, wrong, expired or revoked).
std::optional<std::string> enrolment_allowed(Context& ctx, const http::Request& request,
                                             http::Response& refusal) {
  const auto token = bearer_token(request);
  if (token && !ctx.enrolment_token.empty() && constant_time_equal(*token, ctx.enrolment_token)) {
    return "file";
  }
  std::optional<std::string> stored;
  bool any = false;
  ctx.store.write([&](Database& db) {
    any = any_enrolment_token(db);
    const auto used = token ? use_enrolment_token(db, sha256_hex(*token), ctx.now()) : std::nullopt;
    stored = used ? std::optional("token " + std::to_string(used->id)) : std::nullopt;
  });
  if (stored) return stored;
  refusal = ctx.enrolment_token.empty() && !any ? error_response(403, "enrolment is disabled")
                                                : error_response(401, "enrolment token required");
  return std::nullopt;
}

bool printable(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

// What the enrolment transaction decided.
struct Outcome {
  int status = 0;  // 201 issued, 202 pending, 403 rejected, 409 conflict
  std::int64_t agent_id = 0;
  std::int64_t request_id = 0;
  std::string action;   // audited action of a 201, for the log
  std::string message;  // 403 / 409
  bool proof_refused = false;
};

struct EnrolmentAsk {
  std::string host_id;
  std::string hostname;
  std::optional<std::string> secret_sha256;     // of request_secret
  std::optional<std::string> presented_sha256;  // of X-Sahab-Credential
  std::string credential_sha256;                // of the credential to issue
  std::string from;
  bool link_imported_hosts = false;
};

Outcome decide(Database& db, const EnrolmentAsk& ask, std::int64_t now) {
  Outcome o;
  const auto issue = [&](const std::string& action, const std::string& note) {
    o.status = 201;
    o.action = action;
    o.agent_id = enrol_agent(db, ask.host_id, ask.hostname, ask.credential_sha256, ask.from, now,
                             action, note);
  };
  const HostClaim claim = host_claim(db, ask.host_id);
  const bool imported = claim.exists && claim.source == "import";
  // Rotation: the current credential of this very host, live.
  if (ask.presented_sha256) {
    const auto current = find_agent_by_credential(db, *ask.presented_sha256);
    if (current && !current->revoked && current->host_id == ask.host_id) {
      issue("rotate", "replaces agent " + std::to_string(current->id));
      revoke_agent(db, current->id, "rotated: replaced by agent " + std::to_string(o.agent_id),
                   ask.from, now);
      return o;
    }
    o.proof_refused = true;
  }
  const auto request =
      ask.secret_sha256 ? find_enrolment_request(db, *ask.secret_sha256) : std::nullopt;
  if (request && request->host_id != ask.host_id) {
    o.status = 409;
    o.message = "request_secret: already used by an enrolment request for another host";
    return o;
  }
  const bool needs_approval = claim.live_credentials > 0 || (imported && !ask.link_imported_hosts);
  if (!needs_approval) {
    issue(imported ? "link_imported" : "enrol",
          imported ? "enrolment.link_imported_hosts is on" : "");
    if (request && (request->state == "pending" || request->state == "approved")) {
      mark_enrolment_request_collected(db, request->id, o.agent_id);
    }
    return o;
  }
  if (request) {
    o.request_id = request->id;
    if (request->state == "approved") {
      const std::string note =
          "request " + std::to_string(request->id) + " approved by " + request->decided_by;
      revoke_host_credentials(db, ask.host_id, "replaced through enrolment " + note, ask.from, now);
      issue(imported ? "link_imported" : "enrol", note);
      mark_enrolment_request_collected(db, request->id, o.agent_id);
    } else if (request->state == "pending") {
      touch_enrolment_request(db, request->id, now);
      o.status = 202;
    } else if (request->state == "rejected") {
      o.status = 403;
      o.message =
          "enrolment request " + std::to_string(request->id) + " was rejected by an administrator";
    } else {
      o.status = 409;
      o.message = "enrolment request " + std::to_string(request->id) +
                  " was already collected; enrol with a new request_secret";
    }
    return o;
  }
  if (!ask.secret_sha256) {
    o.status = 409;
    o.message = imported ? "host '" + ask.host_id +
                               "' was imported: send a request_secret to ask an administrator to "
                               "link it to this agent"
                         : "host '" + ask.host_id +
                               "' is already enrolled: send its current credential in "
                               "X-Sahab-Credential to rotate it, or a request_secret to ask an "
                               "administrator";
    return o;
  }
  o.request_id =
      create_enrolment_request(db, ask.host_id, ask.hostname, *ask.secret_sha256,
                               imported ? "imported_host" : "host_enrolled", ask.from, now);
  o.status = 202;
  return o;
}

http::Response enrol(Context& ctx, const http::Request& request) {
  http::Response refusal;
  const auto allowed_by = enrolment_allowed(ctx, request, refusal);
  if (!allowed_by) return refusal;
  json body = bounded_json::parse(request.body, bounded_json::kSmallDocument);
  if (!body.is_object()) return error_response(400, "body: expected a JSON object");
  const auto host_id = body.value("host_id", json()), hostname = body.value("hostname", json(""));
  if (!host_id.is_string() || !valid_host_id(host_id.get<std::string>())) {
    return error_response(400, "host_id: expected letters, digits, '.', '_', '-' or ':'");
  }
  if (!hostname.is_string() || !valid_hostname(hostname.get<std::string>())) {
    return error_response(400, "hostname: expected a host name of at most " +
                                   std::to_string(kMaxHostnameBytes) +
                                   " bytes, no control characters");
  }
  EnrolmentAsk ask{host_id.get<std::string>(),
                   hostname.get<std::string>(),
                   std::nullopt,
                   std::nullopt,
                   "",
                   client_address(ctx, request),
                   ctx.config.enrolment_link_imported_hosts};
  if (const json secret = body.value("request_secret", json()); !secret.is_null()) {
    if (!secret.is_string() || secret.get<std::string>().size() < kMinSecretBytes ||
        secret.get<std::string>().size() > kMaxSecretBytes ||
        !printable(secret.get<std::string>())) {
      return error_response(400, "request_secret: expected 16 to 256 printable ASCII characters");
    }
    ask.secret_sha256 = sha256_hex(secret.get<std::string>());
  }
  if (const auto presented = request.header("x-sahab-credential"); presented) {
    const std::string value(text::trim(*presented));
    if (!value.empty()) ask.presented_sha256 = sha256_hex(value);
  }
  const std::string credential = new_credential();
  ask.credential_sha256 = sha256_hex(credential);
  Outcome o;
  ctx.store.write([&](Database& db) { o = decide(db, ask, ctx.now()); });
  const std::string who =
      "host " + ask.host_id + " from " + ask.from + " (enrolment " + *allowed_by + ")";
  if (o.proof_refused) {
    log::warn("enrolment: X-Sahab-Credential of " + who + " is not a live credential of the host");
  }
  switch (o.status) {
    case 201:
      log::info("enrolment: " + o.action + " " + who + " as agent " + std::to_string(o.agent_id));
      return json_response(201, {{"status", "enrolled"},
                                 {"credential", credential},
                                 {"agent_id", o.agent_id},
                                 {"host_id", ask.host_id}});
    case 202:
      log::info("enrolment: request " + std::to_string(o.request_id) + " of " + who +
                " waits for an administrator");
      return json_response(202, {{"status", "pending"},
                                 {"request_id", o.request_id},
                                 {"host_id", ask.host_id},
                                 {"message",
                                  "an administrator must approve this enrolment; retry with the "
                                  "same request_secret to collect the credential"}});
    default:
      log::warn("enrolment: " + who + " refused: " + o.message);
      return error_response(o.status, o.message);
  }
}

json request_json(const EnrolmentRequest& r) {
  return {{"id", r.id},
          {"host_id", r.host_id},
          {"hostname", r.hostname},
          {"reason", r.reason},
          {"state", r.state},
          {"requested_at", format_rfc3339(r.requested_at)},
          {"requested_from", r.requested_from},
          {"last_attempt_at", format_rfc3339(r.last_attempt_at)},
          {"attempts", r.attempts},
          {"decided_at", r.decided_at ? json(format_rfc3339(*r.decided_at)) : json()},
          {"decided_by", r.decided_at ? json(r.decided_by) : json()}};
}

http::Response list_pending(Context& ctx, const http::Request&) {
  json requests = json::array();
  for (const auto& r : ctx.store.read([](Database& db) { return open_enrolment_requests(db); })) {
    requests.push_back(request_json(r));
  }
  return json_response(200, {{"requests", requests}});
}

// POST /api/v1/enrolments/{id}/approve or /reject.
http::Response decide_route(Context& ctx, const http::Request& request) {
  const std::string actor = actor_name(ctx, request);
  const auto id = text::to_i64(request.param("id"));
  const std::string& verb = request.param("verb");
  if (!id || (verb != "approve" && verb != "reject")) {
    return error_response(404, "expected /api/v1/enrolments/{numeric id}/approve or /reject");
  }
  const bool approve = verb == "approve";
  Decision decision = Decision::kNotFound;
  ctx.store.write([&](Database& db) {
    decision = decide_enrolment_request(db, *id, approve, actor, ctx.now());
  });
  if (decision == Decision::kNotFound) {
    return error_response(404, "enrolment_not_found", {{"id", *id}},
                          "no enrolment request " + std::to_string(*id));
  }
  if (decision == Decision::kNotPending) {
    return error_response(409, "enrolment_not_pending", {{"id", *id}},
                          "enrolment request " + std::to_string(*id) + " is not pending");
  }
  log::info("enrolment request " + std::to_string(*id) + (approve ? " approved" : " rejected") +
            " by " + actor);
  return json_response(200, {{"id", *id}, {"state", approve ? "approved" : "rejected"}});
}

}  // namespace

void register_enrolment_routes(http::Server& server, Context& ctx) {
  add_api_routes(server, ctx,
                 {// The enrolment token (or a stored one) is checked by enrol itself.
                  {"POST", "/api/v1/enrol", std::nullopt, enrol, bounded_json::kSmallBodyBytes},
                  {"GET", "/api/v1/enrolments/pending", MinRole::kAdmin, list_pending},
                  {"POST", "/api/v1/enrolments/{id}/{verb}", MinRole::kAdmin, decide_route,
                   bounded_json::kSmallBodyBytes}});
}

}  // namespace sahab::collector
