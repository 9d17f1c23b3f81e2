#pragma once
// Enrolment: the agent trades the shared enrolment token for a per-host credential once, and keeps
// that credential (mode 0600) in its state directory.
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

  std::filesystem::path state_dir_;
  std::filesystem::path token_file_;
  std::string collector_url_;
  std::string host_id_;
  std::string hostname_;
  std::optional<std::string> cached_;
  bool newly_enrolled_ = false;
};

}  // namespace sahab::agent
