#include "agent/push/enrolment.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "common/bounded_json.h"
#include "common/file.h"
#include "common/log.h"
#include "common/text.h"

namespace sahab::agent {
namespace {
// The collector's answer, read with the limits of any document from outside; null when unusable.
nlohmann::json collector_answer(const std::string& body) {
  try {
    return bounded_json::parse(body, bounded_json::kSmallDocument);
  } catch (const bounded_json::Error&) {
    return nullptr;
  }
}
}  // namespace

Enrolment::Enrolment(std::filesystem::path state_dir, std::filesystem::path token_file,
                     std::string collector_url, std::string host_id, std::string hostname)
    : state_dir_(std::move(state_dir)),
      token_file_(std::move(token_file)),
      collector_url_(std::move(collector_url)),
      host_id_(std::move(host_id)),
      hostname_(std::move(hostname)) {}

std::string Enrolment::request_secret() {
  if (auto stored = try_read_line(request_file()); stored && text::trim(*stored).size() >= 16) {
    return std::string(text::trim(*stored));
  }
  std::random_device random;
  std::string secret;
  char digits[9];
  for (int i = 0; i < 8; ++i) {
    std::snprintf(digits, sizeof digits, "%08x", static_cast<unsigned>(random()));
    secret += digits;
  }
  try {
    std::filesystem::create_directories(state_dir_);
    write_file_atomic(request_file(), secret + "\n");  // 0600
  } catch (const std::exception& e) {
    log::warn(std::string("enrolment: cannot keep the request secret: ") + e.what());
    return "";
  }
  return secret;
}

std::optional<std::string> Enrolment::credential(const HttpClient& client) {
  if (cached_) return cached_;
  if (auto stored = try_read_line(credential_file()); stored && !text::trim(*stored).empty()) {
    cached_ = std::string(text::trim(*stored));
    return cached_;
  }
  if (token_file_.empty()) {
    log::error("enrolment: no credential yet and no --enrolment-token-file given");
    return std::nullopt;
  }
  const auto token_line = try_read_line(token_file_);
  if (!token_line || text::trim(*token_line).empty()) {
    log::error("enrolment: cannot read a token from " + token_file_.string());
    return std::nullopt;
  }
  nlohmann::json request = {{"host_id", host_id_}, {"hostname", hostname_}};
  if (const auto secret = request_secret(); !secret.empty()) request["request_secret"] = secret;
  std::vector<std::string> headers = {
      "Content-Type: application/json",
      "Authorization: Bearer " + std::string(text::trim(*token_line))};
  if (previous_) headers.push_back("X-Sahab-Credential: " + *previous_);  // rotation
  const auto response = client.post(collector_url_ + "/api/v1/enrol", request.dump(), headers);
  // A repeated answer (a request still pending, a refusal) is logged once, then at debug.
  const bool repeated = std::exchange(last_status_, response.status) == response.status;
  const auto say = [repeated](void (*level)(std::string_view), const std::string& message) {
    (repeated ? log::debug : level)(message);
  };
  if (response.status == 202) {
    const auto pending = collector_answer(response.body);
    const auto id = pending.is_object() ? pending.value("request_id", nlohmann::json()) : nullptr;
    say(log::warn, "enrolment: the collector already knows host " + host_id_ +
                       "; an administrator must approve enrolment request " +
                       (id.is_number() ? std::to_string(id.get<long long>()) : "?") +
                       " (Agents page); retrying at each report");
    return std::nullopt;
  }
  if (response.status == 403 || response.status == 409) {
    say(log::error, "enrolment refused (HTTP " + std::to_string(response.status) +
                        "): " + response.body +
                        (response.body.find("rejected") != std::string::npos
                             ? " (remove " + request_file().string() + " to ask again)"
                             : ""));
    return std::nullopt;
  }
  if (response.status != 200 && response.status != 201) {
    say(log::error,
        "enrolment refused or failed: " +
            (response.status ? "HTTP " + std::to_string(response.status) + " " + response.body
                             : response.transport_error));
    return std::nullopt;
  }
  const auto answer = collector_answer(response.body);
  if (!answer.is_object() || !answer.contains("credential") || !answer["credential"].is_string()) {
    log::error("enrolment: the collector's answer has no credential");
    return std::nullopt;
  }
  const std::string credential = answer["credential"].get<std::string>();
  std::filesystem::create_directories(state_dir_);
  write_file_atomic(credential_file(), credential + "\n");  // 0600
  std::error_code ignored;
  std::filesystem::remove(request_file(), ignored);
  previous_.reset();
  log::info("enrolment: enrolled with the collector as host " + host_id_);
  cached_ = credential;
  newly_enrolled_ = true;
  return cached_;
}

void Enrolment::forget() {
  if (cached_) previous_ = cached_;
  cached_.reset();
  std::error_code ignored;
  std::filesystem::remove(credential_file(), ignored);
}

bool Enrolment::take_newly_enrolled() { return std::exchange(newly_enrolled_, false); }

}  // namespace sahab::agent
