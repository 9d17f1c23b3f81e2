#include "agent/identity.h"
#include "agent/inventory/connections.h"
#include "agent/inventory/inventory.h"
#include "common/protocol/inventory.h"
#include "unit/agent/inventory/support.h"

using namespace sahab;
using namespace sahab::agent;
using namespace sahab::agent::inventory;
using namespace sahab::agent::inventory::testing;
using nlohmann::json;

namespace {

const json* find_by(const json& list, const std::string& key, const json& value) {
  for (const auto& item : list) {
    if (item.value(key, json()) == value) return &item;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("identity: machine-id, hostname, FQDN from /etc/hosts, labels, listen address") {
  Problems problems;
  const auto data = collect_identity(fixture_context(), problems);
  CHECK(problems.empty());
  CHECK(data["host_id"] == "b0c6e1f4a3d54f1a9d3e0c2b7a8f6e51");
  CHECK(data["hostname"] == "srv-etatcivil-01");
  CHECK(data["fqdn"] == "srv-etatcivil-01.settat.gov.ma");
  CHECK(data["labels"]["region"] == "Casablanca-Settat");
  CHECK(data["labels"]["site.uplink_mbps"] == "20");
  CHECK_FALSE(data["agent_version"].get<std::string>().empty());
  CHECK(data["listen_address"] == "127.0.0.1:9100");  // the collector's http_sd uses it
}

TEST_CASE("host id: DMI product UUID when there is no machine-id") {
  TempDir state;
  Paths paths = fixture_paths();
  paths.rootfs = state.path() / "no-root";
  CHECK(read_host_id(paths, state.path()) == "4c4c4544004235108052b4c04f4e3132");
}

TEST_CASE("host id: generated once and persisted in the state dir") {
  TempDir state;
  const Paths nothing{state.path() / "p", state.path() / "s", state.path() / "r"};
  const auto dir = state.path() / "state";
  const auto id = read_host_id(nothing, dir);
  CHECK(id.size() == 32);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(read_file(dir / "host_id") == id + "\n");
  CHECK(read_host_id(nothing, dir) == id);
  // A persisted id written by an earlier run wins.
  write_file_atomic(dir / "host_id", "0123456789ABCDEF0123456789abcdef\n");
  CHECK(read_host_id(nothing, dir) == "0123456789abcdef0123456789abcdef");
}

TEST_CASE("system: OS, kernel, boot time, timezone, UEFI, virtualisation, DMI") {
  Problems problems;
  const auto data = collect_system(fixture_context(), problems);
  CHECK(problems.empty());
  CHECK(data["os"]["family"] == "linux");
  CHECK(data["os"]["name"] == "Debian GNU/Linux");
  CHECK(data["os"]["version"] == "12");
  CHECK(data["os"]["id"] == "debian");
  CHECK(data["os"]["pretty_name"] == "Debian GNU/Linux 12 (bookworm)");
  CHECK(data["kernel"] == "6.1.0-13-amd64");
  CHECK_FALSE(data["arch"].get<std::string>().empty());
  CHECK(data["boot_time"] == "2014-12-10T03:47:56Z");
  CHECK(data["timezone"] == "Africa/Casablanca");
  CHECK(data["firmware"] == "uefi");
  CHECK(data["virtualisation"] == "qemu");
  CHECK(data["virtualisation_kind"] == "vm");
  CHECK(data["dmi"]["vendor"] == "QEMU");
  CHECK(data["dmi"]["product"] == "Standard PC (Q35 + ICH9, 2009)");
  CHECK(data["dmi"]["serial"] == "VMW-4242");
  CHECK(data["dmi"]["uuid"] == "4C4C4544-0042-3510-8052-B4C04F4E3132");
}

TEST_CASE("system: containers are detected before virtual machines") {
  TempDir tree;
  const auto base = fixture_dir("default");
  std::filesystem::copy(base / "sys", tree.path() / "sys",
                        std::filesystem::copy_options::recursive);
  std::filesystem::create_directories(tree.path() / "proc/1");
  std::filesystem::create_directories(tree.path() / "root");
  write_file_atomic(tree.path() / "proc/1/environ", std::string("PATH=/bin\0container=lxc\0", 24));
  Context ctx = fixture_context();
  ctx.paths = Paths{tree.path() / "proc", tree.path() / "sys", tree.path() / "root"};
  Problems problems;
  auto data = collect_system(ctx, problems);
  CHECK(data["virtualisation"] == "lxc");
  CHECK(data["virtualisation_kind"] == "container");
  CHECK(data["firmware"] == "uefi");
  std::filesystem::remove(tree.path() / "proc/1/environ");
  write_file_atomic(tree.path() / "root/.dockerenv", "");
  CHECK(collect_system(ctx, problems)["virtualisation"] == "docker");
}

TEST_CASE("hardware: CPU, memory, disks, filesystems, NICs") {
  Problems problems;
  const auto data = collect_hardware(fixture_context(), problems);
  CHECK(problems.empty());
  CHECK(data["cpu"]["sockets"] == 2);
  CHECK(data["cpu"]["cores"] == 4);
  CHECK(data["cpu"]["threads"] == 8);
  CHECK(data["memory_bytes"] == 15666184ull * 1024);
  CHECK(data["swap_bytes"] == 8000000ull * 1024);
  REQUIRE(data["block_devices"].size() == 1);  // loop0 is skipped
  CHECK(data["block_devices"][0]["name"] == "sda");
  CHECK(data["block_devices"][0]["size_bytes"] == 1048576000ull * 512);
  CHECK(data["block_devices"][0]["rotational"] == true);
  CHECK(data["block_devices"][0]["model"] == "QEMU HARDDISK");
  REQUIRE(data["filesystems"].size() == 2);
  CHECK(data["filesystems"][0]["mountpoint"] == "/");
  CHECK(data["filesystems"][0]["fstype"] == "ext4");
  CHECK(data["filesystems"][0]["size_bytes"].get<std::uint64_t>() > 0);
  CHECK(data["filesystems"][1]["mountpoint"] == "/mnt/data");
  REQUIRE(data["nics"].size() == 1);  // lo is skipped
  CHECK(data["nics"][0]["name"] == "ens3");
  CHECK(data["nics"][0]["mac"] == "52:54:00:12:34:56");
  CHECK(data["nics"][0]["mtu"] == 1500);
  CHECK(data["nics"][0]["speed_mbps"] == 1000);
  CHECK(data["nics"][0]["virtual"] == false);
}

TEST_CASE("network: listening sockets with owners, edges by direction") {
  Problems problems;
  ConnectionTracker tracker(fixture_paths());
  const auto processes = scan_processes(fixture_paths(), true);
  const auto data = collect_network(fixture_context(), tracker, processes, problems);
  CHECK(problems.empty());
  const auto& listening = data["listening"];
  REQUIRE(listening.size() == 4);
  CHECK(
      listening[0] ==
      json({{"protocol", "tcp"}, {"address", "0.0.0.0"}, {"port", 5432}, {"process", "postgres"}}));
  CHECK(listening[1]["port"] == 25);
  CHECK(listening[1]["process"] == "");  // owner not visible
  CHECK(listening[2] ==
        json({{"protocol", "tcp"}, {"address", "::"}, {"port", 22}, {"process", ""}}));
  CHECK(listening[3] ==
        json({{"protocol", "udp"}, {"address", "0.0.0.0"}, {"port", 53}, {"process", ""}}));
  const auto& edges = data["connections"];
  REQUIRE(edges.size() == 4);  // TIME_WAIT is not an established connection
  const auto* from_50 = find_by(edges, "remote_address", "10.1.2.50");
  REQUIRE(from_50);
  CHECK(*from_50 == json({{"direction", "inbound"},
                          {"local_address", "10.1.2.3"},
                          {"local_port", 5432},
                          {"remote_address", "10.1.2.50"},
                          {"remote_port", 0},
                          {"process", "postgres"},
                          {"count", 1}}));
  const auto* ldap = find_by(edges, "remote_port", 389);
  REQUIRE(ldap);
  CHECK((*ldap)["direction"] == "outbound");
  CHECK((*ldap)["local_port"] == 0);
  CHECK((*ldap)["process"] == "java");
  const auto& established = data["established"];
  REQUIRE(established.size() == 4);
  CHECK(established[0] == json({{"local_address", "10.1.2.3"},
                                {"local_port", 22},
                                {"remote_address", "10.1.2.52"},
                                {"remote_port", 54321},
                                {"process", ""}}));
  CHECK(established[1]["local_port"] == 5432);
  CHECK(established[1]["remote_port"] == 51000);
  CHECK(established[1]["process"] == "postgres");
  CHECK(established[2]["remote_port"] == 51001);
  CHECK(established[3]["local_port"] == 40000);
  CHECK(established[3]["remote_port"] == 389);
  CHECK(established[3]["process"] == "java");
  const auto* ssh = find_by(edges, "local_port", 22);
  REQUIRE(ssh);
  CHECK((*ssh)["local_address"] == "10.1.2.3");  // v4-mapped folded to IPv4
  CHECK((*ssh)["remote_address"] == "10.1.2.52");
  CHECK((*ssh)["direction"] == "inbound");
}

TEST_CASE("network: edges are deduplicated across samples and reset after shipping") {
  ConnectionTracker tracker(fixture_paths());
  Problems problems;
  tracker.observe(nullptr, problems);
  tracker.observe(nullptr, problems);
  tracker.observe(nullptr, problems);
  const auto edges = tracker.edges();
  REQUIRE(edges.size() == 4);
  for (const auto& e : edges) CHECK(e["count"] == 1);
  CHECK(find_by(edges, "remote_port", 389)->at("process") == "java");  // tracker scanned /proc
  tracker.reset();
  CHECK(tracker.edges().empty());
  CHECK(tracker.listening().size() == 4);
}

TEST_CASE("software: dpkg packages, services, recognised software") {
  Problems problems;
  const auto processes = scan_processes(fixture_paths(), true);
  const json listening = json::array({{{"protocol", "tcp"}, {"port", 5432}}});
  const auto data = collect_software(fixture_context(), processes, listening, problems);
  CHECK(problems.empty());
  CHECK(data["package_manager"] == "dpkg");
  CHECK(data["packages"].size() == 828);
  CHECK(std::is_sorted(data["packages"].begin(), data["packages"].end(),
                       [](const json& a, const json& b) { return a["name"] < b["name"]; }));
  const auto& services = data["services"];
  REQUIRE(services.size() == 2);
  CHECK(services[0] == json({{"name", "postgresql.service"},
                             {"state", "running"},
                             {"enabled", true},
                             {"running", true}}));
  CHECK(services[1]["name"] == "ssh.service");
  CHECK(services[1]["state"] == "enabled");
  const auto& recognised = data["recognised"];
  const auto* postgres = find_by(recognised, "name", "postgresql");
  REQUIRE(postgres);
  CHECK((*postgres)["version"].get<std::string>().starts_with("15."));
  CHECK((*postgres)["evidence"] == "package postgresql-15; port 5432/tcp; process postgres");
  const auto* tomcat = find_by(recognised, "name", "tomcat");
  REQUIRE(tomcat);
  CHECK((*tomcat)["version"] == "");
  CHECK((*tomcat)["evidence"] == "process java (org.apache.catalina)");
  CHECK(find_by(recognised, "name", "nginx"));
  CHECK_FALSE(find_by(recognised, "name", "sqlserver"));
}

TEST_CASE("inventory: every section with the sha256 of its canonical JSON") {
  CHECK(section_hash(json::object()) ==
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  Inventory inventory(fixture_context());
  const auto first = inventory.collect();
  CHECK(first["format"] == "sahab-inventory/1");
  CHECK(first["full"] == true);
  CHECK(first["collected_at"].get<std::string>().ends_with("Z"));
  for (const char* name : {"identity", "system", "hardware", "software", "network"}) {
    INFO(name);
    const auto& section = first["sections"][name];
    REQUIRE(section.contains("data"));
    CHECK(section["hash"] == section_hash(section["data"]));
    CHECK_FALSE(section["data"].contains("problems"));
  }
  const auto second = inventory.collect();
  CHECK(second["sections"]["identity"]["hash"] == first["sections"]["identity"]["hash"]);
  CHECK(second["sections"]["software"]["hash"] == first["sections"]["software"]["hash"]);
  Context relabelled = fixture_context();
  relabelled.labels["owner"] = "dsi";
  CHECK(Inventory(relabelled).collect()["sections"]["identity"]["hash"] !=
        first["sections"]["identity"]["hash"]);
}

TEST_CASE("inventory: a broken tree gives partial sections with problems, no exception") {
  Inventory inventory(fixture_context("broken"));
  json result;
  REQUIRE_NOTHROW(result = inventory.collect());
  const auto& s = result["sections"];
  CHECK(s["system"]["data"]["os"]["name"] == "Debian GNU/Linux");
  CHECK(any_contains(s["system"]["data"]["problems"], "line 2: not a KEY=value assignment"));
  CHECK(any_contains(s["system"]["data"]["problems"], "no btime"));
  CHECK(s["hardware"]["data"]["cpu"]["threads"] == 2);
  CHECK(any_contains(s["hardware"]["data"]["problems"], "cannot read"));
  CHECK(s["software"]["data"]["packages"].size() == 2);
  CHECK(any_contains(s["software"]["data"]["problems"], "coreutils has no Status field"));
  CHECK(s["network"]["data"]["listening"].size() == 1);
  CHECK(any_contains(s["network"]["data"]["problems"], "not a socket line"));
  CHECK(s["identity"]["data"]["hostname"] == "host-broken");
}

namespace {

// The names of `object` that `fields` does not list.
std::vector<std::string> unlisted(const json& object,
                                  std::span<const protocol::report::Field> fields) {
  std::vector<std::string> out;
  for (const auto& [key, value] : object.items()) {
    if (key == protocol::inventory::kProblems.name ||
        key == protocol::inventory::kProblemsDropped.name)
      continue;
    if (std::none_of(fields.begin(), fields.end(), [&](const auto& f) { return f.name == key; }))
      out.push_back(key);
  }
  return out;
}

}  // namespace

// The collector checks every section against common/protocol/inventory.h and drops nothing it
// does not know; a field the agent writes without a row in the table is a field no one owns.
TEST_CASE("inventory: every field the agent writes has its row in the section tables") {
  for (const char* tree : {"default", "broken"}) {
    CAPTURE(tree);
    const json sections = Inventory(fixture_context(tree)).collect()["sections"];
    for (const auto& [name, section] : sections.items()) {
      CAPTURE(name);
      const auto* table = protocol::inventory::section(name);
      REQUIRE(table != nullptr);
      const json& data = section["data"];
      CHECK_NOTHROW(protocol::inventory::check_section(name, data, name));
      CHECK(unlisted(data, table->fields) == std::vector<std::string>{});
      for (const auto& nested : table->nested) {
        CAPTURE(nested.holder.name);
        const auto it = data.find(nested.holder.name);
        REQUIRE(it != data.end());
        if (it->is_object()) CHECK(unlisted(*it, nested.fields) == std::vector<std::string>{});
        for (const auto& element : it->is_array() ? *it : json::array())
          CHECK(unlisted(element, nested.fields) == std::vector<std::string>{});
      }
    }
    CHECK(sections.size() == protocol::inventory::sections().size());
  }
}

TEST_CASE("inventory: invalid UTF-8 from the system does not break the JSON") {
  json data = {{"process", std::string("bad\xff\xfename")}};
  CHECK(to_text(data) == "{\"process\":\"bad\xef\xbf\xbd\xef\xbf\xbdname\"}");
  CHECK(section_hash(data).size() == 64);
}
