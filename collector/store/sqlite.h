#pragma once
// The SQLite side of database.h: a thin RAII layer over SQLite's C API, prepared statements
// cached per connection (hot statements are prepared once), errors as exceptions naming the SQL.
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "collector/store/database.h"

namespace sahab::collector {

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);
  ~SqliteStatement() override;

  bool step() override;
  void reset() override;
  bool busy() const override;
  std::int64_t integer(int column) const override;
  double real(int column) const override;
  std::string text(int column) const override;
  std::string blob(int column) const override;
  bool is_null(int column) const override;
  int columns() const override;
  std::string column_name(int column) const override;
  Kind kind(int column) const override;

 protected:
  Statement& bind_integer(int index, std::int64_t value) override;
  Statement& bind_real(int index, double value) override;
  Statement& bind_text(int index, std::string_view value) override;
  Statement& bind_blob(int index, std::string_view bytes) override;
  Statement& bind_null(int index) override;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const std::filesystem::path& path, Mode mode);
  ~SqliteDatabase() override;

  void exec(std::string_view sql) override;
  std::int64_t last_insert_rowid() override;
  int changes() override;

 protected:
  std::unique_ptr<Statement> prepare(const std::string& sql) override;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace sahab::collector
