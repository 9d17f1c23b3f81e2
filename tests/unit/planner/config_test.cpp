#include "planner/config.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace sahab::planner;
using sahab::settings::ConfigError;

namespace {

std::string temp_yaml(const std::string& content) {
  char path[] = "/tmp/sahab-planner-config-XXXXXX";
  const int fd = mkstemp(path);
  close(fd);
  std::ofstream(path) << content;
  return path;
}

std::string load_error(const std::string& content) {
  PlannerConfig config;
  auto schema = planner_schema(config, "test", "");
  const auto file = temp_yaml(content);
  try {
    schema.load_yaml_file(file);
    validate(config);
  } catch (const ConfigError& e) {
    std::remove(file.c_str());
    std::string message = e.what();
    if (message.starts_with(file)) message.replace(0, file.size(), "FILE");
    return message;
  }
  std::remove(file.c_str());
  return "";
}

}  // namespace

TEST_CASE("config: the shipped planner.yaml loads and states the defaults") {
  PlannerConfig config;
  auto schema = planner_schema(config, "test", "");
  schema.load_yaml_file(std::string(SAHAB_FIXTURES_DIR) + "/../../configs/planner.yaml");
  validate(config);
  const PlannerConfig defaults;
  auto left = parameters_json(config), right = parameters_json(defaults);
  left.erase("catalogs.dir");
  right.erase("catalogs.dir");
  CHECK(left == right);
  CHECK(config.catalogs_dir == "catalogs");
}

TEST_CASE("config: a YAML file changes values - lists replace the defaults") {
  PlannerConfig config;
  auto schema = planner_schema(config, "test", "");
  const auto file = temp_yaml(
      "sizing:\n  percentile: p99\n  comfort_factor: 1.5\nwaves:\n  ramp: [10, 20]\n"
      "costs:\n  exchange_rates: {GBP: 12.5}\n");
  schema.load_yaml_file(file);
  std::remove(file.c_str());
  CHECK(config.sizing.percentile == Percentile::kP99);
  CHECK(config.sizing.comfort_factor == 1.5);
  CHECK(config.waves.ramp == std::vector<int>{10, 20});
  CHECK(config.costs.exchange_rates.at("GBP") == 12.5);
  CHECK(config.costs.exchange_rates.at("USD") == 10.0);
}

TEST_CASE("config: broken values name the file - the line and the key") {
  CHECK(load_error("sizing:\n  percentile: p97\n") ==
        "FILE:2: key 'sizing.percentile': expected one of p50, p90, p95, p99, max, got 'p97'");
  CHECK(load_error("sizing:\n  comfort_factor: 0.5\n") ==
        "FILE:2: key 'sizing.comfort_factor': expected a number between 1 and 10, got 0.5");
  CHECK(load_error("\n\nwaves:\n  lenght_days: 7\n") == "FILE:4: unknown key 'waves.lenght_days'");
  CHECK(load_error("costs:\n  commitment: 5y\n").find("expected one of on-demand, 1y, 3y") !=
        std::string::npos);
  CHECK(load_error("compliance:\n  levels: {secret: 3}\n").find("key 'compliance.levels'") !=
        std::string::npos);
  CHECK(load_error("costs:\n  currency: GBP\n") ==
        "key 'costs.exchange_rates': no rate for the plan currency GBP");
  CHECK(load_error("waves:\n  start_date: tomorrow\n") ==
        "key 'waves.start_date': expected YYYY-MM-DD");
  CHECK(load_error("sizing: [1\n").find("not valid YAML") != std::string::npos);
}

TEST_CASE("config: what-if overrides use the same keys and the same checks") {
  PlannerConfig config;
  apply_overrides(config, nlohmann::json{{"sizing.comfort_factor", 1.5},
                                         {"sizing.mode", "as-is"},
                                         {"providers.allowed", {"Sovereign"}},
                                         {"costs.exchange_rates", {{"USD", 9.5}}}});
  CHECK(config.sizing.comfort_factor == 1.5);
  CHECK(config.sizing.mode == SizingMode::kAsIs);
  CHECK(config.providers.allowed == std::vector<std::string>{"sovereign"});
  CHECK(config.costs.exchange_rates.at("USD") == 9.5);
  CHECK_THROWS_WITH_AS(apply_overrides(config, nlohmann::json{{"sizing.nope", 1}}),
                       "overrides: unknown key 'sizing.nope'", ConfigError);
  CHECK_THROWS_WITH_AS(apply_overrides(config, nlohmann::json{{"sizing.comfort_factor", "big"}}),
                       doctest::Contains("key 'sizing.comfort_factor'"), ConfigError);
  CHECK_THROWS_AS(apply_overrides(config, nlohmann::json::array()), ConfigError);
}

TEST_CASE("config: currencies convert through the exchange rates") {
  PlannerConfig config;
  CHECK(to_plan_currency(config, 2, "USD") == doctest::Approx(20));
  CHECK(to_plan_currency(config, 5, "MAD") == 5);
  CHECK_THROWS_AS(to_plan_currency(config, 1, "JPY"), ConfigError);
}
