#pragma once
// Each web UI user's preferences, kept across sessions and browsers: today their language
// (PUT /api/v1/me/preferences).
#include <cstdint>
#include <optional>
#include <string>

#include "collector/store/database.h"

namespace sahab::collector {

// The language `user` chose; nullopt when they never chose one.
std::optional<std::string> find_user_language(Database& db, const std::string& user);
void save_user_language(Database& db, const std::string& user, const std::string& language,
                        std::int64_t now);

}  // namespace sahab::collector
