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
                       doctest::Contains("overrides.sizing.comfort_factor: expected a number"),
                       ConfigError);
  CHECK_THROWS_AS(apply_overrides(config, nlohmann::json::array()), ConfigError);
}

TEST_CASE("config: currencies convert through the exchange rates") {
  PlannerConfig config;
  CHECK(to_plan_currency(config, 2, "USD") == doctest::Approx(20));
  CHECK(to_plan_currency(config, 5, "MAD") == 5);
  CHECK_THROWS_AS(to_plan_currency(config, 1, "JPY"), ConfigError);
}

TEST_CASE("config: a what-if is a partial planner.yaml, read by the same parser") {
  PlannerConfig config;
  apply_parameters(config, nlohmann::json::parse(R"({
      "sizing": {"percentile": "max", "comfort_factor": 2},
      "costs": {"commitment": "3y", "exchange_rates": {"USD": 9.5}},
      "providers": {"allowed": ["Sovereign"]},
      "waves": {"ramp": [3, 6], "start_date": "2027-03-01"},
      "idle.retire_idle": false})"));
  CHECK(config.sizing.percentile == Percentile::kMax);
  CHECK(config.sizing.comfort_factor == 2);
  CHECK(config.costs.commitment == "3y");
  CHECK(config.costs.exchange_rates.at("USD") == 9.5);
  CHECK(config.costs.exchange_rates.at("EUR") == 10.8);  // a map entry is added, not replaced
  CHECK(config.providers.allowed == std::vector<std::string>{"sovereign"});
  CHECK(config.waves.ramp == std::vector<int>{3, 6});
  CHECK(config.waves.start_date == "2027-03-01");
  CHECK_FALSE(config.idle.retire_idle);
  // An empty list clears a configured one.
  apply_parameters(config, nlohmann::json::parse(R"({"providers": {"allowed": []}})"));
  CHECK(config.providers.allowed.empty());
}

TEST_CASE("config: a what-if's errors name the key under 'parameters'") {
  auto error = [](const char* text) {
    PlannerConfig config;
    try {
      apply_parameters(config, nlohmann::json::parse(text));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error(R"({"sizing": {"percentile": "p97"}})") ==
        "parameters.sizing.percentile: expected one of p50, p90, p95, p99, max, got 'p97'");
  CHECK(error(R"({"sizing": {"percentile": "p97"}})") == error(R"({"sizing.percentile": "p97"})"));
  CHECK(error(R"({"sizing": {"colour": "red"}})") == "parameters: unknown key 'sizing.colour'");
  CHECK(error(R"({"nope": 1})") == "parameters: unknown key 'nope'");
  CHECK(error(R"({"sizing": {"comfort_factor": "big"}})") ==
        "parameters.sizing.comfort_factor: expected a number, got 'big'");
  CHECK(error(R"({"sizing": {"comfort_factor": [2]}})") ==
        "parameters.sizing.comfort_factor: expected a single value");
  CHECK(error(R"({"sizing": {"comfort_factor": null}})") ==
        "parameters.sizing.comfort_factor: expected a single value");
  CHECK(error(R"({"waves": {"ramp": ["x"]}})") ==
        "parameters.waves.ramp: expected an integer, got 'x'");
  CHECK(error(R"({"costs": {"exchange_rates": 3}})") ==
        "parameters.costs.exchange_rates: expected a mapping of names to values");
  CHECK(error(R"({"costs": {"currency": "GBP"}})") ==
        "parameters: key 'costs.exchange_rates': no rate for the plan currency GBP");
  CHECK(error(R"([1])") == "parameters: expected an object of planner.yaml sections");
  CHECK(error(R"({"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}})") ==
        "parameters: nested too deeply");
}

TEST_CASE("config: a what-if may not name files") {
  PlannerConfig config;
  for (const char* text : {R"({"catalogs": {"dir": "/etc"}})", R"({"catalogs.dir": "/etc"})",
                           R"({"catalogs": null})"}) {
    CHECK_THROWS_WITH_AS(apply_parameters(config, nlohmann::json::parse(text)),
                         doctest::Contains("not allowed here"), ConfigError);
  }
  CHECK(config.catalogs_dir.empty());
}
