#include "planner/waves.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <unordered_map>

#include "planner/fleet_generator.h"
#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

TEST_CASE("waves: 2 TB over a 10 Mbit/s link takes about 18.5 days and is flagged") {
  PlannerConfig config;
  Host h = server("archive");
  h.disks = {{"sda", 2.5e12, 2e12}};
  h.uplink_mbps = 10;
  const Plan p = plan(Fleet{"", {h}, {}}, config, test_catalogs());
  const HostPlan& result = p.hosts[0];
  CHECK(result.transfer_hours == doctest::Approx(2e12 * 8 / 10e6 / 3600));  // 444.4 h
  CHECK(result.transfer_hours / 24 == doctest::Approx(18.5).epsilon(0.01));
  CHECK(has_text(result.flags, "takes 18.5 days"));
  CHECK(has_text(result.flags, "longer than the 14.0 days transfer window"));
  CHECK(result.wave >= 1);  // still planned: flagged, not dropped
}

TEST_CASE("waves: hosts of a slow site share its uplink across waves") {
  PlannerConfig config;
  config.waves.pilot_waves = 0;
  Fleet fleet;
  for (int i = 0; i < 3; ++i) {
    Host h = server("s" + std::to_string(i));
    h.disks = {{"sda", 1e12, 4e11}};  // 400 GB at 20 Mbit/s: 44.4 h each
    h.uplink_mbps = 20;
    fleet.hosts.push_back(h);
  }
  config.waves.length_days = 4;  // 96 h window: two hosts per wave at most
  const Plan p = plan(fleet, config, test_catalogs());
  CHECK(p.hosts[0].wave == 1);
  CHECK(p.hosts[1].wave == 1);
  CHECK(p.hosts[2].wave == 2);
  CHECK(p.waves[0].transfer_hours == doctest::Approx(2 * 400e9 * 8 / 20e6 / 3600));
  CHECK(p.violations.empty());
}

TEST_CASE("waves: dev/test before prod - never mixed - pilots small - caps ramp up") {
  PlannerConfig config;
  Fleet fleet;
  for (int i = 0; i < 40; ++i) {
    Host h = server("h" + std::to_string(i), 2, 4);
    h.labels["environment"] = i % 4 == 0 ? "test" : "prod";
    h.labels["commune"] = "c" + std::to_string(i);
    fleet.hosts.push_back(h);
  }
  const Plan p = plan(fleet, config, test_catalogs());
  int last_nonprod = 0, first_prod = 1000;
  for (const auto& h : p.hosts) {
    if (h.environment == "test") last_nonprod = std::max(last_nonprod, h.wave);
    if (h.environment == "prod") first_prod = std::min(first_prod, h.wave);
  }
  CHECK(last_nonprod < first_prod);
  REQUIRE(p.waves.size() >= 3);
  CHECK(p.waves[0].pilot);
  CHECK(p.waves[0].hosts.size() <= 5);
  CHECK(p.waves[0].environment == "nonprod");
  for (const auto& w : p.waves) {
    CHECK(w.environment != "mixed");
    const int cap = w.pilot ? config.waves.pilot_max_hosts : wave_cap(config, w.number, 2);
    CHECK(static_cast<int>(w.hosts.size()) <= cap);
  }
  CHECK(p.waves[0].start == "2027-01-04");
  CHECK(p.waves[0].end == "2027-01-17");
  CHECK(p.waves[1].start == "2027-01-18");
  CHECK(p.violations.empty());
}

TEST_CASE("waves: high criticality waits - a dependency target moves first or with its client") {
  PlannerConfig config;
  Fleet fleet;
  for (int i = 0; i < 60; ++i) {
    Host h = server("h" + std::to_string(i), 2, 4);
    h.labels["commune"] = "c" + std::to_string(i);
    fleet.hosts.push_back(h);
  }
  fleet.hosts[0].labels["criticality"] = "high";
  // h1 uses h59 lightly (not a strong edge: different groups, ordered waves).
  fleet.connections.push_back({"h1", "h59", 443, 10, 1e4});
  const Plan p = plan(fleet, config, test_catalogs());
  CHECK(p.hosts[0].wave >= config.waves.high_criticality_min_wave);
  CHECK(p.hosts[1].group != p.hosts[59].group);
  CHECK(p.hosts[59].wave <= p.hosts[1].wave);
  CHECK(p.violations.empty());
}

