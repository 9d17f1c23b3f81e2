#include "collector/store/postgres.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace sahab::collector {
namespace {

// Type OIDs from PostgreSQL's catalogue (pg_type.dat); stable across versions.
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;
// Applied unless the URL says otherwise: a host that drops packets fails in seconds, not after
// the system's TCP timeout (minutes).
constexpr const char* kConnectTimeoutSeconds = "10";

std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string head(std::string_view sql) { return std::string(sql.substr(0, 80)); }

// Notices are not logged: a ROLLBACK outside a transaction warns, harmlessly.
void ignore_notice(void*, const char*) {}

// Where a quoted run that starts at `i` (a ' or ") ends, doubled quotes included.
size_t end_of_quoted(std::string_view sql, size_t i) {
  const char quote = sql[i];
  for (size_t j = i + 1; j < sql.size(); ++j) {
    if (sql[j] != quote) continue;
    if (j + 1 < sql.size() && sql[j + 1] == quote) {
      ++j;
      continue;
    }
    return j + 1;
  }
  return sql.size();
}

}  // namespace

Placeholders number_placeholders(std::string_view sql) {
  Placeholders out;
  out.sql.reserve(sql.size() + 16);
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const size_t end = end_of_quoted(sql, i);
      out.sql.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = std::min(sql.find('\n', i), sql.size());
      out.sql.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      size_t j = i + 1;
      int number = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9')
        number = number * 10 + (sql[j++] - '0');
      if (j == i + 1) number = out.count + 1;
      out.count = std::max(out.count, number);
      out.sql += '$' + std::to_string(number);
      i = j;
    } else {
      out.sql += c;
      ++i;
    }
  }
  return out;
}

PostgresStatement::PostgresStatement(PostgresDatabase& db, std::string_view sql)
    : db_(db), name_("s" + std::to_string(db.next_name_++)) {
  auto numbered = number_placeholders(sql);
  sql_ = std::move(numbered.sql);
  parameters_.resize(static_cast<size_t>(numbered.count));
}

// Closed by the statement cache (never while a cursor of its is open: it is busy then), or with
// its connection.
PostgresStatement::~PostgresStatement() {
  PQclear(result_);
  if (prepared_in_ == db_.generation_) db_.closed_names_.push_back(name_);
}

PostgresStatement::Parameter& PostgresStatement::slot(int index) {
  if (index < 1 || static_cast<size_t>(index) > parameters_.size()) {
    throw StoreError("bind: no parameter " + std::to_string(index) + " in '" + head(sql_) + "'");
  }
  return parameters_[static_cast<size_t>(index - 1)];
}

Statement& PostgresStatement::bind_integer(int index, std::int64_t value) {
  slot(index) = {std::to_string(value), false, false};
  return *this;
}

Statement& PostgresStatement::bind_real(int index, double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  slot(index) = {std::string(buffer, end), false, false};
  return *this;
}

Statement& PostgresStatement::bind_text(int index, std::string_view value) {
  slot(index) = {std::string(value), false, false};
  return *this;
}

Statement& PostgresStatement::bind_blob(int index, std::string_view bytes) {
  slot(index) = {std::string(bytes), false, true};
  return *this;
}

Statement& PostgresStatement::bind_null(int index) {
  slot(index) = {};
  return *this;
}

PostgresStatement::Arguments PostgresStatement::arguments() const {
  Arguments out;
  for (const auto& p : parameters_) {
    out.values.push_back(p.null ? nullptr : p.value.data());
    out.lengths.push_back(static_cast<int>(p.value.size()));
    out.formats.push_back(p.binary ? 1 : 0);
  }
  return out;
}

// In the pipeline the PREPARE is a sync point of its own (postgres.h).
void PostgresStatement::prepare_once(PGconn* conn) {
  if (prepared_in_ == db_.generation_) return;
  const int count = static_cast<int>(parameters_.size());
  if (db_.pipelined_) {
    db_.sent_ahead(PQsendPrepare(conn, name_.c_str(), sql_.c_str(), count, nullptr), sql_);
    PQclear(db_.sync());
  } else {
    db_.check(PQprepare(conn, name_.c_str(), sql_.c_str(), count, nullptr), sql_);
  }
  prepared_in_ = db_.generation_;
}

