#pragma once
// The store's connections and prepared statements, independent of the engine: SQLite (embedded,
// the default; sqlite.h) or PostgreSQL over libpq (postgres.h). The table files write their SQL
// once with `?` / `?N` placeholders in the subset both engines accept; the few places where the
// engines differ are named in `Dialect` instead of two copies of a statement.
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "collector/store/store_url.h"

namespace sahab::collector {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server is out of reach or the connection was lost: the API answers 503, and the store
// reconnects on the next use.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

// Bytes bound as a BLOB / bytea (a string binds as text).
struct Blob {
  std::string_view bytes;
};

// How a statement's rows reach the collector. SQLite steps through rows as the engine finds them
// either way. PostgreSQL sends a result whole by default; kInPieces reads it through a server-side
// cursor, kRowsPerFetch rows at a time (postgres.h), for results that grow with the fleet.
enum class Rows { kAtOnce, kInPieces };

class Statement {
 public:
  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value) { return bind_integer(index, value); }
  Statement& bind(int index, int value) { return bind_integer(index, value); }
  Statement& bind(int index, double value) { return bind_real(index, value); }
  Statement& bind(int index, std::string_view value) { return bind_text(index, value); }
  Statement& bind(int index, const std::string& value) { return bind_text(index, value); }
  Statement& bind(int index, const char* value) { return bind_text(index, value); }
  Statement& bind(int index, std::nullptr_t) { return bind_null(index); }
  Statement& bind(int index, const Blob& value) { return bind_blob(index, value.bytes); }
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }

  // Binds every argument in order, starting at 1, after resetting the statement.
  template <typename... Args>
  Statement& with(const Args&... args) {
    reset();
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  virtual bool step() = 0;  // true while a row is available
  // Runs the statement, its rows discarded. On a PostgreSQL connection in a pipeline
  // (Database::enter_pipeline) it is only sent: its outcome, an error included, comes with the
  // next statement whose rows are read, or with Database::flush.
  virtual void run() {
    while (step()) {
    }
  }
  virtual void reset() = 0;
  // Rows of this statement are still being read (stepped, not yet done nor reset): the statement
  // cache never closes such a statement, whose caller holds it in a loop.
  virtual bool busy() const = 0;
  // How the next execution reads its rows (Database::cached sets it); SQLite has one way only.
  virtual void read_rows(Rows) {}

  virtual std::int64_t integer(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual std::string blob(int column) const = 0;
  virtual bool is_null(int column) const = 0;

  // What a row holds, for code that copies rows it does not know (store_copy.h).
  enum class Kind { kNull, kInteger, kReal, kText, kBlob };
  virtual int columns() const = 0;
  virtual std::string column_name(int column) const = 0;
  virtual Kind kind(int column) const = 0;

 protected:
  Statement() = default;
  virtual Statement& bind_integer(int index, std::int64_t value) = 0;
  virtual Statement& bind_real(int index, double value) = 0;
  virtual Statement& bind_text(int index, std::string_view value) = 0;
  virtual Statement& bind_blob(int index, std::string_view bytes) = 0;
  virtual Statement& bind_null(int index) = 0;
};

// Resets a statement when the scope ends, however it ends: a loop over Rows::kInPieces rows whose
// handler throws must not leave a cursor and its transaction open on a pooled connection.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

// What differs between the engines' SQL, named once. Statements splice these fragments in; the
// rest of every statement is the same text on both engines.
struct Dialect {
  StoreKind kind;

  bool is_sqlite() const { return kind == StoreKind::kSqlite; }
  // The larger of two values in one row (SQLite's two-argument max, PostgreSQL's greatest).
  const char* greatest() const { return is_sqlite() ? "max" : "greatest"; }
  // Case-insensitive LIKE (SQLite's LIKE already is for ASCII).
  const char* like() const { return is_sqlite() ? "LIKE" : "ILIKE"; }
  // `column`'s JSON object member `key` as text (NULL when absent).
  std::string json_text(std::string_view column, std::string_view key) const;
  // The member `inner` of the object member `outer`, as text.
  std::string json_text(std::string_view column, std::string_view outer,
                        std::string_view inner) const;
  // `column` with member `key` set to the JSON string `value_sql` (an SQL string expression).
  std::string json_set_text(std::string_view column, std::string_view key,
                            std::string_view value_sql) const;
  // `column` without member `key`.
  std::string json_remove(std::string_view column, std::string_view key) const;
  // True when `column` holds valid JSON. PostgreSQL 15 has no cheap test; the collector only
  // ever stores JSON it has written, so there it only excludes NULL.
  std::string json_valid(std::string_view column) const;
  // A migration's DDL in this engine's types (written in SQLite's: INTEGER, REAL, BLOB,
  // INTEGER PRIMARY KEY rowids, WITHOUT ROWID).
  std::string ddl(std::string_view sqlite_ddl) const;
  // Opens the writer's transaction (SQLite takes the write lock at once).
  const char* begin_write() const { return is_sqlite() ? "BEGIN IMMEDIATE" : "BEGIN"; }
};

class Database {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const Dialect& dialect() const { return dialect_; }
  virtual void exec(std::string_view sql) = 0;
  // A statement prepared once per connection and reused (reset before each use by `with`). The
  // cache keeps the kStatementCacheLimit most recently used (values are bound, never spliced into
  // the SQL text, so the collector's statements fit); past that the least recently used one is
  // closed, on PostgreSQL with its server-side prepared statement, so SQL text that varies cannot
  // grow it without bound. A statement whose rows are being read is never closed.
  Statement& cached(const std::string& sql, Rows rows = Rows::kAtOnce);
  std::int64_t scalar(const std::string& sql);
  static constexpr std::size_t kStatementCacheLimit = 256;
  std::size_t cached_statements() const { return statements_.size(); }
  void limit_cached_statements(std::size_t limit);  // tests: a smaller cache

  virtual std::int64_t last_insert_rowid() = 0;
  virtual int changes() = 0;  // rows the last statement changed (after a flush, in a pipeline)
  // Pipelines (PostgreSQL; nothing on SQLite, whose statements run in the process): between
  // enter_pipeline and leave_pipeline, `exec` and Statement::run send their statement without
  // waiting for the server, so a writer's statements that need no answer share the next wait
  // with the one that does. A statement that fails makes the server skip what was sent after it
  // up to that wait, which throws its error. flush waits for everything sent; leave_pipeline
  // flushes too. A transaction's COMMIT is acknowledged only once flushed.
  virtual void enter_pipeline() {}
  virtual void flush() {}
  virtual void leave_pipeline() {}
  // Opens the connection again if it was lost (a server restarted, a standby promoted); the store
  // calls it between transactions only, so a transaction never continues on a new connection.
  // Throws StoreUnavailable while the server is still out of reach. SQLite: nothing to do.
  virtual void recover() {}

 protected:
  explicit Database(StoreKind kind) : dialect_{kind} {}
  virtual std::unique_ptr<Statement> prepare(const std::string& sql) = 0;
  // Closes every cached statement: an engine's destructor calls it while its connection, which
  // the statements need, is still open.
  void close_statements();

 private:
  struct CachedStatement {
    std::string sql;
    std::unique_ptr<Statement> statement;
  };
  using Recency = std::list<CachedStatement>;  // most recently used first
  // Closes the least recently used statements that are not busy until at most `size` are left.
  void shrink_cache(std::size_t size);

  Dialect dialect_;
  std::size_t statement_limit_ = kStatementCacheLimit;
  Recency recency_;
  std::unordered_map<std::string, Recency::iterator> statements_;
};

// Opens a connection to the store `url` names (a SQLite file is created when absent and `mode`
// allows writing). Throws StoreUnavailable when a server cannot be reached.
std::unique_ptr<Database> open_database(const StoreUrl& url, Database::Mode mode);

}  // namespace sahab::collector
