// The push protocol against a loopback HTTP peer that answers like the collector and can be told
// to fail, so each recovery path of the agent is exercised over real HTTP.
#include "agent/push/pusher.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/gzip.h"
#include "common/http_server.h"
#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::agent;
namespace fs = std::filesystem;

namespace {

using sahab::testing::TempDir;

// Records what it receives; answers `ingest_status` to ingests.
struct Peer {
  std::mutex mutex;
  int ingest_status = 200;
  int enrol_status = 201;  // 202: pending, 403: rejected
  int enrolments = 0;
  std::vector<nlohmann::json> enrol_bodies;
  std::vector<std::string> presented;  // X-Sahab-Credential of each enrolment request
  std::vector<nlohmann::json> received;
  std::vector<std::string> credentials_seen;
  http::Server server{http::Options{}};

  Peer() {
    server.route("POST", "/api/v1/enrol", [this](const http::Request& r) {
      std::lock_guard lock(mutex);
      if (r.header("authorization") != "Bearer enrol-secret")
        return http::Response::json(401, "{}");
      enrol_bodies.push_back(nlohmann::json::parse(r.body));
      presented.push_back(r.header("x-sahab-credential").value_or(""));
      if (enrol_status == 202)
        return http::Response::json(202, R"({"status":"pending","request_id":4})");
      if (enrol_status != 201) return http::Response::json(enrol_status, R"({"error":"rejected"})");
      ++enrolments;
      return http::Response::json(201,
                                  R"({"credential":"cred-)" + std::to_string(enrolments) + "\"}");
    });
    server.route("POST", "/api/v1/ingest", [this](const http::Request& r) {
      std::lock_guard lock(mutex);
      credentials_seen.push_back(r.header("authorization").value_or(""));
      if (ingest_status != 200) return http::Response::json(ingest_status, R"({"error":"nope"})");
      CHECK(r.header("content-encoding") == "gzip");
      auto doc = nlohmann::json::parse(*gzip::decompress(r.body, 1 << 20));
      received.push_back(doc);
      return http::Response::json(200, R"({"acknowledged":)" + doc["sequence"].dump() + "}");
    });
    server.start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
};

struct Agent {
  TempDir dir;
  int inventory_version = 1;
  int summaries_taken = 0;
  HttpClient client{ClientOptions{}};
  Spool spool{dir.path() / "spool", {}};
  Enrolment enrolment;
  Pusher pusher;

  explicit Agent(const std::string& url)
      : enrolment(dir.path(), write_token(), url, "host-1", "srv-1"),
        pusher(PushOptions{url}, client, spool, enrolment,
               ReportContent{
                   "host-1",
                   [this] {
                     ++summaries_taken;
                     return nlohmann::json::array({{{"samples", summaries_taken}}});
                   },
                   [this] {
                     return nlohmann::json{
                         {"format", "sahab-inventory/1"},
                         {"sections",
                          {{"identity", {{"hash", "h-id"}, {"data", {{"hostname", "srv-1"}}}}},
                           {"software",
                            {{"hash", "h-sw-" + std::to_string(inventory_version)},
                             {"data", {{"v", inventory_version}}}}}}}};
                   }}) {}

  fs::path write_token() {
    const auto path = dir.path() / "token";
    std::ofstream(path) << "enrol-secret\n";
    return path;
  }
};

}  // namespace

