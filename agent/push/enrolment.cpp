#include "agent/push/enrolment.h"

#include <nlohmann/json.hpp>

#include "common/file.h"
#include "common/log.h"
#include "common/text.h"

namespace sahab::agent {

Enrolment::Enrolment(std::filesystem::path state_dir, std::filesystem::path token_file,
                     std::string collector_url, std::string host_id, std::string hostname)
    : state_dir_(std::move(state_dir)),
      token_file_(std::move(token_file)),
      collector_url_(std::move(collector_url)),
      host_id_(std::move(host_id)),
      hostname_(std::move(hostname)) {}

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
  const nlohmann::json request = {{"host_id", host_id_}, {"hostname", hostname_}};
  const auto response =
      client.post(collector_url_ + "/api/v1/enrol", request.dump(),
                  {"Content-Type: application/json",
                   "Authorization: Bearer " + std::string(text::trim(*token_line))});
  if (response.status != 200 && response.status != 201) {
    log::error("enrolment refused or failed: " +
               (response.status ? "HTTP " + std::to_string(response.status) + " " + response.body
                                : response.transport_error));
    return std::nullopt;
  }
  const auto answer = nlohmann::json::parse(response.body, nullptr, false);
  if (!answer.is_object() || !answer.contains("credential") || !answer["credential"].is_string()) {
    log::error("enrolment: the collector's answer has no credential");
    return std::nullopt;
  }
  const std::string credential = answer["credential"].get<std::string>();
  std::filesystem::create_directories(state_dir_);
  write_file_atomic(credential_file(), credential + "\n");  // 0600
  log::info("enrolment: enrolled with the collector as host " + host_id_);
  cached_ = credential;
  newly_enrolled_ = true;
  return cached_;
}

void Enrolment::forget() {
  cached_.reset();
  std::error_code ignored;
  std::filesystem::remove(credential_file(), ignored);
}

bool Enrolment::take_newly_enrolled() { return std::exchange(newly_enrolled_, false); }

}  // namespace sahab::agent