void PostgresStatement::send(PGconn* conn) {
  const Arguments a = arguments();
  db_.sent_ahead(PQsendQueryPrepared(conn, name_.c_str(), static_cast<int>(a.values.size()),
                                     a.values.data(), a.lengths.data(), a.formats.data(), 0),
                 sql_);
}

void PostgresStatement::execute() {
  PGconn* conn = db_.connection();
  prepare_once(conn);
  PGresult* result = nullptr;
  if (db_.pipelined_) {
    send(conn);
    result = db_.sync();  // checked, and changes_ set, by sync
  } else {
    const Arguments a = arguments();
    result = PQexecPrepared(conn, name_.c_str(), static_cast<int>(a.values.size()), a.values.data(),
                            a.lengths.data(), a.formats.data(), 0);
    const auto status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) db_.check(result, sql_);
    const char* affected = PQcmdTuples(result);
    db_.changes_ = affected && *affected ? std::atoi(affected) : 0;
  }
  result_ = result;
  row_ = -1;
}

void PostgresStatement::run() {
  if (!db_.pipelined_) {
    Statement::run();
    return;
  }
  PGconn* conn = db_.connection();
  prepare_once(conn);
  send(conn);
  db_.sync_when_full();
}

// A cursor lives in a transaction: the connection's own when it has one (the writer's), else one
// opened here and ended when the rows are done or the statement is reset. The DECLARE is not a
// prepared statement (PREPARE takes no DECLARE): planning it once per reading of a large result
// costs nothing next to the rows.
void PostgresStatement::open_cursor() {
  db_.leave_pipeline();
  PGconn* conn = db_.connection();
  own_transaction_ = PQtransactionStatus(conn) == PQTRANS_IDLE;
  if (own_transaction_) db_.exec("BEGIN");
  cursor_ = "c" + std::to_string(db_.next_cursor_++);
  cursor_in_ = db_.generation_;
  try {
    const Arguments a = arguments();
    const std::string declare = "DECLARE " + cursor_ + " NO SCROLL CURSOR FOR " + sql_;
    db_.check(PQexecParams(conn, declare.c_str(), static_cast<int>(a.values.size()), nullptr,
                           a.values.data(), a.lengths.data(), a.formats.data(), 0),
              sql_);
    db_.changes_ = 0;
    fetch();
  } catch (const StoreError&) {
    reset();
    throw;
  }
}

bool PostgresStatement::fetch() {
  PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  const std::string sql = "FETCH " + std::to_string(kRowsPerFetch) + " FROM " + cursor_;
  PGresult* result = PQexec(db_.connection(), sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK) db_.check(result, sql_);
  result_ = result;
  return PQntuples(result_) > 0;
}

// COMMIT, not ROLLBACK, for a transaction of its own: what ran on the connection between two
// fetches may have written. In the connection's own transaction the cursor is closed when `done`
// (its last row read); one reset early is left to that transaction's end, since a savepoint
// rolled back since may have closed it already and a CLOSE would then fail the transaction.
void PostgresStatement::close_cursor(bool done) {
  if (cursor_.empty()) return;
  const std::string cursor = std::exchange(cursor_, {});
  if (db_.lost_ || cursor_in_ != db_.generation_) return;
  const auto status = PQtransactionStatus(db_.conn_);
  if (own_transaction_) {
    db_.exec(status == PQTRANS_INERROR ? "ROLLBACK" : "COMMIT");
  } else if (done && status == PQTRANS_INTRANS) {
    db_.exec("CLOSE " + cursor);
  }
}

bool PostgresStatement::step() {
  if (!result_) rows_ == Rows::kInPieces ? open_cursor() : execute();
  if (++row_ < PQntuples(result_)) return true;
  // A short fetch was the last one.
  if (!cursor_.empty() && PQntuples(result_) == kRowsPerFetch && fetch()) {
    row_ = 0;
    return true;
  }
  close_cursor(true);
  return false;
}

// Never throws for the cursor it closes: a connection lost meanwhile has closed it already, and
// the next statement run on it reports the loss.
void PostgresStatement::reset() {
  try {
    close_cursor(false);
  } catch (const StoreError&) {
  }
  PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  for (auto& p : parameters_) p = {};
}

bool PostgresStatement::busy() const {
  return !cursor_.empty() || (result_ && row_ < PQntuples(result_));
}

