// The Windows inventory's mapping (agent/inventory/windows_inventory.h), natively: socket tables
// as GetExtendedTcpTable/UdpTable fill them (one recorded under Wine, the rest built here with
// what Wine never gives: owning PIDs and IPv6), Uninstall keys, services, features, recognised
// software and the OS values.
#include "agent/inventory/windows_inventory.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/protocol/inventory.h"

using namespace sahab::agent::inventory;
using namespace sahab::agent::inventory::windows;

namespace {

// A table buffer: the DWORD count, then the rows' bytes.
struct Table {
  std::vector<unsigned char> bytes{0, 0, 0, 0};
  std::uint32_t rows = 0;
  void dword(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
  }
  void raw(std::initializer_list<unsigned char> b) { bytes.insert(bytes.end(), b); }
  void port(std::uint16_t p) {
    raw({static_cast<unsigned char>(p >> 8), static_cast<unsigned char>(p), 0, 0});
  }
  std::vector<unsigned char> done(std::uint32_t count) {
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<unsigned char>(count >> (8 * i));
    return bytes;
  }
};

void tcp4(Table& t, std::uint32_t state, std::initializer_list<unsigned char> local,
          std::uint16_t local_port, std::initializer_list<unsigned char> remote,
          std::uint16_t remote_port, std::uint32_t pid) {
  t.dword(state);
  t.raw(local);
  t.port(local_port);
  t.raw(remote);
  t.port(remote_port);
  t.dword(pid);
}

void tcp6(Table& t, std::uint32_t state, const std::vector<unsigned char>& local,
          std::uint16_t local_port, const std::vector<unsigned char>& remote,
          std::uint16_t remote_port, std::uint32_t pid) {
  t.bytes.insert(t.bytes.end(), local.begin(), local.end());
  t.dword(0);  // scope
  t.port(local_port);
  t.bytes.insert(t.bytes.end(), remote.begin(), remote.end());
  t.dword(0);
  t.port(remote_port);
  t.dword(state);
  t.dword(pid);
}

std::vector<unsigned char> v6(std::initializer_list<unsigned char> tail) {
  std::vector<unsigned char> a(16 - tail.size(), 0);
  a.insert(a.end(), tail);
  return a;
}

// tests/fixtures/windows/FILE: hex bytes, whitespace ignored.
std::vector<unsigned char> hex_fixture(const std::string& file) {
  std::ifstream in(std::filesystem::path(SAHAB_FIXTURES_DIR) / "windows" / file);
  REQUIRE(in);
  std::vector<unsigned char> out;
  std::string token;
  while (in >> token) {
    for (std::size_t i = 0; i + 1 < token.size(); i += 2)
      out.push_back(static_cast<unsigned char>(std::stoi(token.substr(i, 2), nullptr, 16)));
  }
  return out;
}

constexpr std::uint32_t kListen = 2, kEstablished = 5, kTimeWait = 11;

}  // namespace