TEST_CASE("waves: what cannot be met is placed anyway and reported") {
  PlannerConfig config;
  config.grouping.max_group_size = 100;
  config.waves.ramp = {5};
  config.waves.pilot_waves = 0;
  Fleet fleet;
  for (int i = 0; i < 8; ++i) {
    Host h = server("app-" + std::to_string(i), 2, 4);
    h.labels["application"] = "etat-civil";
    fleet.hosts.push_back(h);
  }
  const Plan p = plan(fleet, config, test_catalogs());
  REQUIRE(p.waves.size() == 1);
  CHECK(p.waves[0].hosts.size() == 8);
  REQUIRE_FALSE(p.violations.empty());
  CHECK(p.violations[0].constraint == "wave size");
}

TEST_CASE("waves: dates add calendar days across months and leap years") {
  CHECK(add_days("2027-01-04", 0) == "2027-01-04");
  CHECK(add_days("2027-01-25", 14) == "2027-02-08");
  CHECK(add_days("2028-02-20", 10) == "2028-03-01");
}

namespace {

int count_kind(const Plan& p, const std::string& kind) {
  int n = 0;
  for (const auto& v : p.violations) n += v.kind == kind;
  return n;
}

const Violation* find_kind(const Plan& p, const std::string& kind) {
  for (const auto& v : p.violations) {
    if (v.kind == kind) return &v;
  }
  return nullptr;
}

bool is_nonprod(const HostPlan& h) { return h.environment == "dev" || h.environment == "test"; }

// Checks the schedule itself, not only the planner's own reports: every dependency between two
// moving hosts of different groups (shared infrastructure and dev/test → prod aside) points to
// the same or an earlier wave unless reported as a light dependency of an oversized cycle; no
// wave mixes dev/test and prod; every report says why and how to fix it.
void check_generated(std::size_t hosts, std::uint64_t seed) {
  GeneratorOptions options;
  options.hosts = hosts;
  options.seed = seed;
  const Fleet fleet = generate_fleet(options);
  const PlannerConfig config;
  const Plan p = plan(fleet, config, test_catalogs());
  CAPTURE(hosts);
  CAPTURE(seed);
  CHECK(count_kind(p, "dependency-order") == 0);
  CHECK(count_kind(p, "environment") == 0);
  for (const auto& v : p.violations) {
    CAPTURE(v.detail.english);
    CHECK_FALSE(v.kind.empty());
    CHECK_FALSE(v.reason.empty());
    CHECK_FALSE(v.fix.empty());
    CHECK_FALSE(v.waves.empty());
    CHECK_FALSE(v.hosts.empty());
  }
  for (const auto& w : p.waves) {
    int dev = 0;
    for (auto h : w.hosts) dev += is_nonprod(p.hosts[h]);
    CHECK((dev == 0 || dev == static_cast<int>(w.hosts.size())));
  }
  // Strong dependencies are always respected.
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < p.hosts.size(); ++i) index.emplace(p.hosts[i].id, i);
  int checked = 0;
  for (const auto& c : fleet.connections) {
    const auto& s = p.hosts[index.at(c.source)];
    const auto& t = p.hosts[index.at(c.target)];
    if (s.wave == 0 || t.wave == 0 || s.group == t.group) continue;
    if (s.shared_infrastructure || t.shared_infrastructure) continue;
    if (is_nonprod(s) && !is_nonprod(t)) continue;
    if (c.connections_per_day < config.grouping.strong_connections_per_day &&
        c.bytes_per_day < config.grouping.strong_bytes_per_day)
      continue;
    ++checked;
    CHECK(t.wave <= s.wave);
  }
  CHECK(checked > 0);
}

}  // namespace

TEST_CASE("waves: generated fleets get 0 dependency-order and 0 environment violations") {
  check_generated(2000, 2026);
  check_generated(2000, 7);
}

TEST_CASE("waves: a generated 10000-host fleet too") { check_generated(10000, 2026); }

TEST_CASE("waves: a dependency chain over several waves keeps every target first") {
  PlannerConfig config;
  config.waves.pilot_waves = 0;
  config.waves.ramp = {3};
  Fleet fleet;
  for (int i = 0; i < 10; ++i) {
    Host h = server("c" + std::to_string(i), 2, 4);
    h.labels["commune"] = "k" + std::to_string(i);
    fleet.hosts.push_back(h);
  }
  // c0 uses c1 uses c2 ... (light edges: separate groups, ordered waves)
  for (int i = 0; i + 1 < 10; ++i)
    fleet.connections.push_back(
        {"c" + std::to_string(i), "c" + std::to_string(i + 1), 443, 10, 1e4});
  const Plan p = plan(fleet, config, test_catalogs());
  for (int i = 0; i + 1 < 10; ++i) CHECK(p.hosts[i + 1].wave <= p.hosts[i].wave);
  for (const auto& w : p.waves) CHECK(w.hosts.size() <= 3);
  CHECK(p.violations.empty());
}

