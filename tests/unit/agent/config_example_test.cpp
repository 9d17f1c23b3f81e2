// The shipped example configs/agent.yaml loads, documents every setting the agent has, and
// states the agent's real defaults where it claims to.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "agent/config.h"

namespace sahab::agent {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kExample =
    std::filesystem::path(SAHAB_FIXTURES_DIR) / ".." / ".." / "configs" / "agent.yaml";

// Dotted keys of every mapping entry in the file ("web", "web.listen_address", ...).
void collect_keys(const YAML::Node& map, const std::string& prefix, std::set<std::string>& keys) {
  for (const auto& item : map) {
    const std::string key = prefix + item.first.as<std::string>();
    keys.insert(key);
    if (item.second.IsMap()) collect_keys(item.second, key + ".", keys);
  }
}


// Keys whose value in the example is an illustration, not the default.
const std::set<std::string> kExampleValues = {"collector.url",         "collector.ca_file",
                                              "collector.client_cert", "collector.client_key",
                                              "collector.proxy",       "enrolment_token_file",
                                              "labels",                "web.inventory_token_file"};

}  // namespace

TEST_CASE("the example configuration loads and means what it says") {
  AgentConfig config;
  auto schema = agent_schema(config);
  REQUIRE_NOTHROW(schema.load_yaml_file(kExample));
  CHECK(config.listen_address == ":9100");
  CHECK(config.paths.procfs == "/proc");
  CHECK(config.collector_url == "https://sahab.example.ma");
  CHECK(config.enrolment_token_file == "/etc/sahab/enrolment-token");
  CHECK(config.spool_dir == "/var/lib/sahab-agent/spool");
  CHECK(config.sample_interval == 15s);
  CHECK(config.report_interval == 60s);
  CHECK(config.labels.at("commune") == "Berrechid");
  CHECK(config.labels.at("site.uplink_mbps") == "20");
  CHECK(config.collector_enabled("cpu", false));
}

TEST_CASE("the example configuration documents every setting") {
  const YAML::Node root = YAML::LoadFile(kExample.string());
  std::set<std::string> keys;
  collect_keys(root, "", keys);

  AgentConfig config;
  const auto schema = agent_schema(config);
  for (const auto& setting : schema.settings()) {
    if (setting.yaml_key.empty()) continue;  // flag-only, such as --once
    CAPTURE(setting.yaml_key);
    CHECK(keys.count(setting.yaml_key) == 1);
  }
}

TEST_CASE("the example configuration shows the real defaults") {
  const YAML::Node root = YAML::LoadFile(kExample.string());
  AgentConfig config;
  const auto schema = agent_schema(config);
  for (const auto& setting : schema.settings()) {
    if (setting.yaml_key.empty() || setting.kind == settings::Kind::kKeyValue ||
        kExampleValues.count(setting.yaml_key)) {
      continue;
    }
    YAML::Node node = root;
    std::stringstream path(setting.yaml_key);
    for (std::string part; std::getline(path, part, '.');) node.reset(node[part]);
    REQUIRE(node.IsDefined());
    CAPTURE(setting.yaml_key);
    const std::string value = node.as<std::string>();
    if (setting.kind == settings::Kind::kSwitch) {
      CHECK(settings::parse_bool(value) == (setting.default_text == "enabled"));
    } else {
      CHECK(value == setting.default_text);
    }
  }
}

}  // namespace sahab::agent