TEST_CASE("windows inventory: a TCP table's rows become listening sockets and edges as on Linux") {
  Table t;
  tcp4(t, kListen, {0, 0, 0, 0}, 1433, {0, 0, 0, 0}, 0, 2200);
  tcp4(t, kEstablished, {10, 0, 0, 5}, 1433, {10, 0, 0, 9}, 50123, 2200);
  tcp4(t, kEstablished, {10, 0, 0, 5}, 1433, {10, 0, 0, 9}, 50124, 2200);
  tcp4(t, kEstablished, {10, 0, 0, 5}, 49700, {10, 0, 0, 20}, 389, 640);
  tcp4(t, kTimeWait, {10, 0, 0, 5}, 49701, {10, 0, 0, 20}, 389, 0);
  Problems problems;
  const auto rows = parse_tcp_table(t.done(5), false, problems);
  CHECK(problems.empty());
  REQUIRE(rows.size() == 4);  // TIME_WAIT left out
  CHECK(rows[0].second.local_address == "0.0.0.0");
  CHECK(rows[0].second.local_port == 1433);
  CHECK(rows[0].second.state == kTcpListen);
  CHECK(rows[1].second.remote_port == 50123);
  CHECK(rows[1].second.inode == 2200);

  ConnectionTracker tracker({});
  tracker.observe_rows(rows, {{2200, "sqlservr"}, {640, "lsass"}});
  const auto listening = tracker.listening();
  REQUIRE(listening.size() == 1);
  CHECK(listening[0] ==
        nlohmann::json{
            {"protocol", "tcp"}, {"address", "0.0.0.0"}, {"port", 1433}, {"process", "sqlservr"}});
  const auto edges = tracker.edges();
  REQUIRE(edges.size() == 2);
  // Two clients of the same peer are one inbound edge counted twice; the ephemeral port is 0.
  CHECK(edges[0] == nlohmann::json{{"direction", "inbound"},
                                   {"local_address", "10.0.0.5"},
                                   {"local_port", 1433},
                                   {"remote_address", "10.0.0.9"},
                                   {"remote_port", 0},
                                   {"process", "sqlservr"},
                                   {"count", 2}});
  CHECK(edges[1] == nlohmann::json{{"direction", "outbound"},
                                   {"local_address", "10.0.0.5"},
                                   {"local_port", 0},
                                   {"remote_address", "10.0.0.20"},
                                   {"remote_port", 389},
                                   {"process", "lsass"},
                                   {"count", 1}});
}

TEST_CASE("windows inventory: IPv6 rows, IPv4-mapped peers normalised, UDP sockets listening") {
  Table t;
  tcp6(t, kListen, v6({}), 443, v6({}), 0, 4);
  tcp6(t, kEstablished, v6({0, 1}), 443, v6({0xff, 0xff, 192, 168, 1, 7}), 50000, 4);
  Table u;
  u.raw({0, 0, 0, 0});
  u.port(53);
  u.dword(1800);
  Table u6;
  u6.raw({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x15, 0x5d, 0xff, 0xfe, 0x01, 0, 0x2a});
  u6.dword(3);
  u6.port(546);
  u6.dword(900);
  Problems problems;
  auto rows = parse_tcp_table(t.done(2), true, problems);
  for (auto& r : parse_udp_table(u.done(1), false, problems)) rows.push_back(r);
  for (auto& r : parse_udp_table(u6.done(1), true, problems)) rows.push_back(r);
  CHECK(problems.empty());
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].second.local_address == "::");
  CHECK(rows[1].second.local_address == "::1");
  CHECK(rows[1].second.remote_address == "::ffff:192.168.1.7");
  CHECK(rows[3].second.local_address == "fe80::215:5dff:fe01:2a");
  CHECK(rows[3].second.local_port == 546);

  ConnectionTracker tracker({});
  tracker.observe_rows(rows, {{4, "system"}, {1800, "dns"}});
  const auto listening = tracker.listening();
  REQUIRE(listening.size() == 3);
  CHECK(listening[0]["address"] == "::");
  CHECK(listening[0]["process"] == "system");
  CHECK(listening[1] ==
        nlohmann::json{
            {"protocol", "udp"}, {"address", "0.0.0.0"}, {"port", 53}, {"process", "dns"}});
  CHECK(listening[2]["process"] == "");  // PID 900 not among the processes: unknown
  const auto edges = tracker.edges();
  REQUIRE(edges.size() == 1);
  CHECK(edges[0]["remote_address"] == "192.168.1.7");
  CHECK(edges[0]["direction"] == "inbound");
}

TEST_CASE("windows inventory: a table whose count overruns its buffer keeps the rows that fit") {
  Table t;
  tcp4(t, kListen, {127, 0, 0, 1}, 80, {0, 0, 0, 0}, 0, 7);
  auto bytes = t.done(1000);
  bytes.push_back(0);  // a partial row
  Problems problems;
  const auto rows = parse_tcp_table(bytes, false, problems);
  CHECK(rows.size() == 1);
  REQUIRE(problems.messages().size() == 1);
  CHECK(problems.messages()[0] == "tcp: 1000 rows announced, 1 read");
  Problems short_table;
  CHECK(parse_udp_table(std::vector<unsigned char>{1, 0}, false, short_table).empty());
  CHECK(short_table.messages().size() == 1);
  Problems empty;
  CHECK(parse_udp_table({}, true, empty).empty());
  CHECK(empty.empty());
}

