#pragma once
// The PostgreSQL side of database.h, over libpq. Statements keep the store's `?` / `?N`
// placeholders in their text and are translated to `$N` once when prepared; they are prepared
// once per connection (again after a reconnection). Parameters go as text for the server to type
// from their context, blobs as binary bytea. A result is read whole when the statement is first
// stepped, so statements can be nested as with SQLite.
#include <libpq-fe.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

class PostgresDatabase;

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresDatabase& db, std::string_view sql);
  ~PostgresStatement() override;

  bool step() override;
  void reset() override;
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
  struct Parameter {
    std::string value;
    bool null = true;
    bool binary = false;
  };
  Parameter& slot(int index);
  void execute();
  std::string_view value(int column) const;

  PostgresDatabase& db_;
  std::string sql_;  // with $N placeholders
  std::string name_;
  int prepared_in_ = -1;  // the connection generation it was prepared on
  std::vector<Parameter> parameters_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(const StoreUrl& url, Mode mode);
  ~PostgresDatabase() override;

  void exec(std::string_view sql) override;
  Statement& cached(const std::string& sql) override;
  std::int64_t last_insert_rowid() override;
  int changes() const override { return changes_; }
  void recover() override;

 private:
  friend class PostgresStatement;
  void connect();
  void configure_session();
  // Throws for a failed result (StoreUnavailable once the connection is lost); clears it.
  void check(PGresult* result, std::string_view sql);
  // Throws StoreUnavailable while the connection is lost (until recover()).
  PGconn* connection();

  StoreUrl url_;
  Mode mode_;
  PGconn* conn_ = nullptr;
  bool lost_ = false;
  int generation_ = 0;  // bumped on each (re)connection: statements are prepared again
  int changes_ = 0;
  int next_name_ = 0;
  std::map<std::string, std::unique_ptr<PostgresStatement>> statements_;
};

// `sql` with `?` and `?N` placeholders (outside quotes and comments) as `$N`, numbered as SQLite
// numbers them (a bare `?` is one more than the largest before it); `count` is the largest.
struct Placeholders {
  std::string sql;
  int count = 0;
};
Placeholders number_placeholders(std::string_view sql);

}  // namespace sahab::collector
