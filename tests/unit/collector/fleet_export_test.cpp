#include "collector/api/fleet_export.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "collector/api/context.h"
#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "collector/store/fleet_rows.h"
#include "collector/store/imports.h"
#include "collector/store/sources.h"
#include "collector/store/store.h"
#include "collector/store/summary_blocks.h"
#include "collector/store/utilisation.h"
#include "planner/config.h"
#include "planner/plan.h"
#include "unit/collector/test_store_url.h"
#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;  // a minute boundary
constexpr std::int64_t kDay = 86'400;

// Utilisation summaries of `metrics` (each a value per minute) over the `minutes` before kNow.
Batch summaries_of(const std::string& host, const std::map<std::string, double>& metrics,
                   int minutes) {
  Batch b;
  b.host_id = host;
  b.sequence = 1;
  for (int i = 0; i < minutes; ++i) {
    Summary s;
    s.start = kNow - (i + 1) * 60;
    s.end = s.start + 60;
    for (const auto& [name, value] : metrics) {
      MetricSummary m;
      m.metric = name;
      const double v = value * (1 + (i % 10) / 20.0);
      m.sketch.add(v);
      m.count = 1;
      m.mean = m.max = v;
      s.metrics.push_back(m);
    }
    b.summaries.push_back(s);
  }
  return b;
}

void inventory(Database& db, const std::string& host, const std::string& section,
               const std::string& data) {
  db.cached("INSERT INTO inventory_current VALUES (?, ?, '', ?, ?)")
      .with(host, section, data, kNow)
      .run();
}

void agent(Database& db, const std::string& id, const std::string& labels) {
  enrol_agent(db, id, id + ".local", "hash-" + id, "test", kNow - 10 * kDay);
  db.cached("UPDATE hosts SET labels = ? WHERE id = ?").with(labels, id).run();
}

