// What /api/v1/targets tells Prometheus about an agent (collector/api/sd_targets.h).
#include "collector/api/sd_targets.h"

#include <doctest/doctest.h>

using namespace sahab::collector;
using nlohmann::json;

namespace {
std::vector<sd::Cidr> cidrs(std::initializer_list<const char*> texts) {
  std::vector<sd::Cidr> out;
  for (const char* t : texts) {
    const auto c = sd::parse_cidr(t);
    REQUIRE_MESSAGE(c, t);
    out.push_back(*c);
  }
  return out;
}
}  // namespace

TEST_CASE("CIDR parsing: IPv4, IPv6, bare addresses, malformed ones refused") {
  for (const char* good : {"10.0.0.0/8", "169.254.0.0/16", "0.0.0.0/0", "192.0.2.7", "fd00::/8",
                           "::/0", "2001:db8::1/128", "2001:db8::1"}) {
    CHECK_MESSAGE(sd::parse_cidr(good), good);
  }
  for (const char* bad : {"", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8x", "10.0.0/8",
                          "example.org/8", "[fd00::]/8", "10.0.0.0/-1", "10.0.0.0/08/1"}) {
    CHECK_MESSAGE(!sd::parse_cidr(bad), bad);
  }
}

TEST_CASE("CIDR matching") {
  const auto link_local = cidrs({"169.254.0.0/16"});
  CHECK(sd::contains_any(link_local, "169.254.169.254"));
  CHECK(!sd::contains_any(link_local, "169.255.0.1"));
  CHECK(!sd::contains_any(link_local, "10.0.0.1"));
  CHECK(!sd::contains_any(link_local, "metadata.google.internal"));
  // IPv4-mapped IPv6 is the same address.
  CHECK(sd::contains_any(link_local, "::ffff:169.254.1.1"));
  // Prefixes that do not fall on a byte boundary.
  const auto odd = cidrs({"10.1.64.0/19"});
  CHECK(sd::contains_any(odd, "10.1.64.0"));
  CHECK(sd::contains_any(odd, "10.1.95.255"));
  CHECK(!sd::contains_any(odd, "10.1.96.0"));
  CHECK(!sd::contains_any(odd, "10.1.63.255"));
  // IPv6, with and without brackets; an IPv4 network never holds a plain IPv6 address.
  const auto v6 = cidrs({"fd00:1::/32"});
  CHECK(sd::contains_any(v6, "fd00:1::5"));
  CHECK(sd::contains_any(v6, "[fd00:1:ffff::1]"));
  CHECK(!sd::contains_any(v6, "fd00:2::5"));
  CHECK(!sd::contains_any(cidrs({"0.0.0.0/0"}), "fd00:1::5"));
  CHECK(sd::contains_any(cidrs({"0.0.0.0/0"}), "8.8.8.8"));
  CHECK(sd::contains_any(cidrs({"192.0.2.7"}), "192.0.2.7"));
  CHECK(!sd::contains_any(cidrs({"192.0.2.7"}), "192.0.2.8"));
  CHECK(!sd::contains_any({}, "10.0.0.1"));
}

TEST_CASE("scrape address: the push source unless the reported host is in an allowed network") {
  const std::vector<sd::Cidr> none;
  const auto lan = cidrs({"10.0.0.0/8", "fd00::/8"});
  // The SSRF of issue #14: the agent names the cloud metadata service.
  CHECK(sd::scrape_address("10.1.0.5", "169.254.169.254:80", none) == "10.1.0.5:80");
  CHECK(sd::scrape_address("10.1.0.5", "169.254.169.254:80", lan) == "10.1.0.5:80");
  CHECK(sd::scrape_address("10.1.0.5", "169.254.169.254:80", cidrs({"169.254.0.0/16"})) ==
        "169.254.169.254:80");
  // Inside the allowed networks the reported host wins (an agent on a second interface).
  CHECK(sd::scrape_address("10.1.0.5", "10.2.0.9:9101", lan) == "10.2.0.9:9101");
  CHECK(sd::scrape_address("10.1.0.5", "[fd00::9]:9101", lan) == "[fd00::9]:9101");
  // Names, unspecified addresses and junk never replace the push source.
  CHECK(sd::scrape_address("10.1.0.5", "intranet.example:9100", cidrs({"0.0.0.0/0"})) ==
        "10.1.0.5:9100");
  CHECK(sd::scrape_address("10.1.0.5", "0.0.0.0:9100", cidrs({"0.0.0.0/0"})) == "10.1.0.5:9100");
  CHECK(sd::scrape_address("10.1.0.5", "[::]:9100", cidrs({"::/0"})) == "10.1.0.5:9100");
  CHECK(sd::scrape_address("10.1.0.5", "", lan) == "10.1.0.5:9100");
  // IPv6 push sources are bracketed.
  CHECK(sd::scrape_address("fd00::5", ":9100", none) == "[fd00::5]:9100");
  CHECK(sd::scrape_address("[fd00::5]", "", none) == "[fd00::5]:9100");
  // A push source that is not an address (nothing the collector can vouch for): no target.
  CHECK(!sd::scrape_address("", "10.0.0.1:9100", lan));
  CHECK(!sd::scrape_address("evil.example", "10.0.0.1:9100", lan));
}

TEST_CASE("scrape port: plain decimal 1..65535, else 9100") {
  CHECK(sd::scrape_port("10.0.0.1:80") == 80);
  CHECK(sd::scrape_port(":65535") == 65535);
  CHECK(sd::scrape_port("[::1]:9101") == 9101);
  for (const char* bad : {"10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1:99999", "10.0.0.1:+80",
                          "10.0.0.1:80/metrics", "10.0.0.1:8 0", "10.0.0.1:0x50",
                          "10.0.0.1:", "10.0.0.1", "10.0.0.1:-1", "h:80?x=1", "[::1]"}) {
    CHECK_MESSAGE(sd::scrape_port(bad) == 9100, bad);
  }
}

TEST_CASE("label names: Prometheus syntax, no __ prefix, at most 64 bytes") {
  for (const char* good : {"rack", "_x", "region", "a1_b2", "Rack"}) {
    CHECK_MESSAGE(sd::valid_label_name(good), good);
  }
  for (const char* bad :
       {"", "a-b", "1rack", "site.uplink_mbps", "__metrics_path__", "__x", "é", "a b"}) {
    CHECK_MESSAGE(!sd::valid_label_name(bad), bad);
  }
  CHECK(sd::valid_label_name(std::string(64, 'a')));
  CHECK(!sd::valid_label_name(std::string(65, 'a')));
}

TEST_CASE("agent labels: invalid and reserved names dropped, not renamed, long values dropped") {
  const json in = {{"rack", "r1"},
                   {"region", "Souss-Massa"},
                   {"__metrics_path__", "/steal"},
                   {"__scheme__", "https"},
                   {"__address__", "169.254.169.254:80"},
                   {"__param_target", "x"},
                   {"job", "node"},
                   {"instance", "x:1"},
                   {"host_id", "someone-else"},
                   {"hostname", "spoofed"},
                   {"sahab_state", "active"},
                   {"a-b", "1"},
                   {"site.uplink_mbps", "20"},
                   {"number", 5},
                   {"long", std::string(1025, 'v')},
                   {"edge", std::string(1024, 'v')},
                   {std::string(65, 'n'), "x"}};
  const json out = sd::agent_labels(in);
  CHECK(out == json{{"rack", "r1"}, {"region", "Souss-Massa"}, {"edge", std::string(1024, 'v')}});
  CHECK(sd::agent_labels(json::array()) == json::object());
  CHECK(sd::agent_labels(json()) == json::object());
}