TEST_CASE("windows inventory: Wine's recorded TCP table (owning PID 0) gives sockets, no owners") {
  // Recorded with sahab-inventory-probe.exe under Wine 8.0 while sahab-agent.exe
  // listened on 127.0.0.1:54553 and a client was connected to it; kept: the agent's rows (listen,
  // both ends of the connection, a TIME_WAIT), one TIME_WAIT and one listener of other programs.
  Problems problems;
  const auto rows = parse_tcp_table(hex_fixture("wine_tcp_table.hex"), false, problems);
  CHECK(problems.empty());
  REQUIRE(rows.size() == 4);  // the two TIME_WAIT rows left out
  for (const auto& [protocol, e] : rows) CHECK(e.inode == 0);
  // processes_windows.cpp never names PID 0 (the idle process) as an owner.
  ConnectionTracker tracker({});
  tracker.observe_rows(rows, {});
  CHECK(tracker.listening() ==
        nlohmann::json{
            {{"protocol", "tcp"}, {"address", "0.0.0.0"}, {"port", 2024}, {"process", ""}},
            {{"protocol", "tcp"}, {"address", "127.0.0.1"}, {"port", 54553}, {"process", ""}}});
  const auto edges = tracker.edges();
  REQUIRE(edges.size() == 2);  // a loopback connection: the server's inbound, the client's outbound
  CHECK(edges[0]["direction"] == "inbound");
  CHECK(edges[0]["local_port"] == 54553);
  CHECK(edges[1]["direction"] == "outbound");
  CHECK(edges[1]["remote_port"] == 54553);
}

TEST_CASE("windows inventory: uninstall entries as packages, hidden ones and updates left out") {
  const auto packages = packages_from_uninstall({
      {"Microsoft SQL Server 2019 (64-bit)", "15.0.2000.5", false, false, false},
      {"  7-Zip 22.01 (x64)  ", "22.01", false, false, false},
      {"Notepad++ (32-bit x86)", "8.5", false, false, true},
      {"", "1.0", false, false, false},                                     // no display name
      {"SQL Server 2019 Common Files", "15.0.2000.5", true, false, false},  // SystemComponent
      {"Security Update for SQL Server (KB5021125)", "", false, true, false},
      {"7-Zip 22.01 (x64)", "22.01", false, false, false},  // the same program twice
  });
  REQUIRE(packages.size() == 3);
  CHECK(packages[0] == Package{"7-Zip 22.01 (x64)", "22.01", "x64", "installed"});
  CHECK(packages[1] ==
        Package{"Microsoft SQL Server 2019 (64-bit)", "15.0.2000.5", "x64", "installed"});
  CHECK(packages[2].arch == "x86");
}

TEST_CASE("windows inventory: services with state and start type, enabled when automatic") {
  const auto services = services_json({{"W3SVC", 2, 4}, {"Spooler", 4, 1}, {"BITS", 3, 7}});
  REQUIRE(services.size() == 3);
  CHECK(services[0] == nlohmann::json{{"name", "BITS"},
                                      {"state", "paused"},
                                      {"enabled", false},
                                      {"running", false},
                                      {"start_type", "manual"}});
  CHECK(services[1]["start_type"] == "disabled");
  CHECK(services[1]["state"] == "stopped");
  CHECK(services[2] == nlohmann::json{{"name", "W3SVC"},
                                      {"state", "running"},
                                      {"enabled", true},
                                      {"running", true},
                                      {"start_type", "auto"}});
  CHECK(services_json({{"odd", 9, 0}})[0]["state"] == "unknown");
}