// A fleet of every kind of host the database holds: imported ones saying much or little (and one
// written before imports dropped id, hostname and labels from the stored object), agent hosts
// with full inventory and utilisation, with some of it, or with none, and their uplink labels;
// declared and observed connections.
void populate(Database& db) {
  upsert_imported_host(db, json::parse(R"({
    "id": "imp-full", "hostname": "srv-etatcivil-01",
    "labels": {"region": "Casablanca-Settat", "commune": "Berrechid", "environment": "prod",
               "criticality": "high", "sensitivity": "sensitive", "application": "etat-civil"},
    "os": {"family": "linux", "name": "Debian GNU/Linux", "version": "12", "arch": "x86_64"},
    "cpu": {"cores": 8, "model": "Intel Xeon E5-2620", "mhz": 2100},
    "memory_bytes": 17179869184,
    "disks": [{"name": "sda", "size_bytes": 536870912000, "used_bytes": 214748364800}],
    "site": {"uplink_mbps": 20},
    "utilisation": {"window_days": 30, "coverage": 0.97,
      "cpu_ratio": {"p50": 0.12, "p90": 0.31, "p95": 0.40, "p99": 0.62, "max": 0.95},
      "memory_ratio": {"p95": 0.64}, "disk_read_iops": {"p95": 120}},
    "software": [{"name": "postgresql", "version": "15.4"}],
    "listening": [{"port": 5432, "protocol": "tcp", "process": "postgres"}],
    "future_field": {"kept": [1, 2.5, "x", null, true]}})"),
                       kNow);
  upsert_imported_host(db, {{"id", "imp-bare"}}, kNow);
  upsert_imported_host(db,
                       {{"id", "imp-cpu-only"},
                        {"labels", {{"application", "etat-civil"}, {"environment", "prod"}}},
                        {"cpu", {{"cores", 2}}},
                        {"utilisation", {{"cpu_ratio", {{"p95", 0.02}}}}}},
                       kNow);
  db.exec(R"sql(INSERT INTO hosts(id, hostname, labels, source, state, first_seen, last_seen,
    imported) VALUES ('imp-legacy', 'legacy', '{"region": "Souss-Massa"}', 'import', 'imported',
    1, 1, '{"cpu": {"cores": 4}, "hostname": "old", "id": "wrong", "labels": {"region": 3},
    "memory_bytes": 4294967296}'))sql");

  agent(db, "agt-full", R"({"region": "Fès-Meknès", "site.uplink_mbps": "50"})");
  inventory(
      db, "agt-full", "system",
      R"({"os": {"family": "linux", "name": "Ubuntu", "version": "18.04"}, "arch": "x86_64"})");
  inventory(db, "agt-full", "hardware", R"({"cpu": {"cores": 4, "model": "EPYC", "mhz": 2900.5},
    "memory_bytes": 8589934592,
    "block_devices": [{"name": "sda", "size_bytes": 107374182400}, {"name": "sdb"}],
    "filesystems": [{"device": "/dev/sda1", "used_bytes": 1073741824},
                    {"device": "/dev/sda2", "used_bytes": 1024}]})");
  inventory(
      db, "agt-full", "software",
      R"({"recognised": [{"name": "nginx", "version": "1.22", "evidence": "package nginx; process nginx"},
                               {"name": "mariadb"}],
                "services": [{"name": "nginx.service", "state": "running"},
                             {"name": "cron.service", "state": "running"}]})");
  inventory(
      db, "agt-full", "network",
      R"({"listening": [{"port": 443, "protocol": "tcp", "process": "nginx"}, {"port": 53}]})");
  store_batch(db,
              summaries_of("agt-full",
                           {{"cpu_ratio", 0.3},
                            {"memory_ratio", 0.6},
                            {"disk_read_iops", 40},
                            {"network_transmit_bytes_per_second", 2e5}},
                           240),
              "", kNow);
  // Uplink labels that are not numbers: no uplink, not an error.
  agent(db, "agt-nan-uplink", R"({"site.uplink_mbps": "nan", "environment": "dev"})");
  inventory(db, "agt-nan-uplink", "hardware", R"({"cpu": {"cores": 1}})");
  store_batch(db, summaries_of("agt-nan-uplink", {{"cpu_ratio", 0.001}}, 30), "", kNow);
  agent(db, "agt-bad-uplink", R"({"site.uplink_mbps": "fast"})");
  // An agent that enrolled and never reported: every figure assumed.
  agent(db, "agt-silent", "{}");

  upsert_declared_edge(db,
                       {{"source", "imp-cpu-only"},
                        {"target", "imp-full"},
                        {"port", 5432},
                        {"connections_per_day", 1440},
                        {"bytes_per_day", 2.1e9}},
                       kNow);
  upsert_declared_edge(db, {{"source", "imp-bare"}, {"target", "agt-full"}, {"port", 443}}, kNow);
  upsert_declared_edge(db, {{"source", "imp-bare"}, {"target", "imp-bare"}, {"port", 1}}, kNow);
  // Observed by an agent: to an address of agt-full's, and to an unknown one (left out).
  db.exec("INSERT INTO host_addresses VALUES ('10.0.0.5', 'agt-full')");
  db.exec(
      "INSERT INTO edges(source_host, direction, remote_address, remote_port, count, "
      "first_seen, last_seen) VALUES ('agt-nan-uplink', 'outbound', '10.0.0.5', 3306, 12, 1, 1), "
      "('agt-nan-uplink', 'outbound', '192.0.2.1', 53, 3, 1, 1)");
}

struct Fixture {
  sahab::testing::TempDir dir;
  CollectorConfig config;
  sahab::testing::TestStoreUrl location{dir.path() / "sahab.db"};
  Store store{location, 1};
  FleetWindow window = fleet_window(config, kNow, 30 * kDay);

  planner::Fleet direct() {
    return store.read([this](Database& db) { return planner_fleet(db, window); });
  }
  planner::Fleet through_json() {
    const std::string text =
        store.read([this](Database& db) { return export_fleet(db, window).dump(); });
    return planner::fleet_from_text(text);
  }
};

