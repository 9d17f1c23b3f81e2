#include "planner/fleet.h"

#include <doctest/doctest.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "planner/fleet_generator.h"
#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;
using nlohmann::json;

namespace {

const char* kExample = R"({
  "format": "sahab-fleet/1",
  "generated_at": "2026-11-22T10:00:00Z",
  "hosts": [{
    "id": "stable host id",
    "hostname": "srv-etatcivil-01",
    "labels": {"region": "Casablanca-Settat", "province": "Settat", "commune": "Berrechid",
               "environment": "prod", "criticality": "high", "sensitivity": "sensitive",
               "application": "etat-civil"},
    "os": {"family": "linux", "name": "Debian GNU/Linux", "version": "12", "arch": "x86_64"},
    "cpu": {"cores": 8, "model": "Intel Xeon E5-2620", "mhz": 2100},
    "memory_bytes": 17179869184,
    "disks": [{"name": "sda", "size_bytes": 536870912000, "used_bytes": 214748364800}],
    "site": {"uplink_mbps": 20},
    "utilisation": {
      "window_days": 30, "coverage": 0.97,
      "cpu_ratio":    {"p50": 0.12, "p90": 0.31, "p95": 0.40, "p99": 0.62, "max": 0.95},
      "memory_ratio": {"p50": 0.50, "p90": 0.61, "p95": 0.64, "p99": 0.70, "max": 0.81},
      "disk_read_iops": {"p95": 120}, "disk_write_iops": {"p95": 80},
      "disk_read_bytes_per_second": {"p95": 4.0e6}, "disk_write_bytes_per_second": {"p95": 2.5e6},
      "network_receive_bytes_per_second": {"p95": 1.2e6}, "network_transmit_bytes_per_second": {"p95": 0.9e6}
    },
    "software": [{"name": "postgresql", "version": "15.4"}],
    "listening": [{"port": 5432, "protocol": "tcp", "process": "postgres"}]
  }, {"id": "minimal"}],
  "connections": [{"source": "minimal", "target": "stable host id", "port": 5432,
                   "connections_per_day": 1440, "bytes_per_day": 2.1e9}]
})";

std::string error_of(const std::string& text) {
  try {
    fleet_from_text(text);
  } catch (const FleetError& e) {
    return e.what();
  }
  return "";
}

std::string with_host(const std::string& host_json) {
  return R"({"format": "sahab-fleet/1", "hosts": [{"id": "ok"}, )" + host_json + "]}";
}

}  // namespace

TEST_CASE("fleet: the brief's example parses field by field") {
  const Fleet fleet = fleet_from_text(kExample);
  REQUIRE(fleet.hosts.size() == 2);
  const Host& h = fleet.hosts[0];
  CHECK(h.id == "stable host id");
  CHECK(h.label("commune") == "Berrechid");
  CHECK(h.cpu_cores == 8);
  CHECK(h.memory_bytes == 17179869184.0);
  REQUIRE(h.disks.size() == 1);
  CHECK(h.disks[0].used_bytes == 214748364800.0);
  CHECK(h.uplink_mbps == 20);
  REQUIRE(h.utilisation);
  CHECK(h.utilisation->cpu_ratio.p95 == 0.40);
  CHECK(h.utilisation->disk_write_iops.p95 == 80);
  CHECK(h.software.at(0).name == "postgresql");
  CHECK(h.listening.at(0).port == 5432);
  CHECK_FALSE(fleet.hosts[1].cpu_cores);
  CHECK_FALSE(fleet.hosts[1].utilisation);
  REQUIRE(fleet.connections.size() == 1);
  CHECK(fleet.connections[0].bytes_per_day == 2.1e9);
  CHECK(fleet.generated_at == "2026-11-22T10:00:00Z");

  // The streaming parser and the tree parser agree, and writing it back loses nothing.
  const Fleet tree = fleet_from_json(json::parse(kExample));
  CHECK(fleet_to_json(tree) == fleet_to_json(fleet));
  CHECK(fleet_to_json(fleet_from_text(fleet_to_json(fleet).dump())) == fleet_to_json(fleet));
}