TEST_CASE("waves: a dev/test host strongly tied to prod does not make a mixed group") {
  PlannerConfig config;
  Fleet fleet;
  Host app = server("app-test", 2, 4);
  app.labels["environment"] = "test";
  Host db = server("db-prod", 2, 4);
  fleet.hosts = {app, db};
  fleet.connections.push_back({"app-test", "db-prod", 5432, 20000, 5e9});
  const Plan p = plan(fleet, config, test_catalogs());
  CHECK(p.hosts[0].group != p.hosts[1].group);
  CHECK(p.hosts[0].wave < p.hosts[1].wave);
  CHECK(count_kind(p, "environment") == 0);
}

TEST_CASE("waves: a strong dependency cycle larger than any wave is explained with its fix") {
  PlannerConfig config;
  config.waves.pilot_waves = 0;
  config.waves.ramp = {2};
  config.grouping.max_group_size = 1;  // every host its own group
  Fleet fleet;
  for (int i = 0; i < 3; ++i) {
    Host h = server("cyc-" + std::to_string(i), 2, 4);
    h.labels["commune"] = "k" + std::to_string(i);
    fleet.hosts.push_back(h);
  }
  // cyc-0 → cyc-1 → cyc-2 → cyc-0, all strong: they must share a wave, which holds 2.
  for (int i = 0; i < 3; ++i) {
    fleet.connections.push_back(
        {"cyc-" + std::to_string(i), "cyc-" + std::to_string((i + 1) % 3), 443, 20000, 5e9});
  }
  const Plan p = plan(fleet, config, test_catalogs());
  CHECK(p.hosts[0].wave == p.hosts[1].wave);
  CHECK(p.hosts[1].wave == p.hosts[2].wave);
  CHECK(count_kind(p, "dependency-order") == 0);
  const Violation* v = find_kind(p, "wave-size");
  REQUIRE(v != nullptr);
  CHECK(v->groups.size() == 3);
  CHECK(v->hosts.size() == 3);
  CHECK(v->reason.english.find("dependency cycle") != std::string::npos);
  CHECK(v->reason.english.find("3 hosts") != std::string::npos);
  CHECK(v->fix.english.find("break the cycle") != std::string::npos);
  CHECK(v->fix.english.find("raise waves.ramp") != std::string::npos);
}

TEST_CASE("waves: a light dependency cycle larger than any wave is relaxed and reported") {
  PlannerConfig config;
  config.waves.pilot_waves = 0;
  config.waves.ramp = {2};
  Fleet fleet;
  for (int i = 0; i < 4; ++i) {
    Host h = server("ring-" + std::to_string(i), 2, 4);
    h.labels["commune"] = "k" + std::to_string(i);
    fleet.hosts.push_back(h);
  }
  for (int i = 0; i < 4; ++i) {
    fleet.connections.push_back(
        {"ring-" + std::to_string(i), "ring-" + std::to_string((i + 1) % 4), 443, 10, 1e4});
  }
  const Plan p = plan(fleet, config, test_catalogs());
  for (const auto& w : p.waves) CHECK(w.hosts.size() <= 2);
  CHECK(count_kind(p, "dependency-order") == 0);
  CHECK(count_kind(p, "wave-size") == 0);
  const Violation* v = find_kind(p, "light-dependency");
  REQUIRE(v != nullptr);
  CHECK(v->reason.english.find("4 move groups") != std::string::npos);
  CHECK(v->fix.english.find("hybrid connectivity") != std::string::npos);
}

TEST_CASE("waves: a copy longer than any window names the host and suggests shipping disks") {
  PlannerConfig config;
  config.waves.pilot_waves = 0;
  Fleet fleet;
  Host big = server("srv-archive-1");
  big.disks = {{"sda", 2.5e12, 2e12}};  // 2 TB over 10 Mbit/s: 444 h, the window is 336 h
  big.uplink_mbps = 10;
  Host small = server("srv-small-2");
  small.uplink_mbps = 10;  // same commune: same site, same link
  fleet.hosts = {big, small};
  const Plan p = plan(fleet, config, test_catalogs());
  CHECK(p.hosts[0].wave != p.hosts[1].wave);  // nothing else shares the saturated link
  REQUIRE(count_kind(p, "transfer-window") == 1);
  const Violation* v = find_kind(p, "transfer-window");
  REQUIRE(v->hosts.size() == 1);
  CHECK(v->hosts[0] == 0);
  CHECK(v->waves == std::vector<int>{p.hosts[0].wave});
  CHECK(v->reason.english.find("srv-archive-1: 2,000 GB over 10 Mbit/s takes 18.5 days") !=
        std::string::npos);
  CHECK(v->reason.english.find("longer than any wave") != std::string::npos);
  CHECK(v->fix.english.find("ship the disks (offline transfer)") != std::string::npos);
  CHECK(v->fix.english.find("waves.length_days") != std::string::npos);
}

