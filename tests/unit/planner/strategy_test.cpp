#include "planner/strategy.h"

#include <doctest/doctest.h>

#include <algorithm>

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

TEST_CASE("strategy: recognised software that runs and serves clients is replatformed") {
  PlannerConfig config;
  Host db = server("db");
  db.software.push_back({"PostgreSQL", "15", "package postgresql-15; port 5432/tcp"});
  db.listening.push_back({5432, "tcp", "postgres"});
  Fleet fleet{"", {db, server("app1"), server("app2"), server("app3")}, {}};
  for (const char* app : {"app1", "app2", "app3"})
    fleet.connections.push_back({app, "db", 5432, 480, 1e6});
  const Plan p = plan(fleet, config, test_catalogs(false));
  CHECK(p.hosts[0].strategy == Strategy::kReplatform);
  CHECK(p.hosts[0].target->managed_service == "Managed PostgreSQL");
  CHECK(has_text(p.hosts[0].reasons,
                 "PostgreSQL listens on 5432 and served 1,440 connections a day from 3 hosts"));
  CHECK(has_text(p.rules, "an installed package alone is rehosted"));
  config.strategy.replatform = false;
  CHECK(plan(fleet, config, test_catalogs(false)).hosts[0].strategy == Strategy::kRehost);
}

TEST_CASE("strategy: an installed package that does not run is rehosted - and the reason says so") {
  PlannerConfig config;
  Host agent = server("agent-host");
  agent.software.push_back({"postgresql", "15.4", "package postgresql-15"});
  agent.services.push_back({"postgresql@15-main.service", "enabled"});  // enabled, not running
  const Plan p = plan(Fleet{"", {agent}, {}}, config, test_catalogs(false));
  CHECK(p.hosts[0].strategy == Strategy::kRehost);
  CHECK(p.hosts[0].target->managed_service.empty());
  CHECK(has_text(p.hosts[0].reasons,
                 "postgresql-15 installed but not running: rehost, not a managed service"));

  // Running and listening, but no host connects to it: rehost as well.
  Host lonely = server("lonely");
  lonely.software.push_back({"postgresql", "15.4", ""});
  lonely.services.push_back({"postgresql@15-main.service", "running"});
  lonely.listening.push_back({5432, "tcp", "postgres"});
  const Plan q = plan(Fleet{"", {lonely, server("app")}, {{"app", "lonely", 22, 10, 1e3}}}, config,
                      test_catalogs(false));
  CHECK(q.hosts[0].strategy == Strategy::kRehost);
  CHECK(has_text(q.hosts[0].reasons, "postgresql listens on 5432 but no host connects to it"));

  // Without the evidence rule, the package is enough (the old behaviour, by choice).
  config.strategy.replatform_needs_clients = false;
  CHECK(plan(Fleet{"", {agent}, {}}, config, test_catalogs(false)).hosts[0].strategy ==
        Strategy::kReplatform);
  // A strategy=replatform label is the owner's word.
  config.strategy.replatform_needs_clients = true;
  agent.labels["strategy"] = "replatform";
  CHECK(plan(Fleet{"", {agent}, {}}, config, test_catalogs(false)).hosts[0].strategy ==
        Strategy::kReplatform);
}

TEST_CASE("strategy: service evidence from a running service and the agent's process clue") {
  Host h = server("db");
  const Software pg{"postgresql", "15", "package postgresql-15; process postgres"};
  const auto by_process = service_evidence(h, pg, {});
  CHECK(by_process.running);
  CHECK_FALSE(by_process.serving);
  h.listening.push_back({5433, "tcp", "postgres"});  // another port, its own process
  const std::vector<InboundPort> inbound{{5433, 100, 1}, {8080, 5000, 4}};
  const auto e = service_evidence(h, pg, inbound);
  CHECK(e.serving);
  CHECK(e.text.english ==
        "postgresql listens on 5433 and served 100 connections a day from 1 host");
}

namespace {
Host high_idle(const std::string& id, const std::string& source, double days) {
  Host h = idle_server(id);
  h.labels["criticality"] = "high";
  h.labels["application"] = "etat-civil";
  h.utilisation->source = source;
  h.utilisation->window_days = days;
  return h;
}
}  // namespace

