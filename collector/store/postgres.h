#pragma once
// The PostgreSQL side of database.h, over libpq. Statements keep the store's `?` / `?N`
// placeholders in their text and are translated to `$N` once when prepared; they are prepared
// once per connection (again after a reconnection) and deallocated when the statement cache
// closes them. Parameters go as text for the server to type from their context, blobs as binary
// bytea. A result is read whole when the statement is first stepped, so statements can be nested
// as with SQLite; a statement used with Rows::kInPieces reads its rows through a server-side
// cursor instead (DECLARE, then FETCH kRowsPerFetch at a time), inside the connection's
// transaction or one of its own. A cursor rather than libpq's single-row mode: single-row mode
// holds the connection until the last row arrives, so the statements a caller runs between rows
// (the fleet export's reads of each page of hosts) could not run on it; chunked rows mode is
// PostgreSQL 17's.
// In a pipeline (database.h) statements without rows to read are sent with libpq's pipeline mode
// and their results read at the next sync point; a statement is prepared at a sync point of its
// own, so one sent ahead and skipped after an error is never marked prepared when the server
// does not have it. A cursor leaves the pipeline first (DECLARE and FETCH wait for the server).
#include <libpq-fe.h>

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

  // Rows one FETCH brings in Rows::kInPieces: the most a statement holds in memory at once.
  static constexpr int kRowsPerFetch = 256;

  bool step() override;
  void run() override;
  void reset() override;
  bool busy() const override;
  void read_rows(Rows rows) override { rows_ = rows; }
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
  // The parameters as libpq takes them.
  struct Arguments {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
  };
  Parameter& slot(int index);
  Arguments arguments() const;
  void prepare_once(PGconn* conn);
  void send(PGconn* conn);  // in the pipeline, without waiting
  void execute();
  void open_cursor();
  bool fetch();  // the cursor's next rows into result_; false when there are none
  void close_cursor(bool done);
  std::string_view value(int column) const;

  PostgresDatabase& db_;
  std::string sql_;  // with $N placeholders
  std::string name_;
  int prepared_in_ = -1;  // the connection generation it was prepared on
  std::vector<Parameter> parameters_;
  PGresult* result_ = nullptr;
  int row_ = -1;
  Rows rows_ = Rows::kAtOnce;
  // Rows::kInPieces: the open cursor (named per opening: one left to its transaction's end
  // never collides with the next), the connection generation it lives on, and whether its
  // transaction is the statement's own.
  std::string cursor_;
  int cursor_in_ = -1;
  bool own_transaction_ = false;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(const StoreUrl& url, Mode mode);
  ~PostgresDatabase() override;

  void exec(std::string_view sql) override;
  std::int64_t last_insert_rowid() override;
  int changes() override;
  void recover() override;
  void enter_pipeline() override;
  void flush() override;
  void leave_pipeline() override;

 protected:
  std::unique_ptr<Statement> prepare(const std::string& sql) override;

 private:
  friend class PostgresStatement;
  void connect();
  // DEALLOCATEs the server-side statements of the statements the cache closed, unless the
  // transaction is aborted (it would refuse them; they wait for the next time).
  void deallocate_closed();
  void configure_session();
  // Throws for a failed result (StoreUnavailable once the connection is lost); clears it.
  void check(PGresult* result, std::string_view sql);
  // Throws StoreUnavailable while the connection is lost (until recover()).
  PGconn* connection();
  // In the pipeline: records a statement libpq took (`accepted`; else the connection failed).
  void sent_ahead(int accepted, std::string_view sql);
  // Syncs once kMostSentAhead statements wait for it, so the server's answers never fill the
  // socket while this side is still writing (a full inventory's many edges, say).
  void sync_when_full();
  // Ends the pipeline's current run of statements and reads all their results: throws the first
  // failure (StoreUnavailable once the connection is lost), else returns the last statement's
  // result (the caller's to clear), nullptr when none was sent.
  PGresult* sync();
  static constexpr std::size_t kMostSentAhead = 64;

  StoreUrl url_;
  Mode mode_;
  PGconn* conn_ = nullptr;
  bool lost_ = false;
  int generation_ = 0;  // bumped on each (re)connection: statements are prepared again
  int changes_ = 0;
  int next_name_ = 0;
  int next_cursor_ = 0;
  bool pipelined_ = false;
  std::vector<std::string> sent_;  // the pipeline's statements since its last sync, for messages
  std::vector<std::string> closed_names_;  // prepared on this connection, no longer cached
};

// `sql` with `?` and `?N` placeholders (outside quotes and comments) as `$N`, numbered as SQLite
// numbers them (a bare `?` is one more than the largest before it); `count` is the largest.
struct Placeholders {
  std::string sql;
  int count = 0;
};
Placeholders number_placeholders(std::string_view sql);

}  // namespace sahab::collector
