// collector/config: the collector's settings from YAML and flags, each applied to the right field
// in the right unit, and bad values refused with a message naming the file, the line and the key.
#include "collector/config.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "unit/temp_dir.h"

using namespace sahab;
using namespace sahab::collector;
using std::chrono::milliseconds;

namespace {

struct Fixture {
  testing::TempDir dir;
  CollectorConfig config;
  settings::Schema schema = collector_schema(config);

  std::string file(const std::string& content) {
    const auto path = dir.path() / "collector.yaml";
    std::ofstream(path) << content;
    return path.string();
  }
  // Runs the command line `args` (after the program name); the --help text when asked.
  std::string parse(std::vector<const char*> args) {
    args.insert(args.begin(), "sahab-collector");
    std::ostringstream out;
    schema.parse(static_cast<int>(args.size()), args.data(), out);
    return out.str();
  }
};

// The ConfigError of loading `yaml` (as a file) into a fresh configuration; "" when it loads.
std::string yaml_error(const std::string& yaml) {
  Fixture f;
  const std::string path = f.file(yaml);
  try {
    f.parse({"--config", path.c_str()});
  } catch (const settings::ConfigError& e) {
    const std::string message = e.what();
    return message.starts_with(path) ? "FILE" + message.substr(path.size()) : message;
  }
  return "";
}

std::string flag_error(std::vector<const char*> args) {
  Fixture f;
  try {
    f.parse(std::move(args));
  } catch (const settings::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("collector config: the defaults") {
  Fixture f;
  f.parse({});
  const CollectorConfig& c = f.config;
  CHECK(c.listen == "127.0.0.1:9410");
  CHECK(c.db == "/var/lib/sahab-collector/sahab.db");
  CHECK(c.enrolment_token_file.empty());
  CHECK(c.api_token_file.empty());
  CHECK(c.max_body_bytes == 8u << 20);
  CHECK(c.max_decompressed_bytes == 32u << 20);
  CHECK(c.workers == 128);
  CHECK(c.readers == 4);
  CHECK(c.retention.raw_seconds == 14 * 86'400);
  CHECK(c.retention.rollup_seconds == 400 * 86'400);
  CHECK(c.retention.stale_after_seconds == 3600);
  CHECK(c.report_interval == milliseconds(60'000));
  CHECK(c.trusted_proxies.empty());
  CHECK_FALSE(c.ui_secure_cookie);
  CHECK_FALSE(c.enrolment_link_imported_hosts);
}

TEST_CASE("collector config: the example configs/collector.yaml loads with the values it shows") {
  Fixture f;
  f.parse({"--config", SAHAB_SOURCE_DIR "/configs/collector.yaml"});
  const CollectorConfig& c = f.config;
  CHECK(c.listen == "127.0.0.1:9410");
  CHECK(c.enrolment_token_file == "/etc/sahab-collector/enrolment-token");
  CHECK(c.api_token_file == "/etc/sahab-collector/api-token");
  CHECK(c.max_body_bytes == 8'388'608);
  CHECK(c.import_max_bytes == 64u << 20);
  CHECK(c.trusted_proxies == std::vector<std::string>{"127.0.0.1"});
  CHECK(c.retention.raw_seconds == 14 * 86'400);
  CHECK(c.maintenance_interval == milliseconds(300'000));
  CHECK(c.ui_secure_cookie);
  CHECK(c.ui_login_max_failures == 5);
  CHECK(c.ui_login_lockout == milliseconds(60'000));
  CHECK(c.sources_interval == milliseconds(15 * 60'000));
  CHECK(c.sources_run_timeout == milliseconds(10 * 60'000));
}

TEST_CASE("collector config: YAML values land in their fields, in their units") {
  Fixture f;
  f.parse({"--config", f.file(R"(
listen: "0.0.0.0:9500"
db: /srv/sahab.db
http:
  max_body_bytes: 2048
  workers: 16
  request_timeout: 3s
  trusted_proxies: [10.0.0.1, "::1"]
db.readers: 2
retention:
  raw: 36h
  rollups: 30d
stale_after: 90m
report:
  interval: 15s
ingest:
  rate_per_agent: 0.5
  burst: 5
ui:
  secure_cookie: true
  users: ["amina:admin:scrypt$x"]
  login:
    max_failures_per_address: 7
targets:
  allowed_cidrs: [10.20.0.0/16, "fd00::/8"]
enrolment:
  link_imported_hosts: true
public_url: "https://sahab.example.org/"
public_ca_file: /etc/ssl/sahab-ca.pem
)")
                           .c_str()});
  const CollectorConfig& c = f.config;
  CHECK(c.listen == "0.0.0.0:9500");
  CHECK(c.db == "/srv/sahab.db");
  CHECK(c.max_body_bytes == 2048);
  CHECK(c.workers == 16);
  CHECK(c.request_timeout == milliseconds(3000));
  CHECK(c.trusted_proxies == std::vector<std::string>{"10.0.0.1", "::1"});
  CHECK(c.readers == 2);
  CHECK(c.retention.raw_seconds == 36 * 3600);
  CHECK(c.retention.rollup_seconds == 30 * 86'400);
  CHECK(c.retention.stale_after_seconds == 90 * 60);
  CHECK(c.report_interval == milliseconds(15'000));
  CHECK(c.ingest_rate_per_agent == 0.5);
  CHECK(c.ingest_burst == 5);
  CHECK(c.ui_secure_cookie);
  CHECK(c.ui_users == std::vector<std::string>{"amina:admin:scrypt$x"});
  CHECK(c.ui_login_max_failures_per_address == 7);
  CHECK(c.targets_allowed_cidrs == std::vector<std::string>{"10.20.0.0/16", "fd00::/8"});
  CHECK(c.enrolment_link_imported_hosts);
  CHECK(c.public_url == "https://sahab.example.org");  // the trailing slash is dropped
  CHECK(c.public_ca_file == "/etc/ssl/sahab-ca.pem");
}

TEST_CASE("collector config: flags override the file, list flags add to the file's list") {
  Fixture f;
  const std::string path =
      f.file("http:\n  workers: 16\n  trusted_proxies: [10.0.0.1]\nstale_after: 2h\n");
  const std::string help =
      f.parse({"--config", path.c_str(), "--http.workers", "32", "--http.trusted-proxy", "10.0.0.2",
               "--no-enrolment.link-imported-hosts", "--help"});
  CHECK(f.config.workers == 32);
  CHECK(f.config.trusted_proxies == std::vector<std::string>{"10.0.0.1", "10.0.0.2"});
  CHECK(f.config.retention.stale_after_seconds == 7200);
  CHECK_FALSE(f.config.enrolment_link_imported_hosts);
  // --help shows what the file and the flags set.
  CHECK(help.find("--http.workers") != std::string::npos);
  CHECK(help.find("set: 32") != std::string::npos);
  CHECK(help.find("set: 2h; default: 1h") != std::string::npos);
}

TEST_CASE("collector config: bad values name the file, the line, the key and the reason") {
  CHECK(yaml_error("") == "");
  CHECK(yaml_error("http:\n  workers: 0\n") ==
        "FILE:2: key 'http.workers': expected a number between 1 and 512, got 0");
  CHECK(yaml_error("http:\n  workers: 513\n").find("between 1 and 512") != std::string::npos);
  CHECK(yaml_error("http:\n  max_body_bytes: 1023\n").find("key 'http.max_body_bytes'") !=
        std::string::npos);
  CHECK(yaml_error("retention:\n  raw: forever\n") ==
        "FILE:2: key 'retention.raw': expected a positive duration such as 15s, 1h or 14d, got "
        "'forever'");
  CHECK(yaml_error("retention:\n  raw: 0d\n").find("positive duration") != std::string::npos);
  CHECK(yaml_error("retention:\n  raw: -1d\n").find("positive duration") != std::string::npos);
  CHECK(yaml_error("htp:\n  workers: 3\n") == "FILE:2: unknown key 'htp.workers'");
  CHECK(yaml_error("listen: [a, b]\n") == "FILE:1: key 'listen': expected a single value");
  CHECK(yaml_error("- just\n- a list\n") == "FILE:1: expected a mapping of keys");
  CHECK(yaml_error("http:\n  workers: [1, 2\n").starts_with("FILE:3: not valid YAML: "));
  CHECK(yaml_error("db: ''\n") == "FILE:1: key 'db': expected a path");
}

TEST_CASE("collector config: numbers, switches, addresses and URLs are checked") {
  for (const char* rate : {"0", "-1", "abc", "nan", "1x"}) {
    CAPTURE(rate);
    CHECK(yaml_error(std::string("ingest:\n  rate_per_agent: ") + rate + "\n")
              .find("expected a positive number") != std::string::npos);
  }
  CHECK(yaml_error("ingest:\n  burst: 0\n").find("key 'ingest.burst'") != std::string::npos);
  CHECK(yaml_error("ui:\n  secure_cookie: yes\n") ==
        "FILE:2: key 'ui.secure_cookie': expected true or false");
  CHECK(yaml_error("enrolment:\n  link_imported_hosts: maybe\n")
            .find("key 'enrolment.link_imported_hosts'") != std::string::npos);
  CHECK(yaml_error("targets:\n  allowed_cidrs: [10.0.0.0/8, 10.0.0.0/33]\n") ==
        "FILE:2: key 'targets.allowed_cidrs': expected a CIDR such as 10.0.0.0/8 or fd00::/8, got "
        "'10.0.0.0/33'");
  CHECK(yaml_error("public_url: ftp://sahab.example.org\n")
            .find("expected an http:// or https:// URL") != std::string::npos);
  CHECK(
      yaml_error("public_url: \"https://x.org/'; rm -rf /\"\n").find("without spaces or quotes") !=
      std::string::npos);
  CHECK(yaml_error("public_ca_file: certs/ca.pem\n").find("expected an absolute path") !=
        std::string::npos);
  CHECK(yaml_error("public_ca_file: \"/etc/ca $(id).pem\"\n").find("expected an absolute path") !=
        std::string::npos);
  CHECK(yaml_error("ui:\n  login:\n    max_failures: 0\n").find("key 'ui.login.max_failures'") !=
        std::string::npos);
  CHECK(yaml_error("log:\n  level: verbose\n") ==
        "FILE:2: key 'log.level': expected debug, info, warn or error");
  CHECK(yaml_error("listen: 127.0.0.1:9443s\n").find("reverse proxy") != std::string::npos);
}

TEST_CASE("collector config: bad flags name the flag") {
  CHECK(flag_error({"--http.workers", "0"}) ==
        "flag --http.workers: expected a number between 1 and 512, got 0");
  CHECK(flag_error({"--retention.raw", "14"}).starts_with("flag --retention.raw: "));
  CHECK(flag_error({"--targets.allowed-cidrs", "10.0.0.300/8"})
            .starts_with("flag --targets.allowed-cidrs: expected a CIDR"));
  CHECK(flag_error({"--enrolment.link-imported-hosts", "--no-enrolment.link-imported-hosts"}) ==
        "flag --enrolment.link-imported-hosts: given both --enrolment.link-imported-hosts and "
        "--no-enrolment.link-imported-hosts");
  CHECK(flag_error({"--no-such-flag"}).find("(see --help)") != std::string::npos);
  CHECK(flag_error({"--config", "/nonexistent/collector.yaml"}) ==
        "/nonexistent/collector.yaml: cannot read the file");
}

TEST_CASE("collector config: discovery sources' schedule, time limit and key file") {
  Fixture f;
  CHECK(f.config.sources_interval == milliseconds(15 * 60'000));
  CHECK(f.config.sources_key_file.empty());  // beside the database
  const auto path = f.file("sources:\n  interval: 5m\n  run_timeout: 90s\n  key_file: /etc/k\n");
  f.parse({"--config", path.c_str()});
  CHECK(f.config.sources_interval == milliseconds(300'000));
  CHECK(f.config.sources_run_timeout == milliseconds(90'000));
  CHECK(f.config.sources_key_file == "/etc/k");
  CHECK(flag_error({"--sources.interval", "0s"}).starts_with("flag --sources.interval: "));
  CHECK(flag_error({"--sources.run-timeout", "soon"}).starts_with("flag --sources.run-timeout: "));
}
