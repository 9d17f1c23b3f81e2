#include "collector/store/store_copy.h"

#include <charconv>

#include "collector/store/schema.h"
#include "common/crypto.h"

namespace sahab::collector {
namespace {

constexpr int kBatchRows = 1000;

struct TableKey {
  const char* table;
  std::vector<const char*> key;  // its primary key, the order rows are read in
};

// Parents before children (revocations after agents, baseline_hosts after baselines...).
const std::vector<TableKey>& tables() {
  static const std::vector<TableKey> kTables = {
      {"hosts", {"id"}},
      {"agents", {"id"}},
      {"revocations", {"agent_id"}},
      {"audit_log", {"id"}},
      {"batch_marks", {"host_id"}},
      {"inventory_current", {"host_id", "section"}},
      {"inventory_changes", {"id"}},
      {"host_addresses", {"address", "host_id"}},
      {"rollup_pending", {"host_id", "day"}},
      {"edges", {"source_host", "direction", "remote_address", "remote_port", "local_port"}},
      {"scenarios", {"name"}},
      {"enrolment_tokens", {"id"}},
      {"enrolment_requests", {"id"}},
      {"baselines", {"id"}},
      {"baseline_hosts", {"baseline_id", "host_id"}},
      {"migration_status", {"host_id"}},
      {"migration_history", {"id"}},
      {"migration_targets", {"source_host"}},
      {"user_preferences", {"\"user\""}},
      {"sources", {"id"}},
      {"source_hosts", {"source_id", "host_id"}},
      {"imports", {"id"}},
      {"import_changes", {"import_id", "host_id"}},
      {"summary_blocks", {"host_id", "start"}},
      {"rollup_blocks", {"host_id", "start"}},
      {"ui_sessions", {"token_sha256"}},
      {"login_failures", {"counter_key"}},
  };
  return kTables;
}

// Tables whose integer key the engine numbers: PostgreSQL's identity sequences must continue
// after the copied ids.
constexpr const char* kNumbered[] = {
    "agents",    "audit_log",         "inventory_changes", "enrolment_tokens", "enrolment_requests",
    "baselines", "migration_history", "sources",           "imports"};

struct Value {
  Statement::Kind kind = Statement::Kind::kNull;
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes;
};

Value value_of(const Statement& s, int column) {
  Value v{s.kind(column), 0, 0, {}};
  switch (v.kind) {
    case Statement::Kind::kInteger:
      v.integer = s.integer(column);
      break;
    case Statement::Kind::kReal:
      v.real = s.real(column);
      break;
    case Statement::Kind::kText:
      v.bytes = s.text(column);
      break;
    case Statement::Kind::kBlob:
      v.bytes = s.blob(column);
      break;
    case Statement::Kind::kNull:
      break;
  }
  return v;
}

void bind_value(Statement& s, int index, const Value& v) {
  switch (v.kind) {
    case Statement::Kind::kInteger:
      s.bind(index, v.integer);
      break;
    case Statement::Kind::kReal:
      s.bind(index, v.real);
      break;
    case Statement::Kind::kText:
      s.bind(index, std::string_view(v.bytes));
      break;
    case Statement::Kind::kBlob:
      s.bind(index, Blob{v.bytes});
      break;
    case Statement::Kind::kNull:
      s.bind(index, nullptr);
      break;
  }
}

// One row as bytes that differ whenever a value does: kind, then length-prefixed value.
void encode(const Value& v, std::string& out) {
  out += static_cast<char>('0' + static_cast<int>(v.kind));
  std::string text;
  if (v.kind == Statement::Kind::kInteger) text = std::to_string(v.integer);
  if (v.kind == Statement::Kind::kReal) {
    char buffer[32];
    text.assign(buffer, std::to_chars(buffer, buffer + sizeof buffer, v.real).ptr);
  }
  const std::string& bytes = text.empty() ? v.bytes : text;
  out += std::to_string(bytes.size()) + ':' + bytes;
}

std::uint64_t row_hash(const std::vector<Value>& row) {
  std::string encoded;
  for (const auto& v : row) encode(v, encoded);
  const std::string hex = crypto::sha256_hex(encoded);
  std::uint64_t prefix = 0;
  std::from_chars(hex.data(), hex.data() + 16, prefix, 16);
  return prefix;
}

std::string key_list(const TableKey& t) {
  std::string out;
  for (const char* k : t.key) out += std::string(out.empty() ? "" : ", ") + k;
  return out;
}

// Reads `t` in key order, kBatchRows at a time (keyset paging: each batch starts after the last
// key read, so no batch costs more than its rows), handing each row to `on_row`.
void for_each_row(
    Database& db, const TableKey& t,
    const std::function<void(const std::vector<std::string>&, const std::vector<Value>&)>& on_row) {
  const std::string keys = key_list(t);
  std::string placeholders;
  for (size_t i = 0; i < t.key.size(); ++i) placeholders += i ? ", ?" : "?";
  const std::string order = " ORDER BY " + keys + " LIMIT " + std::to_string(kBatchRows);
  const std::string first = "SELECT * FROM " + std::string(t.table) + order;
  const std::string next = "SELECT * FROM " + std::string(t.table) + " WHERE (" + keys + ") > (" +
                           placeholders + ")" + order;
  std::vector<Value> last_key;
  std::vector<std::string> names;
  for (;;) {
    Statement& s = db.cached(last_key.empty() ? first : next);
    for (size_t i = 0; i < last_key.size(); ++i)
      bind_value(s, static_cast<int>(i + 1), last_key[i]);
    int rows = 0;
    std::vector<Value> row;
    while (s.step()) {
      ++rows;
      if (names.empty()) {
        for (int c = 0; c < s.columns(); ++c) names.push_back(s.column_name(c));
      }
      row.clear();
      for (int c = 0; c < s.columns(); ++c) row.push_back(value_of(s, c));
      on_row(names, row);
    }
    if (rows > 0) {
      last_key.clear();
      for (const char* k : t.key) {
        std::string name = k;
        if (name.front() == '"') name = name.substr(1, name.size() - 2);
        for (size_t c = 0; c < names.size(); ++c) {
          if (names[c] == name) last_key.push_back(row[c]);
        }
      }
    }
    s.reset();
    if (rows < kBatchRows) return;
  }
}

TableSum sum_of(Database& db, const TableKey& t) {
  TableSum sum{t.table, 0, 0};
  for_each_row(db, t, [&](const std::vector<std::string>&, const std::vector<Value>& row) {
    ++sum.rows;
    sum.checksum += row_hash(row);
  });
  return sum;
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

TableSum copy_table(Database& from, Database& to, const TableKey& t) {
  TableSum sum{t.table, 0, 0};
  std::string insert;
  for_each_row(from, t, [&](const std::vector<std::string>& names, const std::vector<Value>& row) {
    if (insert.empty()) {
      std::string columns;
      std::string values;
      for (const auto& n : names) {
        columns += (columns.empty() ? "" : ", ") + quoted(n);
        values += values.empty() ? "?" : ", ?";
      }
      insert = "INSERT INTO " + std::string(t.table) + "(" + columns + ") VALUES (" + values + ")";
    }
    Statement& s = to.cached(insert);
    for (size_t i = 0; i < row.size(); ++i) bind_value(s, static_cast<int>(i + 1), row[i]);
    s.run();
    ++sum.rows;
    sum.checksum += row_hash(row);
  });
  return sum;
}

// PostgreSQL's identity sequences start after the highest copied id.
void continue_numbering(Database& to) {
  if (to.dialect().is_sqlite()) return;
  for (const char* table : kNumbered) {
    to.exec("SELECT setval(pg_get_serial_sequence('" + std::string(table) +
            "', 'id'), max(id)) FROM " + table + " HAVING max(id) IS NOT NULL");
  }
}

void check_schema(Database& source) {
  const int version = applied_schema_version(source);
  if (version != schema_version()) {
    throw StoreError("the source's schema is version " + std::to_string(version) +
                     ", this collector's " + std::to_string(schema_version()) +
                     ": run this version's collector on the source once (it migrates), then copy");
  }
}

bool is_empty(const std::vector<TableSum>& sums) {
  for (const auto& s : sums) {
    if (s.rows != 0) return false;
  }
  return true;
}

std::string first_difference(const std::vector<TableSum>& a, const std::vector<TableSum>& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    return a[i].table + " (source " + std::to_string(a[i].rows) + " rows, target " +
           std::to_string(b[i].rows) + " rows" +
           (a[i].rows == b[i].rows ? ", different content)" : ")");
  }
  return "";
}

void begin_snapshot(Database& source) {
  source.exec(source.dialect().is_sqlite() ? "BEGIN"
                                           : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

}  // namespace

const std::vector<std::string>& copied_tables() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> out;
    for (const auto& t : tables()) out.emplace_back(t.table);
    return out;
  }();
  return kNames;
}

std::vector<TableSum> store_sums(Database& db) {
  std::vector<TableSum> out;
  for (const auto& t : tables()) out.push_back(sum_of(db, t));
  return out;
}

CopyReport copy_store(const StoreUrl& from, const StoreUrl& to,
                      const std::function<void(const TableSum&)>& on_table) {
  const auto source = open_database(from, Database::Mode::kReadOnly);
  const auto target = open_database(to, Database::Mode::kReadWrite);
  check_schema(*source);
  migrate(*target);
  // The source is read in one snapshot: a collector still writing to it cannot tear the copy.
  begin_snapshot(*source);
  CopyReport report;
  const auto held = store_sums(*target);
  if (!is_empty(held)) {
    const auto wanted = store_sums(*source);
    source->exec("COMMIT");
    if (wanted != held) {
      throw StoreError("the target is not empty and not a copy of the source: " +
                       first_difference(wanted, held) + "; copy into an empty database");
    }
    report.tables = wanted;
    report.already_copied = true;
    return report;
  }
  target->exec(target->dialect().begin_write());
  try {
    for (const auto& t : tables()) {
      report.tables.push_back(copy_table(*source, *target, t));
      if (on_table) on_table(report.tables.back());
    }
    continue_numbering(*target);
    const auto copied = store_sums(*target);
    if (copied != report.tables) {
      throw StoreError("the copy does not verify: " + first_difference(report.tables, copied) +
                       "; nothing was committed");
    }
    target->exec("COMMIT");
  } catch (...) {
    try {
      target->exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
  source->exec("COMMIT");
  return report;
}

}  // namespace sahab::collector
