// collector/store/summary_blocks: where raw summaries are written. A push adds a piece of its
// own instead of rewriting its hour's block; overlapping writes merge; an hour's pieces become one
// block during the next hour; late summaries join the block holding them.
#include "collector/store/summary_blocks.h"

#include <doctest/doctest.h>

#include "collector/store/utilisation.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;

namespace {

constexpr std::int64_t kHour = 3'600;
constexpr std::int64_t kStart = 20'000 * 86'400 + 5 * kHour;  // an hour of a day, UTC

SummaryEntry cpu_entry(std::int64_t start, double value) {
  SummaryEntry e{"cpu_ratio", start, start + 60, 1, 1, value, value, {}};
  e.sketch.add(value);
  return e;
}

struct Fixture : testing::TempStore {
  void put(const std::vector<SummaryEntry>& entries) {
    write([&](Database& db) { put_summaries(db, "h1", entries); });
  }
  // One entry a minute from `first` to `last` (minutes from kStart), each minute's value
  // minute/1000.
  void put_minutes(int first, int last) {
    for (int m = first; m <= last; ++m) put({cpu_entry(kStart + m * 60, m / 1000.0)});
  }
  std::int64_t in_hour(const std::string& what, std::int64_t hour) {
    return scalar("SELECT " + what + " FROM summary_blocks WHERE start >= " + std::to_string(hour) +
                  " AND start < " + std::to_string(hour + kHour));
  }
  WindowStats window(std::int64_t from, std::int64_t to) {
    return read([&](Database& db) { return query_window(db, {"h1", "cpu_ratio", from, to, 0}); });
  }
  std::string data_at(std::int64_t start) {
    return read([&](Database& db) {
      Statement& s = db.cached("SELECT data FROM summary_blocks WHERE start = ?").with(start);
      std::string data = s.step() ? std::string(s.blob(0)) : "";
      s.reset();
      return data;
    });
  }
};

}  // namespace

TEST_CASE(
    "summary blocks: each push of an hour adds a piece and leaves the stored ones as they are") {
  Fixture f;
  f.put_minutes(0, 0);
  const std::string first_piece = f.data_at(kStart);
  REQUIRE(!first_piece.empty());
  CHECK(first_piece.front() == 3);  // plain: no deflate for a minute
  f.put_minutes(1, 9);
  CHECK(f.in_hour("count(*)", kStart) == 10);
  CHECK(f.in_hour("max(span)", kStart) == 1);
  CHECK(f.data_at(kStart) == first_piece);  // never read back and rewritten
  const WindowStats hour = f.window(kStart, kStart + kHour);
  CHECK(hour.summaries == 10);
  CHECK(hour.max == doctest::Approx(0.009).epsilon(kMaxRelativeError));
}

TEST_CASE("summary blocks: a write overlapping pieces replaces their entries and merges them") {
  Fixture f;
  f.put_minutes(0, 2);
  f.put({cpu_entry(kStart + 60, 0.5)});  // minute 1 again: replaces it
  CHECK(f.in_hour("count(*)", kStart) == 3);
  CHECK(f.in_hour("sum(entries)", kStart) == 3);
  CHECK(f.window(kStart + 60, kStart + 120).max == doctest::Approx(0.5).epsilon(kMaxRelativeError));
  // A replayed batch of minutes 2 to 4: one piece in place of minute 2's, up to minute 4.
  f.put({cpu_entry(kStart + 120, 0.7), cpu_entry(kStart + 180, 0.3), cpu_entry(kStart + 240, 0.2)});
  CHECK(f.in_hour("count(*)", kStart) == 3);
  CHECK(f.in_hour("sum(entries)", kStart) == 5);
  CHECK(f.scalar("SELECT span FROM summary_blocks WHERE start = " + std::to_string(kStart + 120)) ==
        121);
  const WindowStats all = f.window(kStart, kStart + kHour);
  CHECK(all.summaries == 5);
  CHECK(all.max == doctest::Approx(0.7).epsilon(kMaxRelativeError));
}

TEST_CASE("summary blocks: an hour's pieces become one block once the host is well into the next") {
  Fixture f;
  f.put_minutes(0, 59);
  const WindowStats before = f.window(kStart, kStart + kHour);
  f.put_minutes(60, 64);  // the next hour's first minutes: too early for any host
  CHECK(f.in_hour("count(*)", kStart) == 60);
  f.put_minutes(65, 119);
  CHECK(f.in_hour("count(*)", kStart) == 1);
  CHECK(f.in_hour("max(span)", kStart) == kHour);
  CHECK(f.in_hour("sum(entries)", kStart) == 60);
  CHECK(f.data_at(kStart).front() == 2);               // deflated
  CHECK(f.in_hour("count(*)", kStart + kHour) == 60);  // still pieces: no push in the hour after
  const WindowStats after = f.window(kStart, kStart + kHour);
  CHECK(after.summaries == before.summaries);
  CHECK(after.sketch.count() == before.sketch.count());
  CHECK(*after.sketch.quantile(0.95) == *before.sketch.quantile(0.95));
  CHECK(after.max == before.max);

  // A late summary joins the hour's block, replacing the one of its minute.
  f.put({cpu_entry(kStart + 30 * 60, 0.9)});
  CHECK(f.in_hour("count(*)", kStart) == 1);
  CHECK(f.in_hour("sum(entries)", kStart) == 60);
  CHECK(f.window(kStart + 30 * 60, kStart + 31 * 60).max ==
        doctest::Approx(0.9).epsilon(kMaxRelativeError));
}

TEST_CASE("summary blocks: a damaged piece keeps its hour in pieces, for a person to look at") {
  Fixture f;
  f.put_minutes(0, 4);
  f.write([](Database& db) {
    db.cached("UPDATE summary_blocks SET data = ? WHERE start = ?")
        .with(Blob{std::string("\x03\xff", 2)}, kStart + 120)
        .run();
  });
  f.put_minutes(110, 110);  // 50 minutes into the next hour: past every host's delay
  CHECK(f.in_hour("count(*)", kStart) == 5);
  CHECK(f.window(kStart, kStart + kHour).summaries == 4);  // the damaged minute skipped
}