TEST_CASE(
    "strategy: a prod high-criticality idle server is retired only on 30+ days of agent data") {
  PlannerConfig config;
  const Fleet fleet{"",
                    {high_idle("imported", "import", 30), high_idle("short", "agent", 10),
                     high_idle("unstated", "", 30), high_idle("measured", "agent", 40)},
                    {}};
  const Plan p = plan(fleet, config, test_catalogs());

  const HostPlan& imported = find_host(p, "imported");
  CHECK(imported.strategy == Strategy::kRetain);
  CHECK(imported.to_confirm == "retire");
  CHECK(has_text(imported.reasons, "utilisation from import, not measured by the agent"));
  CHECK(has_text(imported.reasons, "not retired, retained until the owner confirms"));
  CHECK(has_text(imported.flags, "retirement to confirm with the owner"));

  const HostPlan& short_data = find_host(p, "short");
  CHECK(short_data.strategy == Strategy::kRetain);
  CHECK(short_data.to_confirm == "retire");
  CHECK(has_text(short_data.reasons, "only 10 days of data (30 needed)"));

  CHECK(find_host(p, "unstated").to_confirm == "retire");
  CHECK(has_text(find_host(p, "unstated").reasons, "utilisation source not stated"));

  const HostPlan& measured = find_host(p, "measured");
  CHECK(measured.strategy == Strategy::kRetire);
  CHECK(measured.to_confirm.empty());
  CHECK(has_text(measured.reasons, "over 40 days (agent), no clients"));
  CHECK(p.totals.retire == 1);
  CHECK(p.totals.retire_to_confirm == 3);
  CHECK(has_text(p.rules, "30+ days of measured (agent) utilisation"));

  // A dev server of low criticality needs no such evidence; the threshold is configurable.
  Host dev = high_idle("dev", "import", 7);
  dev.labels["environment"] = "test";
  dev.labels["criticality"] = "low";
  CHECK(decide_strategy(dev, config, 0).forced == Strategy::kRetire);
  dev.labels["criticality"] = "high";
  CHECK(decide_strategy(dev, config, 0).to_confirm == "retire");
  config.idle.evidence_min_days = 7;
  config.idle.evidence_sources = {"agent", "import"};
  CHECK(decide_strategy(dev, config, 0).forced == Strategy::kRetire);
}