std::string_view PostgresStatement::value(int column) const {
  if (!result_ || row_ < 0 || row_ >= PQntuples(result_) || column >= PQnfields(result_)) {
    return {};
  }
  return {PQgetvalue(result_, row_, column),
          static_cast<size_t>(PQgetlength(result_, row_, column))};
}

// Booleans come as t/f (SQLite's comparisons give 0/1); numeric sums and averages with a
// fraction are truncated as SQLite's column_int64 does.
std::int64_t PostgresStatement::integer(int column) const {
  const auto text = value(column);
  if (text == "t") return 1;
  if (text.empty() || text == "f") return 0;
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error == std::errc() && end == text.data() + text.size()) return number;
  return static_cast<std::int64_t>(real(column));
}

double PostgresStatement::real(int column) const {
  const auto text = value(column);
  double number = 0;
  std::from_chars(text.data(), text.data() + text.size(), number);
  return number;
}

std::string PostgresStatement::text(int column) const { return std::string(value(column)); }

// bytea comes in its text form (\x and hex digits), as every column of a text result does.
std::string PostgresStatement::blob(int column) const {
  if (is_null(column)) return {};
  if (PQftype(result_, column) != kByteaOid) return text(column);
  size_t size = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, column)), &size);
  if (!bytes) throw StoreError("cannot decode bytea from '" + head(sql_) + "'");
  std::string out(reinterpret_cast<const char*>(bytes), size);
  PQfreemem(bytes);
  return out;
}

bool PostgresStatement::is_null(int column) const {
  return !result_ || row_ < 0 || PQgetisnull(result_, row_, column);
}

int PostgresStatement::columns() const { return result_ ? PQnfields(result_) : 0; }

std::string PostgresStatement::column_name(int column) const {
  const char* name = result_ ? PQfname(result_, column) : nullptr;
  return name ? name : "";
}

Statement::Kind PostgresStatement::kind(int column) const {
  if (is_null(column)) return Kind::kNull;
  switch (PQftype(result_, column)) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
      return Kind::kInteger;
    case kFloat8Oid:
    case kFloat4Oid:
    case kNumericOid:
      return Kind::kReal;
    case kByteaOid:
      return Kind::kBlob;
    default:
      return Kind::kText;
  }
}

PostgresDatabase::PostgresDatabase(const StoreUrl& url, Mode mode)
    : Database(StoreKind::kPostgresql), url_(url), mode_(mode) {
  connect();
}

PostgresDatabase::~PostgresDatabase() {
  close_statements();
  PQfinish(conn_);
}

void PostgresDatabase::connect() {
  PQfinish(conn_);
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, url_.conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
    lost_ = true;
    throw StoreUnavailable("cannot connect to PostgreSQL " + url_.redacted() + ": " + why);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  lost_ = false;
  pipelined_ = false;
  sent_.clear();
  ++generation_;
  closed_names_.clear();  // they went with the old connection
  configure_session();
}

// UTC and ISO dates whatever the server's defaults; readers cannot write by mistake.
void PostgresDatabase::configure_session() {
  exec("SET TimeZone = 'UTC'");
  if (mode_ == Mode::kReadOnly) exec("SET default_transaction_read_only = on");
}

// A server that restarted closed our socket without libpq knowing yet: reading what is pending
// (libpq's sockets never block) finds the end of the stream, so the first transaction after an
// outage runs on a new connection instead of failing on the dead one.
void PostgresDatabase::recover() {
  // Twice: the first read may stop after the server's last notice, before its end of stream.
  if (lost_ || !PQconsumeInput(conn_) || !PQconsumeInput(conn_) ||
      PQstatus(conn_) != CONNECTION_OK) {
    connect();
  }
}

PGconn* PostgresDatabase::connection() {
  if (lost_) throw StoreUnavailable("PostgreSQL connection lost (" + url_.redacted() + ")");
  return conn_;
}

void PostgresDatabase::check(PGresult* result, std::string_view sql) {
  const auto status = PQresultStatus(result);
  if (result && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) {
    PQclear(result);
    return;
  }
  const std::string why = trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  PQclear(result);
  if (PQstatus(conn_) != CONNECTION_OK) {
    lost_ = true;
    throw StoreUnavailable("PostgreSQL connection lost (" + url_.redacted() + "): " + why);
  }
  throw StoreError("cannot run '" + head(sql) + "': " + why);
}

