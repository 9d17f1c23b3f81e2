// collector/store/preferences: each web UI user's language in a real SQLite file, kept per user and
// replaced when chosen again.
#include "collector/store/preferences.h"

#include <doctest/doctest.h>

#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;

TEST_CASE("preferences: a user's language is theirs alone and the last choice wins") {
  testing::TempStore s;
  const auto language = [&s](const std::string& user) {
    return s.read([&user](Database& db) { return find_user_language(db, user); });
  };
  CHECK_FALSE(language("vera").has_value());
  s.write([](Database& db) { save_user_language(db, "vera", "ar", 100); });
  CHECK(language("vera") == "ar");
  CHECK_FALSE(language("ada").has_value());
  CHECK_FALSE(language("Vera").has_value());  // names are exact
  s.write([](Database& db) { save_user_language(db, "vera", "zgh", 200); });
  s.write([](Database& db) { save_user_language(db, "ada", "en", 200); });
  CHECK(language("vera") == "zgh");
  CHECK(language("ada") == "en");
  // A name with quotes is data, not SQL.
  s.write([](Database& db) { save_user_language(db, "o'brien\"; DROP TABLE x", "fr", 300); });
  CHECK(language("o'brien\"; DROP TABLE x") == "fr");
}
