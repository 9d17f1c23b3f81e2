// collector/store/sqlite: the thin layer over SQLite's C API: values bound and read back exactly,
// statements cached per connection and reset between uses, errors naming the SQL, read-only
// connections that cannot write.
#include "collector/store/sqlite.h"

#include <doctest/doctest.h>

#include <limits>

#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

struct Fixture {
  testing::TempDir dir;
  std::filesystem::path file = dir.path() / "test.db";
  SqliteDatabase db{file, Database::Mode::kReadWrite};
  Fixture() { db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT)"); }
};

}  // namespace

TEST_CASE("sqlite: values come back as bound: integers, reals, text with NUL and UTF-8, NULL") {
  Fixture f;
  const std::string with_nul("a\0b", 3);
  Statement& insert = f.db.cached("INSERT INTO t VALUES (?, ?, ?)");
  insert.with(std::numeric_limits<std::int64_t>::min(), 0.1, with_nul).run();
  insert.with(std::numeric_limits<std::int64_t>::max(), -1e300, "caf\xC3\xA9").run();
  insert.with(std::optional<std::int64_t>(), std::optional<double>(), nullptr).run();
  insert.with(7, std::optional<double>(2.5), std::string()).run();
  Statement& select = f.db.cached("SELECT i, r, s FROM t ORDER BY rowid");
  REQUIRE(select.step());
  CHECK(select.integer(0) == std::numeric_limits<std::int64_t>::min());
  CHECK(select.real(1) == 0.1);
  CHECK(select.text(2) == with_nul);
  REQUIRE(select.step());
  CHECK(select.integer(0) == std::numeric_limits<std::int64_t>::max());
  CHECK(select.real(1) == -1e300);
  CHECK(select.text(2) == "caf\xC3\xA9");
  REQUIRE(select.step());
  CHECK(select.is_null(0));
  CHECK(select.is_null(1));
  CHECK(select.is_null(2));
  CHECK(select.text(2) == "");
  REQUIRE(select.step());
  CHECK(select.integer(0) == 7);
  CHECK(select.real(1) == 2.5);
  CHECK_FALSE(select.is_null(2));  // an empty string is not NULL
  CHECK_FALSE(select.step());
  CHECK(f.db.changes() == 1);
  CHECK(f.db.last_insert_rowid() == 4);
}

TEST_CASE("sqlite: a cached statement is prepared once and starts afresh at each use") {
  Fixture f;
  f.db.exec("INSERT INTO t(i) VALUES (1), (2), (3)");
  Statement& first = f.db.cached("SELECT i FROM t WHERE i >= ? ORDER BY i");
  Statement& again = f.db.cached("SELECT i FROM t WHERE i >= ? ORDER BY i");
  CHECK(&first == &again);
  first.with(2);
  REQUIRE(first.step());
  CHECK(first.integer(0) == 2);
  // Half way through, a new use starts from the first row, with no binding left over.
  Statement& reused = f.db.cached("SELECT i FROM t WHERE i >= ? ORDER BY i");
  CHECK_FALSE(reused.step());  // unbound: i >= NULL holds for no row
  reused.with(1);
  REQUIRE(reused.step());
  CHECK(reused.integer(0) == 1);
  CHECK(f.db.scalar("SELECT count(*) FROM t") == 3);
  CHECK(f.db.scalar("SELECT i FROM t WHERE i > 100") == 0);  // no row reads as 0
}

TEST_CASE("sqlite: errors name the SQL and the reason, and leave the connection usable") {
  Fixture f;
  CHECK_THROWS_WITH_AS(f.db.exec("SELEC 1"),
                       doctest::Contains("cannot run 'SELEC 1': near \"SELEC\": syntax error"),
                       StoreError);
  CHECK_THROWS_WITH_AS(f.db.cached("SELECT * FROM missing"),
                       "cannot prepare 'SELECT * FROM missing': no such table: missing",
                       StoreError);
  f.db.exec("CREATE TABLE u (k TEXT PRIMARY KEY)");
  Statement& insert = f.db.cached("INSERT INTO u VALUES (?)");
  insert.with("a").run();
  CHECK_THROWS_WITH_AS(insert.with("a").run(),
                       doctest::Contains("cannot run 'INSERT INTO u VALUES (?)': UNIQUE"),
                       StoreError);
  insert.with("b").run();  // the failed statement was reset
  CHECK(f.db.scalar("SELECT count(*) FROM u") == 2);
  // Long SQL is named by its first 80 characters.
  const std::string long_sql = "SELECT " + std::string(200, '1') + "x";
  try {
    f.db.exec(long_sql);
    FAIL("no error");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).starts_with("cannot run '" + long_sql.substr(0, 80) + "': "));
  }
}

TEST_CASE("sqlite: read-only connections read and never write, missing files are not made") {
  Fixture f;
  f.db.exec("INSERT INTO t(i) VALUES (42)");
  SqliteDatabase reader(f.file, Database::Mode::kReadOnly);
  CHECK(reader.scalar("SELECT i FROM t") == 42);
  CHECK_THROWS_WITH_AS(reader.exec("INSERT INTO t(i) VALUES (1)"), doctest::Contains("readonly"),
                       StoreError);
  CHECK(f.db.scalar("SELECT count(*) FROM t") == 1);
  const auto missing = f.dir.path() / "missing.db";
  CHECK_THROWS_WITH_AS(
      SqliteDatabase(missing, Database::Mode::kReadOnly),
      doctest::Contains(("cannot open database '" + missing.string() + "'").c_str()), StoreError);
  CHECK_FALSE(std::filesystem::exists(missing));
  CHECK_THROWS_AS(SqliteDatabase(f.dir.path() / "no-dir" / "x.db", Database::Mode::kReadWrite),
                  StoreError);
}
