#include "planner/strategy.h"

#include <doctest/doctest.h>

#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

namespace {
Host idle_server(const std::string& id) {
  Host h = server(id, 4, 16, 0.03, 0.03);
  h.utilisation->cpu_ratio.max = 0.2;  // not a zombie: it wakes up now and then
  h.utilisation->network_receive_bytes_per_second = flat(1000);
  h.utilisation->network_transmit_bytes_per_second = flat(1000);
  return h;
}
}  // namespace

TEST_CASE("strategy: an idle server nobody uses is retired - with its evidence") {
  PlannerConfig config;
  Fleet fleet{"", {idle_server("idle"), server("busy")}, {}};
  const Plan p = plan(fleet, config, test_catalogs());
  const HostPlan& idle = find_host(p, "idle");
  CHECK(idle.strategy == Strategy::kRetire);
  CHECK(has_text(idle.reasons, "idle: p95 CPU 3.0%"));
  CHECK_FALSE(idle.target);
  CHECK(idle.wave == 0);
  CHECK(idle.monthly.total() == 0);
  CHECK(idle.on_premises_monthly_cost > 0);
  CHECK(find_host(p, "busy").strategy == Strategy::kRehost);
  CHECK(p.totals.retire == 1);
}

TEST_CASE("strategy: zombies are retired even when idle servers are kept") {
  PlannerConfig config;
  config.idle.retire_idle = false;
  Host zombie = server("zombie", 4, 16, 0.004, 0.30);
  zombie.utilisation->network_receive_bytes_per_second = flat(10);
  zombie.utilisation->network_transmit_bytes_per_second = flat(10);
  CHECK(decide_strategy(zombie, config, 0).forced == Strategy::kRetire);
  CHECK_FALSE(decide_strategy(idle_server("idle"), config, 0).forced);
}

TEST_CASE("strategy: no retirement when others connect to it - or without enough data") {
  PlannerConfig config;
  const auto used = decide_strategy(idle_server("idle"), config, 3);
  CHECK_FALSE(used.forced);
  CHECK(has_text(used.reasons, "3 hosts connect to it"));

  Host unobserved = idle_server("idle");
  unobserved.utilisation->coverage = 0.5;
  CHECK_FALSE(decide_strategy(unobserved, config, 0).forced);
  Host never = idle_server("idle");
  never.utilisation.reset();
  CHECK_FALSE(decide_strategy(never, config, 0).forced);
}

TEST_CASE("strategy: unsupported platforms and explicit labels are retained") {
  PlannerConfig config;
  Host aix = server("aix");
  aix.os_family = "AIX";
  CHECK(decide_strategy(aix, config, 0).forced == Strategy::kRetain);
  Host sparc = server("sparc");
  sparc.arch = "sparc64";
  CHECK(decide_strategy(sparc, config, 0).forced == Strategy::kRetain);
  Host labelled = idle_server("x");
  labelled.labels["strategy"] = "retain";
  const auto d = decide_strategy(labelled, config, 0);
  CHECK(d.forced == Strategy::kRetain);
  CHECK(has_text(d.reasons, "label strategy=retain"));
}

TEST_CASE("strategy: recognised software with a managed offer is replatformed") {
  PlannerConfig config;
  Host db = server("db");
  db.software.push_back({"PostgreSQL", "15"});
  Fleet fleet{"", {db}, {}};
  const Plan p = plan(fleet, config, test_catalogs(false));
  CHECK(p.hosts[0].strategy == Strategy::kReplatform);
  CHECK(p.hosts[0].target->managed_service == "Managed PostgreSQL");
  config.strategy.replatform = false;
  CHECK(plan(fleet, config, test_catalogs(false)).hosts[0].strategy == Strategy::kRehost);
}

TEST_CASE("compliance: a sensitive host never lands on an unqualified provider") {
  PlannerConfig config;
  Host h = server("etatcivil");
  h.labels["sensitivity"] = "sensitive";
  Fleet fleet{"", {h, server("public-ok")}, {}};

  const Plan p = plan(fleet, config, test_catalogs());
  REQUIRE(p.hosts[0].target);
  CHECK(p.hosts[0].target->provider == "sovereign");  // dearer, but the only qualified one
  CHECK(has_text(p.hosts[0].reasons, "only providers qualified level 1+ in MA"));
  CHECK(p.hosts[1].target->provider == "public");
  CHECK(has_text(p.rules, "Decree 2-24-921"));

  const Plan none = plan(fleet, config, test_catalogs(false));
  CHECK_FALSE(none.hosts[0].target);
  CHECK(none.hosts[0].strategy == Strategy::kRetain);
  CHECK(has_text(none.hosts[0].flags,
                 "no provider qualified level 1+ in MA fits; not placed elsewhere"));
}

TEST_CASE("compliance: sensitive data needs level 2 - a level 1 provider is not enough") {
  PlannerConfig config;
  std::string level1 = kSovereignCatalog;
  level1.replace(level1.find("level2"), 6, "level1");
  Catalogs catalogs;
  catalogs.providers.push_back(parse_catalog(level1, "l1.yaml"));
  Host data = server("db");
  data.labels["sensitivity"] = "sensitive-data";
  Host system = server("app");
  system.labels["sensitivity"] = "sensitive";
  const Plan p = plan(Fleet{"", {data, system}, {}}, config, catalogs);
  CHECK_FALSE(p.hosts[0].target);
  CHECK(p.hosts[1].target->provider == "sovereign");
}

TEST_CASE("compliance: the sovereign offer too small is flagged - never swapped for a public one") {
  PlannerConfig config;
  Host huge = server("huge", 64, 512, 0.9, 0.9);
  huge.labels["sensitivity"] = "sensitive";
  const Plan p = plan(Fleet{"", {huge}, {}}, config, test_catalogs());
  CHECK_FALSE(p.hosts[0].target);
  CHECK(has_text(p.hosts[0].flags, "no instance of sovereign"));
}