TEST_CASE("fleet: invalid documents name the host and the field") {
  CHECK(error_of("").find("not valid JSON") != std::string::npos);
  CHECK(error_of(std::string(kExample).substr(0, 300)).find("not valid JSON") != std::string::npos);
  CHECK(error_of("[]").find("expected a JSON object") != std::string::npos);
  // A lone scalar: no frame is open (found by tests/fuzz/fuzz_fleet_reader).
  for (const char* scalar : {"1", "null", "true", "\"sahab-fleet/1\"", " 2.5 "}) {
    CAPTURE(scalar);
    CHECK(error_of(scalar) == "fleet: expected a JSON object");
  }
  CHECK(error_of(R"({"hosts": []})").find("field 'format'") != std::string::npos);
  CHECK(error_of(R"({"format": "sahab-fleet/2"})").find("sahab-fleet/1") != std::string::npos);
  CHECK(error_of(with_host(R"({"hostname": "x"})")) ==
        "host 1: field 'id': missing: every host needs a stable id");
  CHECK(error_of(with_host(R"({"id": "a", "cpu": {"cores": "eight"}})")) ==
        "host 1 (id 'a'): field 'cpu.cores': expected a number");
  CHECK(error_of(with_host(R"({"id": "a", "cpu": {"cores": 2.5}})")).find("whole number") !=
        std::string::npos);
  CHECK(error_of(with_host(R"({"id": "a", "utilisation": {"cpu_ratio": {"p95": 1.5}}})"))
            .find("field 'utilisation.cpu_ratio.p95': expected a number between 0 and 1") !=
        std::string::npos);
  CHECK(error_of(with_host(R"({"id": "a", "memory_bytes": -1})")).find("'memory_bytes'") !=
        std::string::npos);
  CHECK(error_of(with_host(R"({"id": "a", "labels": {"region": 3}})")).find("'labels.region'") !=
        std::string::npos);
  CHECK(
      error_of(
          with_host(R"({"id": "a", "disks": [{"name": "sda", "size_bytes": 1, "used_bytes": 2}]})"))
          .find("'disks[0].used_bytes': larger than size_bytes") != std::string::npos);
  CHECK(error_of(with_host(R"({"id": "ok"})")).find("host 1 (id 'ok'): field 'id': duplicate") !=
        std::string::npos);
  CHECK(error_of(with_host("42")).find("every element must be an object") != std::string::npos);
  CHECK(error_of(R"({"format": "sahab-fleet/1", "hosts": {}})").find("expected an array") !=
        std::string::npos);
  CHECK(error_of(R"({"format": "sahab-fleet/1", "connections": [{"target": "a"}]})") ==
        "connection 0: field 'source': missing");
}

TEST_CASE("fleet: files that cannot be read or are not JSON name the file") {
  try {
    load_fleet_file("/nonexistent/fleet.json");
    FAIL("no error");
  } catch (const FleetError& e) {
    CHECK(std::string(e.what()).find("/nonexistent/fleet.json: cannot read") != std::string::npos);
  }
  const std::string path = "/tmp/sahab-planner-test-fleet.json";
  std::ofstream(path) << "{\"format\": \"sahab-fleet/1\", \"hosts\": [{\"id\": \"a\"},";
  try {
    load_fleet_file(path);
    FAIL("no error");
  } catch (const FleetError& e) {
    CHECK(std::string(e.what()).find(path + ": fleet: not valid JSON") != std::string::npos);
  }
  std::remove(path.c_str());
}

TEST_CASE("fleet: missing data is not an error - the plan says what it assumed") {
  const Fleet fleet = fleet_from_text(R"({"format": "sahab-fleet/1", "hosts": [{"id": "bare"}]})");
  PlannerConfig config;
  const Plan p = plan(fleet, config, test_catalogs());
  CHECK(p.hosts[0].confidence == 1);
  CHECK(has_text(p.hosts[0].reasons, "assumed"));
  CHECK(has_text(p.assumptions, "without an environment label: treated as prod"));
  CHECK(has_text(p.assumptions, "without a site uplink"));
}