void PostgresDatabase::exec(std::string_view sql) {
  PGconn* conn = connection();
  const std::string text(sql);
  if (pipelined_) {
    sent_ahead(PQsendQueryParams(conn, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0),
               sql);
    sync_when_full();
    return;
  }
  PGresult* result = PQexec(conn, text.c_str());
  const char* affected = result ? PQcmdTuples(result) : nullptr;
  changes_ = affected && *affected ? std::atoi(affected) : 0;
  check(result, sql);
}

std::unique_ptr<Statement> PostgresDatabase::prepare(const std::string& sql) {
  deallocate_closed();
  return std::make_unique<PostgresStatement>(*this, sql);
}

// DEALLOCATE is not undone by a rollback, so it may run inside a transaction.
void PostgresDatabase::deallocate_closed() {
  if (lost_ || pipelined_ || closed_names_.empty()) return;
  const auto status = PQtransactionStatus(conn_);
  if (status != PQTRANS_IDLE && status != PQTRANS_INTRANS) return;
  for (const auto& name : closed_names_) exec("DEALLOCATE " + name);
  closed_names_.clear();
}

int PostgresDatabase::changes() {
  if (!sent_.empty()) PQclear(sync());
  return changes_;
}

void PostgresDatabase::enter_pipeline() {
  if (pipelined_) return;
  if (!PQenterPipelineMode(connection())) {
    throw StoreError("cannot enter pipeline mode: " + trimmed(PQerrorMessage(conn_)));
  }
  pipelined_ = true;
}

void PostgresDatabase::flush() {
  if (pipelined_ && !sent_.empty()) PQclear(sync());
}

// A connection lost meanwhile left pipeline mode with it (connect() starts outside of it).
void PostgresDatabase::leave_pipeline() {
  if (!pipelined_) return;
  flush();
  if (!PQexitPipelineMode(conn_)) {
    lost_ = true;  // results this side did not read: start again on a new connection
    throw StoreUnavailable("cannot leave pipeline mode: " + trimmed(PQerrorMessage(conn_)));
  }
  pipelined_ = false;
  deallocate_closed();
}

void PostgresDatabase::sent_ahead(int accepted, std::string_view sql) {
  if (!accepted) check(nullptr, sql);
  sent_.push_back(head(sql));
}

void PostgresDatabase::sync_when_full() {
  if (sent_.size() >= kMostSentAhead) PQclear(sync());
}

// Each statement's result is followed by a null and the sync's own result ends the run; after a
// failure the server skips the statements up to the sync, which libpq answers as aborted. The
// reads are bounded: a connection lost midway answers nulls only.
PGresult* PostgresDatabase::sync() {
  PGconn* conn = connection();
  const std::vector<std::string> sent = std::exchange(sent_, {});
  if (!PQpipelineSync(conn)) check(nullptr, "pipeline sync");
  PGresult* last = nullptr;
  std::string failure;
  bool synced = false;
  std::size_t answered = 0;
  for (std::size_t reads = 0; !synced && reads < 2 * sent.size() + 2; ++reads) {
    PGresult* result = PQgetResult(conn);
    if (!result) continue;
    const auto status = PQresultStatus(result);
    synced = status == PGRES_PIPELINE_SYNC;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const char* affected = PQcmdTuples(result);
      changes_ = affected && *affected ? std::atoi(affected) : 0;
      PQclear(last);
      last = result;
    } else {
      if (failure.empty() && !synced && status != PGRES_PIPELINE_ABORTED) {
        const std::string& sql = sent.empty() ? "" : sent[std::min(answered, sent.size() - 1)];
        failure = "cannot run '" + sql + "': " + trimmed(PQresultErrorMessage(result));
      }
      PQclear(result);
    }
    ++answered;
  }
  if (!synced || PQstatus(conn) != CONNECTION_OK) {
    PQclear(last);
    lost_ = true;
    throw StoreUnavailable("PostgreSQL connection lost (" + url_.redacted() +
                           "): " + (failure.empty() ? trimmed(PQerrorMessage(conn)) : failure));
  }
  if (!failure.empty()) {
    PQclear(last);
    throw StoreError(failure);
  }
  return last;
}

// The sequence behind the identity column the last INSERT of this session drew from.
std::int64_t PostgresDatabase::last_insert_rowid() { return scalar("SELECT lastval()"); }

}  // namespace sahab::collector