std::string error_of(const std::function<planner::Fleet()>& read) {
  try {
    read();
  } catch (const planner::FleetError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("fleet export: the planner's fleet straight from the rows equals the exported one") {
  Fixture f;
  f.store.write(populate);
  const planner::Fleet direct = f.direct();
  const planner::Fleet exported = f.through_json();
  CHECK(planner::fleet_to_json(direct) == planner::fleet_to_json(exported));

  // The fleet is as varied as intended, so the comparison above means something.
  REQUIRE(direct.hosts.size() == 8);
  REQUIRE(direct.connections.size() == 3);
  std::map<std::string, const planner::Host*> by_id;
  for (const auto& h : direct.hosts) by_id[h.id] = &h;
  const planner::Host& full = *by_id.at("agt-full");
  CHECK(full.uplink_mbps == 50);
  CHECK(full.os_version == "18.04");
  REQUIRE(full.disks.size() == 2);
  CHECK(full.disks[0].used_bytes == 1073741824.0 + 1024);
  REQUIRE(full.utilisation);
  CHECK(full.utilisation->cpu_ratio.p95 > 0.3);
  CHECK(full.utilisation->disk_read_iops.max);
  CHECK_FALSE(full.utilisation->disk_write_iops.p95);
  CHECK(full.utilisation->coverage == doctest::Approx(240.0 / (30 * 1440)));
  CHECK(full.listening.size() == 2);
  // Evidence for the planner: who measured, the agent's clues, services named after software.
  CHECK(full.utilisation->source == "agent");
  CHECK(full.software.at(0).evidence == "package nginx; process nginx");
  REQUIRE(full.services.size() == 1);
  CHECK(full.services[0].name == "nginx.service");
  CHECK(full.services[0].state == "running");
  CHECK(by_id.at("imp-full")->utilisation->source.empty());
  CHECK_FALSE(by_id.at("agt-nan-uplink")->uplink_mbps);
  CHECK_FALSE(by_id.at("agt-bad-uplink")->uplink_mbps);
  CHECK(by_id.at("agt-silent")->utilisation->coverage == 0);
  CHECK_FALSE(by_id.at("agt-silent")->cpu_cores);
  CHECK_FALSE(by_id.at("imp-bare")->utilisation);
  CHECK(by_id.at("imp-full")->utilisation->cpu_ratio.p95 == 0.40);
  const planner::Host& legacy = *by_id.at("imp-legacy");
  CHECK(legacy.hostname == "legacy");
  CHECK(legacy.label("region") == "Souss-Massa");
  CHECK(legacy.cpu_cores == 4);

  // And so are the plans made of them.
  const auto setup =
      planner::load_planner_setup(std::string(SAHAB_FIXTURES_DIR) + "/../../configs/planner.yaml");
  CHECK(planner::plan_json_text(planner::plan(direct, setup.config, setup.catalogs)) ==
        planner::plan_json_text(planner::plan(exported, setup.config, setup.catalogs)));
}

// Hosts stored past today's import checks (an older version's imports) or sent by an agent.
TEST_CASE("fleet export: a host the planner refuses is described in part, the same on both paths") {
  Fixture f;
  f.store.write(populate);
  f.store.write([](Database& db) {
    upsert_imported_host(db,
                         {{"id", "imp-half-core"},
                          {"hostname", "half"},
                          {"labels", {{"region", "Oriental"}}},
                          {"cpu", {{"cores", 2.5}}},
                          {"memory_bytes", 1e9},
                          {"utilisation", {{"cpu_ratio", {{"p95", 0.5}}}}}},
                         kNow);
    json deep = 1;  // deeper than the planner's reader goes
    for (int i = 0; i < 80; ++i) deep = json::array({deep});
    upsert_imported_host(db, {{"id", "imp-deep"}, {"memory_bytes", 1e9}, {"extra", deep}}, kNow);
  });
  std::vector<sahab::protocol::HostProblem> in_part;
  const planner::Fleet direct =
      f.store.read([&](Database& db) { return planner_fleet(db, f.window, &in_part); });
  CHECK(planner::fleet_to_json(direct) == planner::fleet_to_json(f.through_json()));
  REQUIRE(in_part.size() == 2);
  CHECK(in_part[0].id == "imp-deep");
  CHECK(in_part[0].problem == "nested deeper than 64 levels");
  CHECK(in_part[1].id == "imp-half-core");
  CHECK(in_part[1].problem == "field 'cpu.cores': expected a whole number");
  std::map<std::string, const planner::Host*> by_id;
  for (const auto& h : direct.hosts) by_id[h.id] = &h;
  REQUIRE(direct.hosts.size() == 10);  // every host still counted
  const planner::Host& half = *by_id.at("imp-half-core");
  CHECK(half.hostname == "half");
  CHECK(half.label("region") == "Oriental");
  CHECK_FALSE(half.memory_bytes);  // the import's figures are what may be wrong: none kept
  CHECK_FALSE(half.utilisation);
  CHECK_FALSE(by_id.at("imp-deep")->memory_bytes);
}

TEST_CASE("fleet export: a connection the planner refuses is refused the same way on both paths") {
  Fixture f;
  f.store.write(populate);
  f.store.write([](Database& db) {
    upsert_declared_edge(db, {{"source", "imp-bare"}, {"target", "imp-full"}, {"port", 70000}},
                         kNow);
  });
  const std::string connection_error = error_of([&f] { return f.direct(); });
  CHECK(connection_error.find("field 'port'") != std::string::npos);
  CHECK(connection_error == error_of([&f] { return f.through_json(); }));
}

TEST_CASE("fleet export: an agent's inventory the planner refuses does not stop the fleet") {
  Fixture f;
  f.store.write(populate);
  f.store.write([](Database& db) {
    agent(db, "agt-odd", R"({"region": "Oriental", "site.uplink_mbps": "0"})");
    inventory(db, "agt-odd", "hardware", R"({"cpu": {"cores": 0}, "memory_bytes": "lots"})");
    store_batch(db, summaries_of("agt-odd", {{"cpu_ratio", 0.2}}, 30), "", kNow);
  });
  const planner::Fleet direct = f.direct();
  CHECK(planner::fleet_to_json(direct) == planner::fleet_to_json(f.through_json()));
  const planner::Host* odd = nullptr;
  for (const auto& h : direct.hosts) odd = h.id == "agt-odd" ? &h : odd;
  REQUIRE(odd);
  CHECK(odd->label("region") == "Oriental");  // still there, with its labels and utilisation
  CHECK_FALSE(odd->cpu_cores);
  CHECK_FALSE(odd->memory_bytes);
  CHECK_FALSE(odd->uplink_mbps);  // 0 Mbit/s is below the fleet's range
  REQUIRE(odd->utilisation);
  CHECK(odd->utilisation->cpu_ratio.p95);
}

TEST_CASE("fleet export: an empty database is an empty fleet on both paths") {
  Fixture f;
  const planner::Fleet direct = f.direct();
  CHECK(direct.hosts.empty());
  CHECK(planner::fleet_to_json(direct) == planner::fleet_to_json(f.through_json()));
}

TEST_CASE("fleet export: the streamed document is byte for byte the one dumped at once") {
  Fixture f;
  const auto streamed = [&f] {
    return f.store.read([&f](Database& db) {
      std::string text;
      int pieces = 0;
      write_fleet(db, f.window, [&](std::string_view piece) {
        text += piece;
        ++pieces;
      });
      CHECK(pieces > 2);  // written as it was read, not at the end
      return text;
    });
  };
  const auto whole = [&f] {
    return f.store.read(
        [&f](Database& db) { return json_response(200, export_fleet(db, f.window)).body; });
  };
  // An empty fleet, then a varied one (agents, imports, hosts described in part, connections).
  CHECK(streamed() == whole());
  f.store.write(populate);
  const std::string text = streamed();
  CHECK(text == whole());
  CHECK(nlohmann::json::parse(text)["hosts"].size() == 8);
}

TEST_CASE("fleet export: a VM a vCenter source measured has its samples as utilisation") {
  Fixture f;
  f.store.write([](Database& db) {
    for (const char* id : {"vmware:measured", "vmware:unmeasured", "imp-with-blocks"})
      upsert_imported_host(db, {{"id", id}, {"cpu", {{"cores", 2}}}}, kNow);
    agent(db, "agt-vm", "{}");
    SourceConfig config;
    config.name = "lab";
    config.url = "https://vc.lab/sdk";
    config.username = "reader";
    config.password_sealed = "v1:00";
    const auto source = *create_source(db, config, "test", kNow, kNow);
    record_source_hosts(db, source, 1, {"vmware:measured", "vmware:unmeasured", "agt-vm"}, kNow);
    // What a performance run writes: 2-h samples (120 summaries each) over the last day.
    std::vector<SummaryEntry> entries;
    for (int i = 1; i <= 12; ++i) {
      SummaryEntry e{"cpu_ratio", kNow - i * 7200, kNow - (i - 1) * 7200, 120, 360, 0.25, 0.25, {}};
      e.sketch.add(0.25, 360);
      entries.push_back(e);
    }
    add_utilisation(db, "vmware:measured", entries);
    // Blocks under an imported host no source saw (a stray write) make no utilisation.
    add_utilisation(db, "imp-with-blocks", entries);
  });
  const json fleet = f.store.read([&f](Database& db) { return export_fleet(db, f.window); });
  std::map<std::string, json> hosts;
  for (const auto& h : fleet["hosts"]) hosts[h["id"]] = h;
  const json& u = hosts.at("vmware:measured").at("utilisation");
  CHECK(u["source"] == "vcenter");
  CHECK(u["samples"] == 12 * 120);
  CHECK(u["coverage"].get<double>() == doctest::Approx(1.0 / 30));
  CHECK(u["cpu_ratio"]["p95"].get<double>() == doctest::Approx(0.25).epsilon(0.01));
  CHECK_FALSE(hosts.at("vmware:unmeasured").contains("utilisation"));
  CHECK_FALSE(hosts.at("imp-with-blocks").contains("utilisation"));
  CHECK(hosts.at("agt-vm")["utilisation"]["source"] == "agent");
  // The planner's fleet straight from the rows says the same.
  const auto direct = f.direct();
  const auto vm = std::find_if(direct.hosts.begin(), direct.hosts.end(),
                               [](const auto& h) { return h.id == "vmware:measured"; });
  REQUIRE(vm != direct.hosts.end());
  CHECK(vm->utilisation->source == "vcenter");
  CHECK(*vm->utilisation->samples == 12 * 120);

  // Where the next performance run starts: the newest stored end of imported hosts only.
  const auto since = f.store.read([](Database& db) {
    return measured_until_of_imported(db,
                                      {"vmware:measured", "vmware:unmeasured", "agt-vm", "nope"});
  });
  CHECK(since.size() == 2);
  CHECK(since.at("vmware:measured") == kNow);
  CHECK_FALSE(since.at("vmware:unmeasured").has_value());
}

namespace {

// Host i of a fleet read in pages: ids in the store's order whatever its collation.
std::string paged_id(std::size_t i) {
  std::string digits = std::to_string(i);
  return "host-" + std::string(4 - digits.size(), '0') + digits;
}
double cpu_of(std::size_t i) { return static_cast<double>(i + 1) / 1'000; }
int minutes_of(std::size_t i) { return static_cast<int>(i % 7) + 2; }

// Hosts with no children (imported; an agent that never reported), one (a section, a summary)
// and many (sections, summaries), each with figures of its own: a page's rows handed to the wrong
// host, or lost at a page's edge, change some host's document.
void paged_fleet(Database& db, std::size_t hosts) {
  for (std::size_t i = 0; i < hosts; ++i) {
    const std::string id = paged_id(i);
    const std::string cores = R"({"cpu": {"cores": )" + std::to_string(i + 1) + "}}";
    switch (i % 4) {
      case 0:
        upsert_imported_host(db, {{"id", id}, {"cpu", {{"cores", 1000 + i}}}}, kNow);
        break;
      case 1:
        agent(db, id, "{}");
        break;
      case 2:
        agent(db, id, "{}");
        inventory(db, id, "hardware", cores);
        store_batch(db, summaries_of(id, {{"cpu_ratio", cpu_of(i)}}, 1), "", kNow);
        break;
      default:
        agent(db, id, "{}");
        inventory(db, id, "hardware", cores);
        inventory(db, id, "system", R"({"os": {"name": "os-)" + id + R"("}})");
        inventory(db, id, "network",
                  R"({"listening": [{"port": )" + std::to_string(1000 + i) + "}]}");
        store_batch(db, summaries_of(id, {{"cpu_ratio", cpu_of(i)}}, minutes_of(i)), "", kNow);
    }
  }
}

void check_paged_host(const json& host, std::size_t i) {
  CAPTURE(i);
  CHECK(host["id"] == paged_id(i));
  if (i % 4 == 0) {
    CHECK(host["cpu"]["cores"] == 1000 + i);
    CHECK_FALSE(host.contains("utilisation"));
    return;
  }
  const json& u = host.at("utilisation");
  if (i % 4 == 1) {
    CHECK_FALSE(host.contains("cpu"));
    CHECK(u["samples"] == 0);
    CHECK_FALSE(u.contains("cpu_ratio"));
    return;
  }
  CHECK(host["cpu"]["cores"] == i + 1);
  const int minutes = i % 4 == 2 ? 1 : minutes_of(i);
  CHECK(u["samples"] == minutes);
  // summaries_of's largest value: the metric's times 1 + (minute % 10) / 20.
  const double max = cpu_of(i) * (1 + std::min(minutes - 1, 9) / 20.0);
  CHECK(u["cpu_ratio"]["max"].get<double>() == doctest::Approx(max).epsilon(0.001));
  if (i % 4 == 3) {
    CHECK(host["os"]["name"] == "os-" + paged_id(i));
    CHECK(host["listening"][0]["port"] == 1000 + i);
  } else {
    CHECK_FALSE(host.contains("os"));
  }
}

// An entry of cpu_ratio at `start` for `summaries` report intervals, every sample `value`.
SummaryEntry cpu_entry(std::int64_t start, std::int64_t summaries, double value) {
  SummaryEntry e{"cpu_ratio", start, start + 60 * summaries, summaries, summaries, value,
                 value,       {}};
  e.sketch.add(value, static_cast<std::uint64_t>(summaries));
  return e;
}

}  // namespace

TEST_CASE("fleet export: hosts around page boundaries keep their own inventory and utilisation") {
  for (const std::size_t hosts : {kFleetHostsPerPage - 1, kFleetHostsPerPage,
                                  kFleetHostsPerPage + 1, 2 * kFleetHostsPerPage + 1}) {
    CAPTURE(hosts);
    Fixture f;
    f.store.write([hosts](Database& db) { paged_fleet(db, hosts); });
    const std::string text = f.store.read([&f](Database& db) {
      std::string out;
      write_fleet(db, f.window, [&out](std::string_view piece) { out += piece; });
      return out;
    });
    const json fleet = json::parse(text);
    REQUIRE(fleet["hosts"].size() == hosts);
    for (std::size_t i = 0; i < hosts; ++i) check_paged_host(fleet["hosts"][i], i);
    // The planner's fleet, read from the same pages, agrees host by host.
    CHECK(planner::fleet_to_json(f.direct()) == planner::fleet_to_json(f.through_json()));
  }
}

TEST_CASE("utilisation: a page of hosts' windows equals each host's own, rollups and raw alike") {
  Fixture f;
  const std::int64_t today = day_of(kNow);
  const std::vector<std::string> hosts = {"u-a", "u-b", "u-c", "u-d"};
  f.store.write([&](Database& db) {
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      const std::string& h = hosts[i];
      if (i == 2) continue;  // u-c has no blocks at all
      const double v = 0.1 * static_cast<double>(i + 1);
      // Rollups before the raw retention (20 and 25 days ago).
      for (const int days : {20, 25})
        write_block(db, BlockTable::kRollups, h, today - days * kDay,
                    {cpu_entry(today - days * kDay, 1440, v)});
      // A day 5 days ago packed and rolled up: the rollup answers, its different raw values not.
      pack_day(db, h, today - 5 * kDay, {cpu_entry(today - 5 * kDay + 60, 1440, v * 3)}, 0);
      write_block(db, BlockTable::kRollups, h, today - 5 * kDay,
                  {cpu_entry(today - 5 * kDay, 1440, v * 2)});
      // A day 3 days ago whose rollup is stale (a summary arrived since): its hours answer.
      write_block(db, BlockTable::kSummaries, h, today - 3 * kDay + 3600,
                  {cpu_entry(today - 3 * kDay + 3600, 60, v * 4)});
      write_block(db, BlockTable::kRollups, h, today - 3 * kDay,
                  {cpu_entry(today - 3 * kDay, 60, v * 5)});
      db.cached("INSERT INTO rollup_pending(host_id, day) VALUES (?, ?)")
          .with(h, today - 3 * kDay)
          .run();
      // Today's hours, and an hour that cannot be decoded (skipped by both readings alike).
      write_block(db, BlockTable::kSummaries, h, today, {cpu_entry(today, 30 + i, v * 6)});
      db.cached(
            "INSERT INTO summary_blocks(host_id, start, span, entries, last_end, data) "
            "VALUES (?, ?, 3600, 1, ?, ?)")
          .with(h, today + 3600, today + 3660, Blob{"not a block"})
          .run();
    }
  });
  const std::int64_t from = kNow - 30 * kDay;
  const std::int64_t raw_from = f.window.raw_from;
  REQUIRE(raw_from > today - 20 * kDay);
  REQUIRE(raw_from < today - 5 * kDay);
  f.store.read([&](Database& db) {
    const UtilisationPage page(db, "u-a", "u-d", from, kNow, raw_from);
    for (const std::string& h : hosts) {
      CAPTURE(h);
      const auto paged = page.query_windows(h, {"cpu_ratio", "memory_ratio"});
      const auto own =
          query_windows(db, {h, "", from, kNow, raw_from}, {"cpu_ratio", "memory_ratio"});
      REQUIRE(paged.size() == 2);
      for (std::size_t m = 0; m < 2; ++m) {
        CHECK(paged[m].summaries == own[m].summaries);
        CHECK(paged[m].sum == own[m].sum);
        CHECK(paged[m].max == own[m].max);
        CHECK(paged[m].sketch.to_json() == own[m].sketch.to_json());
      }
      // What the blocks say: two old rollups, the fresh one, the stale day's hour, today.
      const std::int64_t expected = h == "u-c" ? 0
                                               : 1440 * 3 + 60 + 30 +
                                                     (h == "u-a"   ? 0
                                                      : h == "u-b" ? 1
                                                                   : 3);
      CHECK(paged[0].summaries == expected);
    }
    // A host outside the page's range has nothing in it, whatever it stores.
    CHECK(UtilisationPage(db, "u-b", "u-c", from, kNow, raw_from)
              .query_windows("u-a", {"cpu_ratio"})[0]
              .summaries == 0);
  });
}