TEST_CASE("fleet: unknown fields are skipped at any depth - wrong shapes are errors") {
  const Fleet fleet = fleet_from_text(R"({"format": "sahab-fleet/1", "extra": {"a": [1, {"b": []}]},
    "hosts": [{"id": "a", "future": {"x": [1, 2, {"y": 3}]}, "disks": [{"name": "sda", "smart": {"ok": true}},
               {"name": "sdb", "size_bytes": 10}], "cpu": {"cores": 2, "flags": ["sse"]}, "tags": [1]},
              {"id": "b"}],
    "connections": [], "more": null})");
  REQUIRE(fleet.hosts.size() == 2);
  REQUIRE(fleet.hosts[0].disks.size() == 2);
  CHECK(fleet.hosts[0].disks[1].name == "sdb");
  CHECK(fleet.hosts[0].disks[1].size_bytes == 10);
  CHECK(fleet.hosts[0].cpu_cores == 2);
  CHECK(fleet.hosts[1].id == "b");
  CHECK(error_of(with_host(R"({"id": "a", "labels": "prod"})")) ==
        "host 1 (id 'a'): field 'labels': expected an object");
  CHECK(error_of(with_host(R"({"id": "a", "disks": {"sda": 1}})")) ==
        "host 1 (id 'a'): field 'disks': expected an array");
  CHECK(error_of(with_host(R"({"id": "a", "disks": [3]})")) ==
        "host 1 (id 'a'): field 'disks[0]': expected an object");
  CHECK(error_of(with_host(R"({"id": "a", "cpu": {"cores": [2]}})")) ==
        "host 1 (id 'a'): field 'cpu.cores': expected a single value");
  CHECK(error_of(with_host(R"({"utilisation": {"cpu_ratio": 0.5}, "id": "late"})")) ==
        "host 1 (id 'late'): field 'utilisation.cpu_ratio': expected an object");
  // Member names that look like array elements are unknown fields, not elements: they threw
  // std::invalid_argument ("stoul") or std::out_of_range; an empty name read path.back() of ""
  // (found by tests/fuzz/fuzz_fleet_reader).
  const Fleet bracketed = fleet_from_text(with_host(
      R"({"id": "a", "disks[x]": 1, "software[memory]": 2, "disks[3]": {"name": "sdz"},
          "listening[0].port": 22, "disks": [{"name": "sda", "size[0]": 1}], "labels": {"a[1]": "b"},
          "": "empty", "": {"name": 1}})"));
  REQUIRE(bracketed.hosts.size() == 2);
  REQUIRE(bracketed.hosts[1].disks.size() == 1);
  CHECK(bracketed.hosts[1].disks[0].name == "sda");
  CHECK(bracketed.hosts[1].listening.empty());
  CHECK(bracketed.hosts[1].label("a[1]") == "b");
}