TEST_CASE("windows inventory: features from Server Manager's cache, else from role services") {
  const std::vector<ServiceEntry> services = {{"NTDS", 2, 4}, {"dns", 2, 4}, {"W3SVC", 3, 1}};
  const auto inferred = features_json({}, services);
  REQUIRE(inferred.size() == 3);
  CHECK(inferred[0] ==
        nlohmann::json{{"name", "AD-Domain-Services"}, {"evidence", "service NTDS"}});
  CHECK(inferred[1]["name"] == "DNS");
  CHECK(inferred[2]["name"] == "Web-Server");
  const auto cached = features_json({"FS-FileServer", "Web-Server"}, services);
  REQUIRE(cached.size() == 2);  // the cache is authoritative where present
  CHECK(cached[0] == nlohmann::json{{"name", "FS-FileServer"}, {"evidence", "server manager"}});
  CHECK(features_json({}, {}).empty());
}

TEST_CASE("windows inventory: SQL Server, IIS and PostgreSQL recognised from Windows evidence") {
  const std::vector<Package> packages = {
      {"Microsoft SQL Server 2019 (64-bit)", "15.0.2000.5", "x64", "installed"},
      {"Microsoft SQL Server 2019 Setup (English)", "15.0.4013.40", "x64", "installed"},
      {"PostgreSQL 15 ", "15.4-1", "x64", "installed"},
  };
  ProcessScan processes;
  processes.names = {"sqlservr", "w3wp", "svchost"};
  const nlohmann::json listening = {
      {{"protocol", "tcp"}, {"address", "0.0.0.0"}, {"port", 1433}, {"process", ""}}};
  const auto extra = windows_findings({{"MSSQL$EXPRESS", 2, 4}, {"W3SVC", 2, 4}, {"Spooler", 2, 4}},
                                      {{"EXPRESS", "Express Edition (64-bit)", "15.0.2000.5"}},
                                      {"Default Web Site", "intranet"});
  const auto found = recognise_software(packages, processes, listening, extra);
  REQUIRE(found.size() == 3);
  CHECK(found[0]["name"] == "iis");
  CHECK(found[0]["evidence"] == "service W3SVC (running); site Default Web Site; site intranet");
  CHECK(found[1]["name"] == "postgresql");
  CHECK(found[1]["version"] == "15.4");
  CHECK(found[2]["name"] == "sqlserver");
  CHECK(found[2]["version"] == "15.0.2000.5");  // the setup entry is not the engine
  CHECK(found[2]["evidence"] ==
        "instance EXPRESS (Express Edition (64-bit)); package Microsoft SQL Server 2019 (64-bit); "
        "port 1433/tcp; process sqlservr; service MSSQL$EXPRESS (running)");
}

TEST_CASE("windows inventory: IIS site names from applicationHost.config, bounded") {
  const std::string config = R"(<configuration><system.applicationHost><sites>
    <site name="Default Web Site" id="1"><application path="/"/></site>
    <site id="2" name="intranet">
    <site name="">
    <siteDefaults><logFile/></siteDefaults>
  </sites></system.applicationHost></configuration>)";
  CHECK(iis_sites(config) == std::vector<std::string>{"Default Web Site", "intranet"});
  CHECK(iis_sites("<site name=\"unterminated").empty());
  std::string many;
  for (std::size_t i = 0; i < kMaxSites + 10; ++i)
    many += "<site name=\"s" + std::to_string(i) + "\">";
  CHECK(iis_sites(many).size() == kMaxSites);
}

TEST_CASE("windows inventory: the OS section from CurrentVersion's values") {
  VersionValues v;
  v.product_name = "Windows Server 2019 Standard";
  v.edition_id = "ServerStandard";
  v.display_version = "1809";
  v.major = 10;
  v.build = 17763;
  v.ubr = 4010;
  v.install_date = 1'600'000'000;
  const auto os = os_json(v);
  CHECK(os["family"] == "windows");
  CHECK(os["name"] == "Windows Server 2019 Standard");
  CHECK(os["version"] == "10.0.17763");
  CHECK(os["build"] == "17763.4010");
  CHECK(os["edition"] == "ServerStandard");
  CHECK(os["install_date"] == "2020-09-13T12:26:40Z");
  CHECK(os["pretty_name"] == "Windows Server 2019 Standard 1809 (10.0.17763.4010)");
  VersionValues bare;  // Wine's fresh prefix lacks most values
  bare.major = 6;
  bare.minor = 1;
  bare.build = 7601;
  const auto old = os_json(bare);
  CHECK(old["build"] == "7601");
  CHECK(old["install_date"] == "");
  CHECK(old["pretty_name"] == "Windows (6.1.7601)");
}

