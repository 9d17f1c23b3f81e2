#include "agent/push/spool.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "unit/temp_dir.h"

using namespace sahab::agent;
namespace fs = std::filesystem;

namespace {
using sahab::testing::TempDir;
}  // namespace

TEST_CASE("spool: batches come out oldest first and survive a restart") {
  TempDir dir;
  {
    Spool spool(dir.path() / "spool", {});
    spool.put(1, "one");
    spool.put(2, "two");
    spool.put(3, "three");
    spool.remove(1);
  }
  // A new instance on the same directory is what the agent sees after kill -9.
  Spool reopened(dir.path() / "spool", {});
  CHECK(reopened.highest_sequence() == 3);
  CHECK(reopened.stats().batches == 2);
  CHECK(reopened.stats().bytes == 8);
  auto oldest = reopened.oldest();
  REQUIRE(oldest);
  CHECK(oldest->sequence == 2);
  CHECK(oldest->bytes == "two");
  CHECK((fs::status(dir.path() / "spool").permissions() & fs::perms::all) == fs::perms::owner_all);
}

TEST_CASE("spool: a write interrupted by a crash leaves no batch behind") {
  TempDir dir;
  fs::create_directories(dir.path());
  std::ofstream(dir.path() / "00000000000000000007.batch.tmp") << "half a batch";
  std::ofstream(dir.path() / "unrelated.txt") << "kept";
  Spool spool(dir.path(), {});
  CHECK(spool.stats().batches == 0);
  CHECK_FALSE(fs::exists(dir.path() / "00000000000000000007.batch.tmp"));
  CHECK(fs::exists(dir.path() / "unrelated.txt"));
}

TEST_CASE("spool: past the size bound the oldest batches are dropped and counted") {
  TempDir dir;
  Spool spool(dir.path(), SpoolLimits{25, std::chrono::hours(1)});
  for (std::uint64_t seq = 1; seq <= 5; ++seq) spool.put(seq, std::string(10, 'x'));
  const auto stats = spool.stats();
  CHECK(stats.batches == 2);  // 20 bytes fit under 25
  CHECK(stats.dropped_total == 3);
  CHECK(spool.oldest()->sequence == 4);
}

TEST_CASE("spool: batches older than the age bound are dropped on start") {
  TempDir dir;
  {
    Spool spool(dir.path(), {});
    spool.put(1, "old");
    spool.put(2, "new");
  }
  fs::last_write_time(dir.path() / "00000000000000000001.batch",
                      fs::file_time_type::clock::now() - std::chrono::hours(24 * 15));
  Spool spool(dir.path(), {});
  CHECK(spool.stats().dropped_total == 1);
  CHECK(spool.oldest()->sequence == 2);
  CHECK(spool.highest_sequence() == 2);
}

TEST_CASE("spool: a batch deleted behind the spool's back is skipped, not fatal") {
  TempDir dir;
  Spool spool(dir.path(), {});
  spool.put(1, "a");
  spool.put(2, "b");
  fs::remove(dir.path() / "00000000000000000001.batch");
  CHECK(spool.oldest()->sequence == 2);
}

TEST_CASE("spool: numbering continues after every batch was sent and the agent restarted") {
  TempDir dir;
  {
    Spool spool(dir.path(), {});
    spool.put(1, "a");
    spool.put(2, "b");
    spool.remove(1);
    spool.remove(2);
  }
  Spool reopened(dir.path(), {});
  CHECK(reopened.stats().batches == 0);
  CHECK(reopened.highest_sequence() == 2);
}