TEST_CASE("fleet: documents nested deeper than 64 levels are refused, skipped fields too") {
  // Deep inside an unknown field (skipped), inside a host, and at the top level: each refused
  // at level 65, quickly, whatever the depth of the text.
  const auto nested = [](std::size_t levels) {
    return std::string(levels, '[') + std::string(levels, ']');
  };
  const std::string kDeep = "fleet: nested deeper than 64 levels";
  CHECK(error_of(with_host(R"({"id": "a", "x": )" + nested(100'000) + "}")) == kDeep);
  CHECK(error_of(R"({"format": "sahab-fleet/1", "extra": )" + nested(100'000) + "}") == kDeep);
  CHECK(error_of(R"({"format": "sahab-fleet/1", "hosts": [], "extra": )" + nested(64) + "}") ==
        kDeep);
  // 64 levels in all are fine: the document, and 63 more in an unknown field.
  CHECK(error_of(R"({"format": "sahab-fleet/1", "hosts": [], "extra": )" + nested(63) + "}") == "");
}

namespace {

json document_of(const json& hosts, const json& connections = json::array()) {
  return {{"format", sahab::protocol::kFleetFormat},
          {"generated_at", "2026-11-23T10:00:00Z"},
          {"hosts", hosts},
          {"connections", connections}};
}

// The error FleetBuilder gives for a host after a valid one, or "".
std::string builder_error(const json& fields, std::string_view base,
                          const json& connection = json()) {
  try {
    FleetBuilder builder("2026-11-23T10:00:00Z");
    if (!connection.is_null()) builder.add_connection(connection);
    builder.add_host({{"id", "ok"}});
    builder.add_host(fields, base);
    builder.finish();
  } catch (const FleetError& e) {
    return e.what();
  }
  return "";
}

// The error of the written document holding the same host, `base` updated with `fields`.
std::string document_error(const json& fields, std::string_view base,
                           const json& connection = json()) {
  json host = json::parse(base.empty() ? "{}" : base);
  host.update(fields);
  json connections = json::array();
  if (!connection.is_null()) connections.push_back(connection);
  return error_of(document_of(json::array({{{"id", "ok"}}, host}), connections).dump());
}

}  // namespace

TEST_CASE("fleet builder: hosts as fields over a base text read as the written document") {
  GeneratorOptions options;
  options.hosts = 150;
  options.seed = 11;
  const json generated = fleet_to_json(generate_fleet(options));
  FleetBuilder builder("2026-11-23T10:00:00Z");
  for (const auto& c : generated["connections"]) builder.add_connection(c);
  std::size_t index = 0;
  for (const auto& host : generated["hosts"]) {
    ++index;
    if (index % 7 == 0) {  // all in the fields, no base (as for an agent host)
      builder.add_host(host);
      continue;
    }
    // Members alternately in the base and the fields; some fields over stale base values that
    // the planner would refuse were they read.
    json base = json::object(), fields = json::object();
    std::size_t member = index;
    for (auto it = host.begin(); it != host.end(); ++it) {
      ((member++ % 2) ? fields : base)[it.key()] = *it;
    }
    if (index % 3 == 0) {
      for (auto it = fields.begin(); it != fields.end(); ++it) base[it.key()] = {{"stale", -1}};
    }
    builder.add_host(fields, base.dump());
  }
  const Fleet built = builder.finish();
  REQUIRE(built.hosts.size() == 150);
  CHECK(built.connections.size() == generated["connections"].size());
  const Fleet read =
      fleet_from_text(document_of(generated["hosts"], generated["connections"]).dump());
  CHECK(fleet_to_json(built) == fleet_to_json(read));
}

TEST_CASE("fleet builder: the same errors and assumptions as the written document") {
  const json a = {{"id", "a"}};
  for (const auto& [fields, base] : std::vector<std::pair<json, std::string>>{
           {a, R"({"cpu": {"cores": 2.5}})"},
           {a, R"({"cpu": {"cores": "x"}, "memory_bytes": -1})"},
           // The first problem in key order, whichever side holds it.
           {{{"id", "a"}, {"cpu", {{"cores", "x"}}}}, R"({"memory_bytes": -1})"},
           {{{"id", "a"}, {"memory_bytes", -1}}, R"({"cpu": {"cores": "x"}})"},
           {{{"hostname", "x"}}, "{}"},
           {{{"hostname", "x"}}, R"({"id": "b", "labels": {"region": 3}})"},
           {{{"hostname", "x"}, {"labels", {{"region", "R"}}}}, R"({"id": "b", "labels": 3})"},
           {{{"id", "ok"}}, "{}"},
           {{{"id", "a"}, {"disks", {{{"name", "sda"}, {"size_bytes", 1}}}}},
            R"({"disks": [{"name": "sda", "size_bytes": 1, "used_bytes": 2}]})"},
       }) {
    INFO(fields.dump(), " over ", base);
    CHECK(builder_error(fields, base) == document_error(fields, base));
  }
  CHECK(builder_error({{"id", "b"}, {"labels", {{"region", "R"}}}}, R"({"labels": 3})") == "");
  CHECK(builder_error(a, "42").find("every element must be an object") != std::string::npos);
  CHECK(builder_error(a, R"({"cpu": {"cores":)").find("not valid JSON") != std::string::npos);
  CHECK(builder_error(a, R"({} {})").find("not valid JSON") != std::string::npos);
  // A written document lists its connections first: their error is the one reported.
  const json port = {{"source", "a"}, {"target", "ok"}, {"port", 70000}};
  CHECK(builder_error(a, R"({"cpu": {"cores": 2.5}})", port) ==
        document_error(a, R"({"cpu": {"cores": 2.5}})", port));
  CHECK(builder_error(a, "{}", port).starts_with("connection 0: field 'port'"));

  // Numbers a document cannot hold are written as null: missing data, not an error.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  FleetBuilder builder("2026-11-23T10:00:00Z");
  builder.add_host({{"id", "a"}, {"site", {{"uplink_mbps", nan}}}, {"memory_bytes", inf}}, "{}");
  builder.add_host({{"id", "b"}, {"cpu", {{"mhz", -inf}}}});
  const Fleet built = builder.finish();
  CHECK_FALSE(built.hosts[0].uplink_mbps);
  CHECK_FALSE(built.hosts[0].memory_bytes);
  CHECK_FALSE(built.hosts[1].cpu_mhz);
  const Fleet tree = fleet_from_json(
      document_of(json::array({{{"id", "a"}, {"memory_bytes", nan}}, {{"id", "b"}}})));
  CHECK_FALSE(tree.hosts[0].memory_bytes);
  CHECK(FleetBuilder("x").finish().hosts.empty());
}
