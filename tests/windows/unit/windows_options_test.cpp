// The Windows agent's command line.
#include <doctest/doctest.h>

#include "agent/windows/options.h"

using namespace sahab::agent::windows;

namespace {
const std::vector<std::string> kCollectors = {"cpu", "memory", "net"};
}

TEST_CASE("windows options: defaults, listen address in both forms, collector switches") {
  CHECK(parse_options({}, kCollectors).options.listen_address == ":9100");
  CHECK(parse_options({"--web.listen-address", "127.0.0.1:9182"}, kCollectors)
            .options.listen_address == "127.0.0.1:9182");
  CHECK(parse_options({"--web.listen-address=:9999"}, kCollectors).options.listen_address ==
        ":9999");
  const auto parsed = parse_options({"--no-collector.cpu", "--collector.net"}, kCollectors);
  CHECK_FALSE(parsed.exit_code);
  CHECK_FALSE(parsed.options.collector_enabled("cpu", true));
  CHECK(parsed.options.collector_enabled("net", false));
  CHECK(parsed.options.collector_enabled("memory", true));
  CHECK_FALSE(parsed.options.collector_enabled("memory", false));
  CHECK_FALSE(parsed.options.service);
  CHECK(parse_options({"--service"}, kCollectors).options.service);
}

TEST_CASE("windows options: --help lists the collectors, --version names the platform") {
  const auto help = parse_options({"--help"}, kCollectors);
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("--web.listen-address") != std::string::npos);
  CHECK(help.output.find("Collectors: cpu memory net") != std::string::npos);
  const auto version = parse_options({"--version"}, kCollectors);
  CHECK(version.exit_code == 0);
  CHECK(version.output.find("(Windows)") != std::string::npos);
}

TEST_CASE("windows options: bad arguments are refused, naming the argument") {
  CHECK_THROWS_WITH_AS(parse_options({"--bogus"}, kCollectors),
                       "unknown flag '--bogus' (see --help)", OptionError);
  CHECK_THROWS_WITH_AS(parse_options({"--collector.zfs"}, kCollectors),
                       "unknown collector 'zfs' in '--collector.zfs'", OptionError);
  CHECK_THROWS_AS(parse_options({"--collector.cpu=false"}, kCollectors), OptionError);
  CHECK_THROWS_WITH_AS(parse_options({"--web.listen-address"}, kCollectors),
                       "flag --web.listen-address needs a value", OptionError);
  CHECK_THROWS_AS(parse_options({"--web.listen-address", "127.0.0.1:9100s"}, kCollectors),
                  OptionError);
  CHECK_THROWS_AS(parse_options({"--web.listen-address="}, kCollectors), OptionError);
  CHECK_THROWS_AS(parse_options({"positional"}, kCollectors), OptionError);
  CHECK_THROWS_AS(parse_options({"--service=yes"}, kCollectors), OptionError);
  const std::string huge(100'000, 'x');
  CHECK_THROWS_AS(parse_options({"--" + huge}, kCollectors), OptionError);
}
