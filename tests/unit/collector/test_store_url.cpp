#include "unit/collector/test_store_url.h"

#include <cstdlib>

#include "collector/store/database.h"
#include "common/crypto.h"

namespace sahab::testing {
namespace {

const char* server_url() { return std::getenv("SAHAB_TEST_STORE"); }

void run_on_server(const std::string& server, const std::string& sql) {
  collector::open_database(collector::StoreUrl::parse(server),
                           collector::Database::Mode::kReadWrite)
      ->exec(sql);
}

}  // namespace

bool testing_on_postgres() { return server_url() != nullptr; }

TestStoreUrl::TestStoreUrl(const std::filesystem::path& sqlite_file) : url_(sqlite_file) {
  if (!testing_on_postgres()) return;
  server_ = server_url();
  schema_ = "t_" + crypto::random_hex(8);
  run_on_server(server_, "CREATE SCHEMA " + schema_);
  url_ = collector::StoreUrl::parse(server_ + (server_.find('?') == std::string::npos ? "?" : "&") +
                                    "options=-csearch_path%3D" + schema_);
}

TestStoreUrl::~TestStoreUrl() {
  if (schema_.empty()) return;
  try {
    run_on_server(server_, "DROP SCHEMA " + schema_ + " CASCADE");
  } catch (...) {
    // The server's directory goes with the test run; a schema left behind harms nothing.
  }
}

}  // namespace sahab::testing
