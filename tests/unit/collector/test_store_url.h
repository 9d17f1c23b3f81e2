#pragma once
// Where a unit test's store lives: a SQLite file (the default), or, when SAHAB_TEST_STORE names a
// PostgreSQL server (tests/integration/with_postgres.sh starts one), a schema of its own there,
// dropped at scope exit. The same test bodies so run on both backends (ctest's "postgres: ..."
// entries).
#include <filesystem>
#include <string>

#include "collector/store/store_url.h"

namespace sahab::testing {

class TestStoreUrl {
 public:
  explicit TestStoreUrl(const std::filesystem::path& sqlite_file);
  ~TestStoreUrl();
  TestStoreUrl(const TestStoreUrl&) = delete;
  TestStoreUrl& operator=(const TestStoreUrl&) = delete;

  const collector::StoreUrl& url() const { return url_; }
  operator const collector::StoreUrl&() const { return url_; }  // NOLINT: Store(url, n)

 private:
  collector::StoreUrl url_;
  std::string server_;  // SAHAB_TEST_STORE when on PostgreSQL
  std::string schema_;
};

// True when the tests run on PostgreSQL (SAHAB_TEST_STORE is set).
bool testing_on_postgres();

}  // namespace sahab::testing