TEST_CASE("waves: a group whose hosts fit alone but not together suggests splitting it") {
  PlannerConfig config;
  config.waves.pilot_waves = 0;
  config.waves.length_days = 4;  // 96 h window
  Fleet fleet;
  for (int i = 0; i < 3; ++i) {
    Host h = server("ged-" + std::to_string(i));
    h.disks = {{"sda", 1e12, 4e11}};  // 400 GB at 20 Mbit/s: 44.4 h each, 133 h together
    h.uplink_mbps = 20;
    h.labels["application"] = "ged";
    fleet.hosts.push_back(h);
  }
  const Plan p = plan(fleet, config, test_catalogs());
  const Violation* v = find_kind(p, "transfer-window");
  REQUIRE(v != nullptr);
  CHECK(v->hosts.size() == 3);
  CHECK(v->reason.english.find("must move in one wave") != std::string::npos);
  CHECK(v->fix.english.find("split the group") != std::string::npos);
}

TEST_CASE("waves: no wave overlaps a blackout period, a wave that would starts the day after") {
  PlannerConfig config;
  config.waves.start_date = "2027-07-05";
  config.waves.length_days = 14;
  SUBCASE("the calendar") {
    config.waves.blackouts = {"2027-07-25..2027-08-31", "2027-09-10..2027-09-12"};
    const auto calendar = wave_calendar(config, 4);
    REQUIRE(calendar.size() == 4);
    CHECK(calendar[0].start == "2027-07-05");
    CHECK(calendar[0].end == "2027-07-18");
    CHECK(calendar[0].after_blackout.empty());
    // 07-19..08-01 would overlap the summer: moved to 09-01, then 09-01..09-14 overlaps the
    // second period too: moved again to 09-13.
    CHECK(calendar[1].start == "2027-09-13");
    CHECK(calendar[1].end == "2027-09-26");
    CHECK(calendar[1].after_blackout == "2027-09-10..2027-09-12");
    CHECK(calendar[2].start == "2027-09-27");
    CHECK(calendar[3].start == "2027-10-11");
  }
  SUBCASE("a whole plan") {
    config.waves.blackouts = {"2027-08-01..2027-08-31", "2027-12-20..2028-01-05"};
    GeneratorOptions options;
    options.hosts = 400;
    options.seed = 3;
    const Plan p = plan(generate_fleet(options), config, test_catalogs());
    REQUIRE(p.waves.size() > 4);
    int moved = 0;
    for (const auto& w : p.waves) {
      CAPTURE(w.number);
      for (const auto& period : config.waves.blackouts) {
        const std::string first = period.substr(0, 10), last = period.substr(12);
        CHECK((w.end < first || w.start > last));
      }
      moved += !w.after_blackout.empty();
    }
    CHECK(moved >= 2);
    CHECK(has_text(p.rules, "no wave during 2027-08-01..2027-08-31"));
  }
  SUBCASE("malformed periods are refused naming the key") {
    for (const char* bad :
         {"2027-08-01", "2027-08-31..2027-08-01", "summer", "2027-13-01..2027-13-05"}) {
      config.waves.blackouts = {bad};
      CHECK_THROWS_WITH_AS(validate(config), doctest::Contains("waves.blackouts"),
                           sahab::settings::ConfigError);
    }
  }
}

TEST_CASE("waves: move groups are named by their application, else role, and commune") {
  GeneratorOptions options;
  options.hosts = 300;
  options.seed = 5;
  Fleet fleet = generate_fleet(options);
  // Every third server without its application label: named by its role.
  for (std::size_t i = 0; i < fleet.hosts.size(); i += 3)
    fleet.hosts[i].labels.erase("application");
  const Plan p = plan(fleet, PlannerConfig{}, test_catalogs());
  REQUIRE_FALSE(p.groups.empty());
  int with_application = 0, with_role = 0;
  for (const auto& g : p.groups) {
    CAPTURE(g.id);
    REQUIRE_FALSE(g.hosts.empty());
    CHECK_FALSE(g.name.empty());
    // No host count in English: readers say it in their own language.
    CHECK(g.name.find("hosts)") == std::string::npos);
    if (g.hosts.size() != 1) continue;
    const auto& labels = fleet.hosts[g.hosts.front()].labels;
    const std::string commune = ", " + p.hosts[g.hosts.front()].commune;
    if (labels.count("application")) {
      ++with_application;
      CHECK(g.name == labels.at("application") + commune);
    } else if (labels.count("role")) {
      ++with_role;
      CHECK(g.name == labels.at("role") + commune);
    }
  }
  CHECK(with_application > 0);
  CHECK(with_role > 0);
}
