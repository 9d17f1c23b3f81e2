#include "collector/store/preferences.h"

namespace sahab::collector {

std::optional<std::string> find_user_language(Database& db, const std::string& user) {
  Statement& s = db.cached("SELECT language FROM user_preferences WHERE \"user\" = ?").with(user);
  std::optional<std::string> out;
  if (s.step()) out = s.text(0);
  s.reset();
  return out;
}

void save_user_language(Database& db, const std::string& user, const std::string& language,
                        std::int64_t now) {
  db.cached(
        "INSERT INTO user_preferences(\"user\", language, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(\"user\") DO UPDATE SET language = excluded.language, "
        "updated_at = excluded.updated_at")
      .with(user, language, now)
      .run();
}

}  // namespace sahab::collector