TEST_CASE("push: enrols once, sends numbered batches in order, only changed sections") {
  Peer peer;
  Agent agent(peer.url());
  agent.pusher.spool_report();
  agent.pusher.spool_report();
  agent.inventory_version = 2;
  agent.pusher.spool_report();
  CHECK(agent.pusher.drain());
  REQUIRE(peer.received.size() == 3);
  CHECK(peer.enrolments == 1);
  CHECK(peer.received[0]["sequence"] == 1);
  CHECK(peer.received[2]["sequence"] == 3);
  CHECK(peer.received[0]["format"] == "sahab-ingest/1");
  CHECK(peer.received[0]["inventory"]["full"] == true);
  CHECK(peer.received[0]["inventory"]["sections"].size() == 2);
  CHECK_FALSE(peer.received[1].contains("inventory"));  // nothing changed
  CHECK(peer.received[2]["inventory"]["sections"].size() == 1);
  CHECK(peer.received[2]["inventory"]["sections"].contains("software"));
  CHECK(peer.received[1]["summaries"][0]["samples"] == 2);
  CHECK(agent.spool.stats().batches == 0);
  // The credential is kept private on disk.
  CHECK((fs::status(agent.dir.path() / "credential").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("push: while the collector fails, batches stay spooled and go later in order") {
  Peer peer;
  Agent agent(peer.url());
  peer.ingest_status = 503;
  agent.pusher.spool_report();
  agent.pusher.spool_report();
  CHECK_FALSE(agent.pusher.drain());
  CHECK(agent.spool.stats().batches == 2);
  peer.ingest_status = 200;
  CHECK(agent.pusher.drain());
  REQUIRE(peer.received.size() == 2);
  CHECK(peer.received[0]["sequence"] == 1);
  CHECK(peer.received[1]["sequence"] == 2);
  // Each batch tells what waited in the spool before it: nothing, then the first batch.
  CHECK(peer.received[0]["spool"]["batches"] == 0);
  CHECK_FALSE(peer.received[0]["spool"].contains("oldest"));
  CHECK(peer.received[1]["spool"]["batches"] == 1);
  CHECK(peer.received[1]["spool"]["bytes"].get<std::uint64_t>() > 0);
  CHECK(peer.received[1]["spool"]["oldest"].is_string());
  CHECK(peer.received[1]["spool"]["dropped"] == 0);
}

TEST_CASE(
    "push: an unreachable collector keeps everything, a restarted agent continues numbering") {
  std::string dead_url;
  {
    http::Server probe{http::Options{}};
    probe.start();
    dead_url = "http://127.0.0.1:" + std::to_string(probe.port());
  }  // nothing listens there any more
  Agent agent(dead_url);
  agent.pusher.spool_report();
  CHECK_FALSE(agent.pusher.drain());
  CHECK(agent.spool.stats().batches == 1);
  Spool reopened(agent.dir.path() / "spool", {});
  CHECK(reopened.highest_sequence() == 1);
}

TEST_CASE("push: a batch refused for good is dropped and counted, 401 enrols again") {
  Peer peer;
  Agent agent(peer.url());
  peer.ingest_status = 400;
  agent.pusher.spool_report();
  CHECK(agent.pusher.drain());
  CHECK(agent.spool.stats().batches == 0);

  peer.ingest_status = 401;
  agent.pusher.spool_report();
  CHECK_FALSE(agent.pusher.drain());
  CHECK_FALSE(fs::exists(agent.dir.path() / "credential"));
  peer.ingest_status = 200;
  CHECK(agent.pusher.drain());
  CHECK(peer.enrolments == 2);
  CHECK(peer.credentials_seen.back() == "Bearer cred-2");
  CHECK(peer.received.size() == 1);
}

TEST_CASE("push: a pending enrolment waits with the same request secret, then collects") {
  Peer peer;
  Agent agent(peer.url());
  peer.enrol_status = 202;
  agent.pusher.spool_report();
  CHECK_FALSE(agent.pusher.drain());
  CHECK_FALSE(agent.pusher.drain());
  CHECK(peer.received.empty());
  REQUIRE(peer.enrol_bodies.size() == 2);
  const auto secret = peer.enrol_bodies[0].value("request_secret", "");
  CHECK(secret.size() >= 16);
  CHECK(peer.enrol_bodies[1].value("request_secret", "") == secret);
  const auto request_file = agent.dir.path() / "enrolment-request";
  REQUIRE(fs::exists(request_file));
  const auto owner_only = fs::perms::owner_read | fs::perms::owner_write;
  CHECK((fs::status(request_file).permissions() & fs::perms::all) == owner_only);
  CHECK_FALSE(fs::exists(agent.dir.path() / "credential"));
  CHECK(peer.presented[0].empty());

  peer.enrol_status = 403;  // a rejection: still no credential, the secret is kept
  CHECK_FALSE(agent.pusher.drain());
  CHECK(fs::exists(request_file));

  peer.enrol_status = 201;  // approved
  CHECK(agent.pusher.drain());
  CHECK(peer.enrol_bodies.back().value("request_secret", "") == secret);
  CHECK(peer.received.size() == 1);
  CHECK_FALSE(fs::exists(request_file));

  // The collector refuses the credential: the agent enrols again and presents it (rotation).
  peer.ingest_status = 401;
  agent.pusher.spool_report();
  CHECK_FALSE(agent.pusher.drain());
  peer.ingest_status = 200;
  CHECK(agent.pusher.drain());
  CHECK(peer.presented.back() == "cred-1");
  CHECK(peer.enrol_bodies.back().value("request_secret", "") != secret);
}
