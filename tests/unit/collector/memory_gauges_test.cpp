#include "collector/api/memory_gauges.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "collector/store/store.h"
#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

// The gauges of one family by their kind label.
std::map<std::string, double> by_kind(const std::vector<prometheus::MetricFamily>& families,
                                      const std::string& name) {
  std::map<std::string, double> values;
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) values[metric.label.at(0).value] = metric.gauge.value;
  }
  return values;
}

}  // namespace

TEST_CASE("memory gauges: SQLite's memory and its page caches follow what the store reads") {
  testing::TempDir tmp;
  Store store(tmp.path() / "sahab.db", 1);
  const MemoryGauges gauges;
  const auto before = by_kind(gauges.Collect(), "sahab_collector_sqlite_memory_bytes");
  REQUIRE(before.size() == 3);
  CHECK(before.at("used") > 0);
  CHECK(before.at("page_cache") <= before.at("used"));
  CHECK(before.at("used_max") >= before.at("used"));
  // ~4 MB in a table the writer then reads back: its page cache holds a good part of it.
  store.write([](Database& db) {
    db.exec("CREATE TABLE filler(b BLOB)");
    for (int i = 0; i < 1000; ++i) db.cached("INSERT INTO filler VALUES(zeroblob(4000))").run();
  });
  store.write([](Database& db) { db.cached("SELECT sum(length(b)) FROM filler").step(); });
  const auto after = by_kind(gauges.Collect(), "sahab_collector_sqlite_memory_bytes");
  CHECK(after.at("page_cache") > before.at("page_cache") + 1'000'000);
  CHECK(after.at("used") > before.at("used") + 1'000'000);
}

TEST_CASE("memory gauges: malloc's bytes in use count small blocks allocated and freed") {
  const MemoryGauges gauges;
  const auto before = by_kind(gauges.Collect(), "sahab_collector_malloc_bytes");
  REQUIRE(before.size() == 3);
  CHECK(before.at("in_use") > 0);
  // 4 MB of 1 KiB blocks: below the mmap threshold, so from the heaps.
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 4096; ++i) blocks.push_back(std::make_unique<char[]>(1024));
  const auto held = by_kind(gauges.Collect(), "sahab_collector_malloc_bytes");
  CHECK(held.at("in_use") > before.at("in_use") + 4'000'000);
  blocks.clear();
  const auto freed = by_kind(gauges.Collect(), "sahab_collector_malloc_bytes");
  CHECK(freed.at("in_use") < held.at("in_use") - 4'000'000);
}