TEST_CASE("confidence: its factors are listed and add up to the score") {
  PlannerConfig config;
  auto check_sum = [](const HostPlan& h) {
    int stars = 5;
    for (const auto& f : h.confidence_factors) stars += f.effect;
    CHECK(h.confidence == std::clamp(stars, 1, 5));
  };
  auto factor = [](const HostPlan& h, const std::string& name) {
    for (const auto& f : h.confidence_factors)
      if (f.name == name) return f;
    FAIL("no factor " << name);
    return ConfidenceFactor{};
  };
  Host full = server("full");
  Host short_data = server("short");
  short_data.utilisation->window_days = 10;
  Host imported = server("imported");
  imported.utilisation->source = "azure-migrate";
  imported.utilisation->samples = 8640;  // 30 days of 5-minute points
  Host bare = server("bare");
  bare.utilisation.reset();
  bare.cpu_cores.reset();
  const Plan p =
      plan(Fleet{"", {full, short_data, imported, bare}, {}}, config, test_catalogs(false));
  for (const auto& h : p.hosts) check_sum(h);

  CHECK(p.hosts[0].confidence == 5);
  CHECK(factor(p.hosts[0], "coverage").value == "100%");
  CHECK(factor(p.hosts[0], "days_of_data").value == "30 of 30 days");
  CHECK(factor(p.hosts[0], "source").value == "agent");

  CHECK(p.hosts[1].confidence == 2);  // 100 % of 10 days of 30 = 33 % → 2 stars
  CHECK(factor(p.hosts[1], "days_of_data").value == "10 of 30 days");
  CHECK(factor(p.hosts[1], "days_of_data").effect == -3);

  CHECK(p.hosts[2].confidence == 4);
  CHECK(factor(p.hosts[2], "source").effect == -1);
  CHECK(factor(p.hosts[2], "data_points").value == "8640");  // shown, not scored
  CHECK(factor(p.hosts[2], "data_points").effect == 0);
  CHECK(std::none_of(p.hosts[0].confidence_factors.begin(), p.hosts[0].confidence_factors.end(),
                     [](const auto& f) { return f.name == "data_points"; }));

  CHECK(p.hosts[3].confidence == 1);
  CHECK(factor(p.hosts[3], "coverage").value == "no utilisation data");
  CHECK(factor(p.hosts[3], "assumed_values").effect == -1);
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
  // The rule as a message the web UI words itself: its key and parameters.
  const auto compliance = std::find_if(p.rules.begin(), p.rules.end(),
                                       [](const Message& m) { return m.key == "rule.compliance"; });
  REQUIRE(compliance != p.rules.end());
  CHECK(std::any_of(compliance->params.begin(), compliance->params.end(),
                    [](const Param& x) { return x.name == "country" && x.text == "MA"; }));
  // The same rule in French, for the report and (through planner/messages.json) the web UI.
  CHECK(words(*compliance, Language::kFrench).find("opérant dans le pays MA") != std::string::npos);

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

namespace {
Host windows_server(const std::string& id, const std::string& release) {
  Host h = server(id);
  h.os_family = "windows";
  h.os_name = "Microsoft Windows Server " + release + " Standard";
  h.os_version = "10.0.14393";
  return h;
}
}  // namespace

TEST_CASE("strategy: an OS out of support by the first wave is flagged, one ending soon said") {
  PlannerConfig config;  // first wave 2027-01-04
  Fleet fleet{"",
              {windows_server("w2012", "2012 R2"), windows_server("w2016", "2016"),
               windows_server("w2022", "2022"), idle_server("idle")},
              {}};
  fleet.hosts[3].os_name = "CentOS Linux";
  fleet.hosts[3].os_version = "7";
  const Plan p = plan(fleet, config, test_catalogs());
  const HostPlan& w2012 = find_host(p, "w2012");
  CHECK(w2012.strategy == Strategy::kRehost);
  CHECK(has_text(w2012.flags,
                 "Microsoft Windows Server 2012 R2 Standard 10.0.14393: vendor support ended on "
                 "2023-10-10; upgrade it during the move"));
  const HostPlan& w2016 = find_host(p, "w2016");
  CHECK(has_text(w2016.reasons, "vendor support ends on 2027-01-12, within a year"));
  CHECK_FALSE(has_text(w2016.flags, "vendor support"));
  const HostPlan& w2022 = find_host(p, "w2022");
  CHECK_FALSE(has_text(w2022.flags, "vendor support"));
  CHECK_FALSE(has_text(w2022.reasons, "vendor support"));
  // A server retired is not moved: its OS does not matter.
  CHECK(find_host(p, "idle").strategy == Strategy::kRetire);
  CHECK_FALSE(has_text(find_host(p, "idle").flags, "vendor support"));

  // The same fleet planned to start in 2021: 2012 R2 still had more than a year, 2016 years.
  config.waves.start_date = "2021-06-01";
  const Plan early = plan(fleet, config, test_catalogs());
  CHECK_FALSE(has_text(find_host(early, "w2012").flags, "vendor support"));
  CHECK_FALSE(has_text(find_host(early, "w2012").reasons, "vendor support"));
  CHECK_FALSE(has_text(find_host(early, "w2016").reasons, "vendor support"));
}

TEST_CASE("costs: Windows licences in the cloud are included in the price unless brought (byol)") {
  PlannerConfig config;
  config.providers.allowed = {"public"};
  Fleet fleet{"", {windows_server("win", "2019"), server("linux")}, {}};
  const Plan included = plan(fleet, config, test_catalogs());
  const HostPlan& win = find_host(included, "win");
  REQUIRE(win.target);
  // 0.05 USD per vCPU-hour x the target's vCPUs x 730 h x 10 MAD per USD.
  CHECK(win.monthly.licences == doctest::Approx(0.05 * win.target->vcpu * 730 * 10));
  CHECK(find_host(included, "linux").monthly.licences == 0);

  config.costs.windows_licence = "byol";
  const Plan byol = plan(fleet, config, test_catalogs());
  REQUIRE(find_host(byol, "win").target);
  CHECK(find_host(byol, "win").monthly.licences == 0);
  CHECK(find_host(byol, "win").monthly.total() ==
        doctest::Approx(win.monthly.total() - win.monthly.licences));
  // The licences owned stay in today's cost on premises either way.
  CHECK(find_host(byol, "win").on_premises.licences == doctest::Approx(win.on_premises.licences));
  CHECK(win.on_premises.licences > find_host(included, "linux").on_premises.licences);
}
