#pragma once
// Enrolment tokens stored in the database (made by admins; the token file still works too). Only
// the SHA-256 of a token is stored, so a copy of the database does not let anyone enrol.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

struct EnrolmentToken {
  std::int64_t id = 0;
  std::string name;
  std::string created_by;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> expires_at, revoked_at, last_used_at;
  std::int64_t uses = 0;
};

// Stores a new token's hash; returns its id. Audited.
std::int64_t create_enrolment_token(Database& db, const std::string& name,
                                    const std::string& token_sha256, const std::string& created_by,
                                    std::int64_t now, std::optional<std::int64_t> expires_at);

std::vector<EnrolmentToken> list_enrolment_tokens(Database& db);

// false when there is no such token; revoking twice keeps the first time. Audited.
bool revoke_enrolment_token(Database& db, std::int64_t id, const std::string& actor,
                            std::int64_t now);

// The live (not revoked, not expired) token with this hash, counting the use; nullopt otherwise.
std::optional<EnrolmentToken> use_enrolment_token(Database& db, const std::string& token_sha256,
                                                  std::int64_t now);

// Whether any token was ever made (enrolment is "disabled" only with no file and no token).
bool any_enrolment_token(Database& db);

}  // namespace sahab::collector
