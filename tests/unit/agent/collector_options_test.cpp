// The collectors' options as flags and YAML keys (agent/config.cpp), with node_exporter's names.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "agent/config.h"

using namespace sahab;
using namespace sahab::agent;

namespace {

void parse(AgentConfig& config, std::vector<const char*> args) {
  args.insert(args.begin(), "sahab-agent");
  auto schema = agent_schema(config);
  std::ostringstream out;
  schema.parse(static_cast<int>(args.size()), args.data(), out);
}

}  // namespace

TEST_CASE("collector options: node_exporter's defaults and flags") {
  AgentConfig config;
  parse(config, {});
  const CollectorOptions& o = config.paths.options;
  CHECK(o.filesystem_mount_points_exclude ==
        "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)");
  CHECK(o.diskstats_device_exclude == R"(^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$)");
  CHECK(o.netdev_device_exclude == "^lo$");
  CHECK(o.filesystem_mount_timeout == std::chrono::seconds(5));

  parse(config, {"--collector.filesystem.mount-points-exclude=^/(dev|proc|sys)($|/)",
                 "--collector.filesystem.fs-types-exclude", "^tmpfs$",
                 "--collector.filesystem.mount-timeout=750ms",
                 "--collector.diskstats.device-exclude=^loop\\d+$",
                 "--collector.netdev.device-exclude", "", "--collector.tcpstat"});
  CHECK(o.filesystem_mount_points_exclude == "^/(dev|proc|sys)($|/)");
  CHECK(o.filesystem_fs_types_exclude == "^tmpfs$");
  CHECK(o.filesystem_mount_timeout == std::chrono::milliseconds(750));
  CHECK(o.diskstats_device_exclude == "^loop\\d+$");
  CHECK(o.netdev_device_exclude.empty());
  CHECK(config.collector_enabled("tcpstat", false));
}

TEST_CASE("collector options: YAML keys, and bad values named with file, line and key") {
  const auto file = std::filesystem::temp_directory_path() /
                    ("sahab-options-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(file) << "collectors:\n  tcpstat: true\n"
                         "collector_options:\n  netdev:\n    device_exclude: '^(lo|veth.*)$'\n"
                         "  filesystem:\n    mount_timeout: 2s\n";
  AgentConfig config;
  const std::string config_arg = "--config=" + file.string();
  parse(config, {config_arg.c_str()});
  CHECK(config.paths.options.netdev_device_exclude == "^(lo|veth.*)$");
  CHECK(config.paths.options.filesystem_mount_timeout == std::chrono::seconds(2));

  std::ofstream(file) << "collector_options:\n  diskstats:\n    device_exclude: '(unclosed'\n";
  CHECK_THROWS_WITH_AS(parse(config, {config_arg.c_str()}),
                       doctest::Contains(":3: key 'collector_options.diskstats.device_exclude'"),
                       settings::ConfigError);
  std::filesystem::remove(file);

  CHECK_THROWS_WITH_AS(parse(config, {"--collector.filesystem.mount-timeout=0s"}),
                       doctest::Contains("positive duration"), settings::ConfigError);
  CHECK_THROWS_WITH_AS(parse(config, {"--collector.netdev.device-exclude=[a-"}),
                       doctest::Contains("not a valid regular expression"), settings::ConfigError);
}