// digital_product_id4_gvlk.hex is not recorded on a server (none at hand): it is made to the
// structure's documented layout (PidGenX's DigitalProductId4: size, version, Advanced PID,
// Activation ID, edition type, EditionId, key type "Volume:GVLK" at byte 1016, EULA "Volume").
// inventory_wine.sh writes the same bytes into Wine's registry for the exe to read.
TEST_CASE("windows inventory: the licence channel from DigitalProductId4") {
  auto id4 = hex_fixture("digital_product_id4_gvlk.hex");
  REQUIRE(id4.size() == kDigitalProductId4Bytes);
  CHECK(licence_channel(id4) == "Volume:GVLK");
  const auto with_key_type = [&](std::u16string_view text) {
    auto copy = id4;
    std::fill(copy.begin() + kKeyTypeOffset, copy.begin() + kKeyTypeOffset + 128, 0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      copy[kKeyTypeOffset + 2 * i] = static_cast<unsigned char>(text[i]);
      copy[kKeyTypeOffset + 2 * i + 1] = static_cast<unsigned char>(text[i] >> 8);
    }
    return licence_channel(copy);
  };
  CHECK(with_key_type(u"Retail") == "Retail");
  CHECK(with_key_type(u"OEM:DM") == "OEM:DM");
  CHECK(with_key_type(u"Volume:MAK") == "Volume:MAK");
  CHECK(with_key_type(u"") == "");
  // Not a channel name: markup, a non-ASCII character, 64 characters without their NUL.
  CHECK(with_key_type(u"<Retail>") == "");
  CHECK(with_key_type(u"R\u00e9tail") == "");
  CHECK(with_key_type(std::u16string(64, u'A')) == "");
  // Another structure (DigitalProductId, 164 bytes), a truncated value, a size field that
  // disagrees with the length: nothing is read from them.
  CHECK(licence_channel(std::span(id4).first(164)) == "");
  CHECK(licence_channel(std::span(id4).first(1100)) == "");
  auto wrong_size = id4;
  wrong_size[0] = 0xa4;
  CHECK(licence_channel(wrong_size) == "");
  CHECK(licence_channel({}) == "");
  // The OS section carries it, "" where Windows had nothing readable.
  VersionValues v;
  v.licence_channel = licence_channel(id4);
  CHECK(os_json(v)["licence_channel"] == "Volume:GVLK");
  CHECK(os_json(VersionValues{})["licence_channel"] == "");
}

TEST_CASE("windows inventory: virtualisation from the SMBIOS names and the hypervisor bit") {
  CHECK(virtualisation_of("VMware, Inc.", "VMware7,1", true).name == "vmware");
  CHECK(virtualisation_of("Microsoft Corporation", "Virtual Machine", true).name == "microsoft");
  CHECK(virtualisation_of("QEMU", "Standard PC (Q35 + ICH9, 2009)", true).name == "kvm");
  const auto unknown = virtualisation_of("Dell Inc.", "PowerEdge R740", true);
  CHECK(unknown.name == "other");
  CHECK(unknown.kind == "vm");
  const auto metal = virtualisation_of("Dell Inc.", "PowerEdge R740", false);
  CHECK(metal.name == "none");
  CHECK(metal.kind == "none");
}

