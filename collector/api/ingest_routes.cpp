// POST /api/v1/ingest, GET /api/v1/agents, POST /api/v1/agents/{id}/revoke.
#include <algorithm>
#include <chrono>

#include "collector/api/context.h"
#include "collector/api/router.h"
#include "collector/ingest/credentials.h"
#include "collector/ingest/decompress.h"
#include "collector/ingest/document.h"
#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "common/bounded_json.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

http::Response reject(Context& ctx, int status, const std::string& reason,
                      const std::string& message) {
  ctx.telemetry.count_rejected(reason);
  return error_response(status, message);
}

http::Response ingest(Context& ctx, const http::Request& request) {
  const auto token = bearer_token(request);
  if (!token) return reject(ctx, 401, "unauthorized", "bearer credential required");
  const auto agent = ctx.store.read(
      [&](Database& db) { return find_agent_by_credential(db, sha256_hex(*token)); });
  if (!agent) return reject(ctx, 401, "unauthorized", "unknown credential");
  if (agent->revoked) return reject(ctx, 401, "revoked", "credential revoked");
  if (!ctx.limiter.allow(agent->id)) {
    http::Response r = reject(ctx, 429, "rate_limited", "too many pushes; retry later");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }
  Batch batch;
  try {
    batch = parse_batch(decoded_body(ctx, request));
  } catch (const TooLarge& e) {
    return reject(ctx, 413, "too_large", e.what());
  } catch (const BadEncoding& e) {
    return reject(ctx, 400, "bad_encoding", e.what());
  } catch (const std::domain_error& e) {
    return reject(ctx, 415, "bad_encoding", e.what());
  } catch (const BadDocument& e) {
    return reject(ctx, 400, "bad_document", e.what());
  }
  if (batch.host_id != agent->host_id) {
    return reject(ctx, 403, "wrong_host",
                  "host_id '" + batch.host_id + "' does not belong to this credential");
  }
  BatchOutcome outcome{};
  try {
    ctx.store.write_for_host(batch.host_id, [&](Database& db) {
      outcome = store_batch(db, batch, client_address(ctx, request), ctx.now());
    });
  } catch (const BadDocument& e) {
    return reject(ctx, 400, "bad_document", e.what());
  } catch (const std::exception& e) {
    log::error(std::string("ingest: cannot store batch: ") + e.what());
    return reject(ctx, 503, "store_error", "cannot store the batch now; retry later");
  }
  const bool duplicate = outcome == BatchOutcome::kDuplicate;
  ctx.telemetry.count_ingest(duplicate ? "duplicate" : "stored");
  if (!duplicate) ctx.telemetry.record_host(batch);
  return json_response(200, {{"acknowledged", batch.sequence}, {"duplicate", duplicate}});
}

http::Response timed_ingest(Context& ctx, const http::Request& request) {
  const auto start = std::chrono::steady_clock::now();
  http::Response response = ingest(ctx, request);
  ctx.telemetry.observe_batch_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return response;
}

http::Response agents_list(Context& ctx, const http::Request&) {
  json agents = json::array();
  for (const auto& a : ctx.store.read([](Database& db) { return list_agents(db); })) {
    json agent = {{"id", a.id},
                  {"host_id", a.host_id},
                  {"created_at", format_rfc3339(a.created_at)},
                  {"created_from", a.created_from},
                  {"revoked", a.revoked_at.has_value()},
                  {"hostname", a.hostname},
                  {"state", a.state},
                  {"agent_version", a.agent_version}};
    if (a.last_seen) agent["last_seen"] = format_rfc3339(*a.last_seen);
    if (a.measured_until) {
      agent["measured_until"] = format_rfc3339(*a.measured_until);
      // How far the stored measurements trail the last push: what the agent's spool still holds.
      if (a.last_seen)
        agent["behind_seconds"] = std::max<std::int64_t>(0, *a.last_seen - *a.measured_until);
    }
    if (const auto spool = ctx.telemetry.spool_of(a.host_id)) {
      // What the agent said its spool held at its last report (since this collector started).
      agent["spool"] = {{"batches", spool->state.batches},
                        {"bytes", spool->state.bytes},
                        {"dropped", spool->state.dropped},
                        {"reported_at", format_rfc3339(spool->reported_at)}};
      if (spool->state.oldest) agent["spool"]["oldest"] = format_rfc3339(*spool->state.oldest);
    }
    if (a.revoked_at) {
      agent["revoked_at"] = format_rfc3339(*a.revoked_at);
      agent["revoke_reason"] = a.revoke_reason;
    }
    agents.push_back(std::move(agent));
  }
  return json_response(200, {{"agents", agents}});
}

http::Response revoke(Context& ctx, const http::Request& request) {
  const auto id = text::to_i64(request.param("id"));
  if (!id) return error_response(404, "expected /api/v1/agents/{numeric id}/revoke");
  std::string reason;
  if (!request.body.empty()) {
    const json body = bounded_json::parse(request.body, bounded_json::kSmallDocument);
    if (!body.is_object() || !body.value("reason", json("")).is_string()) {
      return error_response(400, "body: expected {\"reason\": \"...\"}");
    }
    reason = body.value("reason", "").substr(0, 1024);
  }
  bool found = false;
  ctx.store.write([&](Database& db) {
    found = revoke_agent(db, *id, reason, request.remote_address, ctx.now());
  });
  if (!found)
    return error_response(404, "agent_not_found", {{"id", *id}}, "no agent " + std::to_string(*id));
  log::info("revoked agent " + std::to_string(*id) + " by " + request.remote_address);
  return json_response(200, {{"revoked", *id}});
}

}  // namespace

void register_ingest_routes(http::Server& server, Context& ctx) {
  add_api_routes(server, ctx,
                 {{"POST", "/api/v1/ingest", std::nullopt, timed_ingest},  // agent credentials
                  {"GET", "/api/v1/agents", MinRole::kViewer, agents_list},
                  {"POST", "/api/v1/agents/{id}/revoke", MinRole::kAdmin, revoke,
                   bounded_json::kSmallBodyBytes}});
}

}  // namespace sahab::collector
