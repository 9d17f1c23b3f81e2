#include "agent/metrics/node_collector.h"

#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "common/text.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

std::string scraped_text(const NodeCollector& node) {
  std::string text;
  node.write(text);
  return text;
}

}  // namespace

TEST_CASE("node collector: a failing collector reports success=0 and others still report") {
  std::vector<NodeCollector::Entry> entries;
  entries.push_back({"cpu", make_cpu_collector(fixture_paths("broken"))});
  entries.push_back({"meminfo", make_meminfo_collector(fixture_paths())});
  const NodeCollector node(std::move(entries));
  for (int scrape = 0; scrape < 2; ++scrape) {
    const auto families = families_of(scraped_text(node));
    CHECK(value_of(families, "node_scrape_collector_success", {{"collector", "cpu"}}) == 0);
    CHECK(value_of(families, "node_scrape_collector_success", {{"collector", "meminfo"}}) == 1);
    CHECK(value_of(families, "node_scrape_collector_duration_seconds", {{"collector", "cpu"}}));
    CHECK_FALSE(find_family(families, "node_cpu_seconds_total"));
    CHECK(value_of(families, "node_memory_MemTotal_bytes"));
  }
}

namespace {

// Writes a family, then finds its subsystem absent, as a collector may midway.
class AbsentMidway : public Collector {
 public:
  void collect(Exposition& out) const override {
    add_gauge(out, "node_half_written", "Written before the absence was found.", 1);
    out.no_data();
  }
};

}  // namespace

TEST_CASE("node collector: a subsystem found absent gives success=0 and its families are dropped") {
  std::vector<NodeCollector::Entry> entries;
  entries.push_back({"absent", std::make_unique<AbsentMidway>()});
  entries.push_back({"meminfo", make_meminfo_collector(fixture_paths())});
  const NodeCollector node(std::move(entries));
  const auto families = families_of(scraped_text(node));
  CHECK(value_of(families, "node_scrape_collector_success", {{"collector", "absent"}}) == 0);
  CHECK(value_of(families, "node_scrape_collector_success", {{"collector", "meminfo"}}) == 1);
  CHECK_FALSE(find_family(families, "node_half_written"));
  CHECK(value_of(families, "node_memory_MemTotal_bytes"));
}

namespace {

// Every default collector on node_exporter's fixture tree, but those reading the live clock or
// the live filesystems (their values change between two scrapes).
std::vector<NodeCollector::Entry> fixture_collectors() {
  std::vector<NodeCollector::Entry> entries;
  for (const auto& info : known_collectors()) {
    if (!info.enabled_by_default || info.name == "time" || info.name == "timex" ||
        info.name == "filesystem") {
      continue;
    }
    entries.push_back({info.name, info.make(procfs_fixture_paths())});
  }
  return entries;
}

// The scrape's text, without the durations (they differ from one scrape to the next).
std::string text_without_durations(const NodeCollector& node) {
  std::string kept;
  sahab::text::for_each_line(scraped_text(node), [&](std::string_view line) {
    if (line.find("node_scrape_collector_duration_seconds") != std::string_view::npos) return;
    kept += line;
    kept += '\n';
  });
  return kept;
}

}  // namespace

namespace {

// A subsystem absent until `present` is set, or a collector that fails; counts how often it ran.
class Probed : public Collector {
 public:
  enum class When { kAbsent, kFoundNothing, kFailing };
  explicit Probed(When when) : when_(when) {}
  void collect(Exposition& out) const override {
    ++runs;
    if (when_ == When::kFailing) throw CollectorError("unreadable");
    if (!present) return when_ == When::kAbsent ? out.no_data() : out.found_nothing();
    add_gauge(out, "node_appeared", "The subsystem appeared.", 1);
  }
  mutable int runs = 0;
  bool present = false;

 private:
  When when_;
};

struct ProbedNode {
  explicit ProbedNode(std::chrono::steady_clock::duration absent_recheck) {
    auto absent_owned = std::make_unique<Probed>(Probed::When::kAbsent);
    auto nothing_owned = std::make_unique<Probed>(Probed::When::kFoundNothing);
    auto failing_owned = std::make_unique<Probed>(Probed::When::kFailing);
    absent = absent_owned.get();
    nothing = nothing_owned.get();
    failing = failing_owned.get();
    std::vector<NodeCollector::Entry> entries;
    entries.push_back({"absent", std::move(absent_owned)});
    entries.push_back({"nothing", std::move(nothing_owned)});
    entries.push_back({"failing", std::move(failing_owned)});
    node = std::make_unique<NodeCollector>(std::move(entries), 1, absent_recheck);
  }
  std::optional<double> success_of_absent() const {
    const auto families = families_of(scraped_text(*node));
    CHECK(value_of(families, "node_scrape_collector_success", {{"collector", "nothing"}}) == 1);
    return value_of(families, "node_scrape_collector_success", {{"collector", "absent"}});
  }
  Probed* absent;
  Probed* nothing;
  Probed* failing;
  std::unique_ptr<NodeCollector> node;
};

}  // namespace

TEST_CASE(
    "node collector: an absent subsystem is probed again after a while, a failure every time") {
  ProbedNode remembered(std::chrono::hours(1));
  for (int scrape = 0; scrape < 3; ++scrape) CHECK(remembered.success_of_absent() == 0);
  CHECK(remembered.absent->runs == 1);
  CHECK(remembered.nothing->runs == 1);
  CHECK(remembered.failing->runs == 3);
  remembered.absent->present = true;  // seen at the next probe, an hour on
  CHECK(remembered.success_of_absent() == 0);
  CHECK(remembered.absent->runs == 1);

  ProbedNode probed_again(std::chrono::steady_clock::duration::zero());
  CHECK(probed_again.success_of_absent() == 0);
  probed_again.absent->present = true;
  CHECK(probed_again.success_of_absent() == 1);
  CHECK(probed_again.absent->runs == 2);
  CHECK(probed_again.nothing->runs == 2);
}

TEST_CASE("node collector: collectors run side by side give the same scrape, in the same order") {
  const NodeCollector sequential(fixture_collectors(), 1);
  const NodeCollector side_by_side(fixture_collectors(), 4);
  const std::string expected = text_without_durations(sequential);
  CHECK(expected.find("node_network_up") != std::string::npos);
  CHECK(expected.find("node_scrape_collector_success{collector=\"zfs\"}") != std::string::npos);
  for (int scrape = 0; scrape < 20; ++scrape) {
    REQUIRE(text_without_durations(side_by_side) == expected);
  }
}

TEST_CASE("node collector: a scrape with more threads than collectors, and one with none") {
  std::vector<NodeCollector::Entry> entries;
  entries.push_back({"meminfo", make_meminfo_collector(fixture_paths())});
  const NodeCollector node(std::move(entries), 8);
  CHECK(value_of(families_of(scraped_text(node)), "node_memory_MemTotal_bytes"));
  const NodeCollector empty({}, 3);
  CHECK(scraped_text(empty).empty());
}