TEST_CASE("windows inventory: every record the mapping writes has its row in the section tables") {
  namespace inv = sahab::protocol::inventory;
  VersionValues v;
  v.product_name = "Windows Server 2022 Datacenter";
  v.major = 10;
  v.build = 20348;
  v.install_date = 1'700'000'000;
  v.licence_channel = "Volume:MAK";
  const nlohmann::json system = {{"os", os_json(v)}};
  const std::vector<ServiceEntry> services = {{"W3SVC", 2, 4}, {"MSSQLSERVER", 2, 4}};
  const nlohmann::json software = {
      {"services", services_json(services)},
      {"features", features_json({"Web-Server"}, services)},
      {"recognised", recognise_software({}, {}, nlohmann::json::array(),
                                        windows_findings(services, {}, {"Default Web Site"}))}};
  CHECK_NOTHROW(inv::check_section("system", system, "system"));
  CHECK_NOTHROW(inv::check_section("software", software, "software"));
  // No field outside the tables: the collector keeps only what a table owns.
  const auto owned = [](const nlohmann::json& record, std::span<const inv::Field> fields) {
    for (const auto& [key, value] : record.items()) {
      bool found = false;
      for (const auto& f : fields) found |= f.name == key;
      CHECK_MESSAGE(found, key);
    }
  };
  owned(system["os"], inv::os::kFields);
  for (const auto& s : software["services"]) owned(s, inv::service::kFields);
  for (const auto& f : software["features"]) owned(f, inv::feature::kFields);
  for (const auto& r : software["recognised"]) owned(r, inv::recognised::kFields);
  CHECK(software["recognised"].size() == 2);  // iis and sqlserver
}

namespace {

// RawSMBIOSData: the header, a BIOS structure (type 0), a System Information structure (type 1)
// with its strings, the end-of-table structure.
std::vector<unsigned char> smbios(unsigned char major, unsigned char minor,
                                  const std::vector<unsigned char>& uuid, bool cut = false) {
  std::vector<unsigned char> t = {0, 0x12, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (const char c : std::string("Dell Inc.\0"
                                  "2.3.4\0",
                                  16))
    t.push_back(static_cast<unsigned char>(c));
  t.push_back(0);
  const std::vector<unsigned char> system = {1, 0x1b, 1, 0, 1, 2, 0, 3};
  t.insert(t.end(), system.begin(), system.end());
  t.insert(t.end(), uuid.begin(), uuid.end());
  t.insert(t.end(), {6, 0, 0});  // wake-up type, SKU, family
  for (const char c : std::string(" Dell Inc. \0PowerEdge R740\0"
                                  "7QX9K42\0\0",
                                  37))
    t.push_back(static_cast<unsigned char>(c));
  t.insert(t.end(), {127, 4, 2, 0, 0, 0});
  if (cut) t.resize(18 + 17 + 8 + 10);  // inside the UUID
  std::vector<unsigned char> raw = {0, major, minor, 0};
  for (int i = 0; i < 4; ++i) raw.push_back(static_cast<unsigned char>(t.size() >> (8 * i)));
  raw.insert(raw.end(), t.begin(), t.end());
  return raw;
}

const std::vector<unsigned char> kUuid = {0x44, 0x45, 0x4c, 0x4c, 0x42, 0x00, 0x10, 0x35,
                                          0x80, 0x52, 0xb4, 0xc0, 0x4f, 0x4e, 0x31, 0x32};

}  // namespace

TEST_CASE("windows inventory: SMBIOS system information, the UUID as Linux's product_uuid") {
  const auto s = smbios_system(smbios(3, 4, kUuid));
  CHECK(s.vendor == "Dell Inc.");
  CHECK(s.product == "PowerEdge R740");
  CHECK(s.serial == "7QX9K42");
  CHECK(s.uuid == "4c4c4544-0042-3510-8052-b4c04f4e3132");
  // Before SMBIOS 2.6 the UUID's bytes are in order.
  CHECK(smbios_system(smbios(2, 5, kUuid)).uuid == "44454c4c-4200-1035-8052-b4c04f4e3132");
  CHECK(smbios_system(smbios(3, 0, std::vector<unsigned char>(16, 0))).uuid == "");
  CHECK(smbios_system(smbios(3, 0, std::vector<unsigned char>(16, 0xff))).uuid == "");
  const auto cut = smbios_system(smbios(3, 4, kUuid, true));
  CHECK(cut.uuid == "");  // the structure runs past the buffer: nothing read from it
  CHECK(cut.vendor == "");
  CHECK(smbios_system({}).vendor == "");
  CHECK(smbios_system(std::vector<unsigned char>{0, 3, 0, 0, 0xff, 0xff, 0xff, 0x7f, 1}).uuid ==
        "");
}
