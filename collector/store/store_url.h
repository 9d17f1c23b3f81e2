#pragma once
// Where the store lives, as the --store / `store:` URL names it: `sqlite:///var/lib/sahab/sahab.db`
// (a file; `--db PATH` means `sqlite://PATH`) or `postgresql://…` / `postgres://…`, passed to libpq
// as it is (multi-host lists, `target_session_attrs=read-write`, sslmode…).
#include <filesystem>
#include <string>
#include <string_view>

namespace sahab::collector {

enum class StoreKind { kSqlite, kPostgresql };

struct StoreUrl {
  StoreKind kind = StoreKind::kSqlite;
  std::filesystem::path file;  // SQLite
  std::string conninfo;        // PostgreSQL: the URL for libpq

  StoreUrl() = default;
  // A plain path is a SQLite file (the --db setting, tests).
  StoreUrl(const std::filesystem::path& sqlite_file)  // NOLINT: implicit on purpose
      : file(sqlite_file) {}

  // Throws std::invalid_argument naming what is wrong (never the password).
  static StoreUrl parse(std::string_view text);
  // The URL with any password replaced by "***": the only form that may be logged or shown.
  std::string redacted() const;
};

// `url` with the password of its authority and any `password=` parameter replaced by "***".
std::string redact_password(std::string_view url);

}  // namespace sahab::collector
