#pragma once
// Enrolment: the agent trades the shared enrolment token for a per-host credential once, and keeps
// that credential (mode 0600) in its state directory. When the collector already knows the host
// it answers 202 "pending" until an administrator approves; the agent proves it is the requester
// with a random request secret kept beside the credential, and retries at each report.
#include <filesystem>
#include <optional>
#include <string>

#include "agent/push/http_client.h"

namespace sahab::agent {

class Enrolment {
 public:
  Enrolment(std::filesystem::path state_dir, std::filesystem::path token_file,
            std::string collector_url, std::string host_id, std::string hostname);

  // The stored credential, or a new one from the collector; nullopt (with the reason logged) if
  // neither is possible right now.
  std::optional<std::string> credential(const HttpClient& client);
  // Forgets a credential the collector no longer accepts, so the next call enrols again.
  void forget();
  // True once after a new credential was obtained (the next batch carries the full inventory).
  bool take_newly_enrolled();

 private:
  std::filesystem::path credential_file() const { return state_dir_ / "credential"; }
  std::filesystem::path request_file() const { return state_dir_ / "enrolment-request"; }
  // The request secret on disk, made (random, mode 0600) on first use; empty if it cannot be kept.
  std::string request_secret();

  std::filesystem::path state_dir_;
  std::filesystem::path token_file_;
  std::string collector_url_;
  std::string host_id_;
  std::string hostname_;
  std::optional<std::string> cached_;
  std::optional<std::string> previous_;  // the credential last forgotten, sent to rotate it
  long last_status_ = -1;                // of the last enrolment answer: repeats log at debug
  bool newly_enrolled_ = false;
};

}  // namespace sahab::agent
