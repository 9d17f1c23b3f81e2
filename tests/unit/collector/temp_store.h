#pragma once
// A collector Store on a real SQLite file in a directory of its own, removed at scope exit (or in
// a PostgreSQL schema of its own: test_store_url.h), for the store's unit tests: `write` returns
// what its job returns, `scalar` reads one number.
#include <string>
#include <type_traits>
#include <utility>

#include "collector/store/store.h"
#include "unit/collector/test_store_url.h"
#include "unit/temp_dir.h"

namespace sahab::testing {

struct TempStore {
  TempDir dir;
  TestStoreUrl location{dir.path() / "sahab.db"};
  collector::Store store{location, 1};

  template <typename F>
  auto write(F&& job) {
    using Result = std::invoke_result_t<F&, collector::Database&>;
    if constexpr (std::is_void_v<Result>) {
      store.write(std::forward<F>(job));
    } else {
      Result result{};
      store.write([&](collector::Database& db) { result = job(db); });
      return result;
    }
  }
  template <typename F>
  auto read(F&& job) {
    return store.read(std::forward<F>(job));
  }
  std::int64_t scalar(const std::string& sql) {
    return store.read([&](collector::Database& db) { return db.scalar(sql); });
  }
};

}  // namespace sahab::testing
