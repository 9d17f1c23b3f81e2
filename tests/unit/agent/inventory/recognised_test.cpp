#include "agent/inventory/recognised.h"

#include "unit/agent/inventory/support.h"

using namespace sahab::agent::inventory;
using namespace sahab::agent::inventory::testing;
using nlohmann::json;

namespace {

json find(const json& recognised, const std::string& name) {
  for (const auto& item : recognised) {
    if (item["name"] == name) return item;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("recognised: the newest matching package gives the version") {
  const std::vector<Package> packages = {
      {"postgresql-9.6", "9.6.24-1", "amd64", "installed"},
      {"postgresql-15", "15.4-1+b1", "amd64", "installed"},
      {"postgresql-13", "13.11-0+deb11u1", "amd64", "config-files"},  // removed: not evidence
      {"mariadb-server", "1:10.11.4-1~deb12u1", "amd64", "installed"},
      {"php8.2-fpm", "8.2.7-1~deb12u1", "amd64", "installed"},
      {"libnginx-mod-http-geoip", "1.22.1-9", "amd64", "installed"},  // not the server
  };
  const auto recognised = recognise_software(packages, ProcessScan{}, json::array());
  CHECK(find(recognised, "postgresql")["version"] == "15.4");
  CHECK(find(recognised, "postgresql")["evidence"] ==
        "package postgresql-15; package postgresql-9.6");
  CHECK(find(recognised, "mariadb")["version"] == "10.11.4");
  CHECK(find(recognised, "php-fpm")["version"] == "8.2.7");
  CHECK(find(recognised, "nginx").is_null());
  CHECK(recognised.size() == 3);
}

TEST_CASE("recognised: processes and ports without packages") {
  ProcessScan processes;
  processes.names = {"mysqld", "php-fpm8.2", "sqlservr", "bash"};
  const json listening =
      json::array({{{"protocol", "tcp"}, {"address", "0.0.0.0"}, {"port", 1433}},
                   {{"protocol", "udp"}, {"address", "0.0.0.0"}, {"port", 389}}});
  const auto recognised = recognise_software({}, processes, listening);
  CHECK(find(recognised, "mysql-compatible")["evidence"] == "process mysqld");
  CHECK(find(recognised, "php-fpm")["evidence"] == "process php-fpm8.2");
  CHECK(find(recognised, "sqlserver")["evidence"] == "port 1433/tcp; process sqlservr");
  CHECK(find(recognised, "sqlserver")["version"] == "");
  CHECK(find(recognised, "openldap").is_null());  // 389 over UDP is not slapd's listener
}

TEST_CASE("recognised: a package naming MySQL or MariaDB replaces the vague mysqld entry") {
  ProcessScan processes;
  processes.names = {"mysqld"};
  const auto recognised = recognise_software(
      {{"mysql-server-8.0", "8.0.35-1", "amd64", "installed"}}, processes, json::array());
  CHECK(find(recognised, "mysql")["version"] == "8.0.35");
  CHECK(find(recognised, "mysql-compatible").is_null());
}

TEST_CASE("inventory: a tree with nothing in it still yields every section") {
  TempDir empty;
  Context ctx{
      sahab::agent::Paths{empty.path() / "proc", empty.path() / "sys", empty.path() / "root"},
      empty.path() / "state",
      {},
      ""};
  const auto result = Inventory(ctx).collect();
  const auto& s = result["sections"];
  CHECK(s["identity"]["data"]["host_id"].get<std::string>().size() == 32);
  CHECK(any_contains(s["system"]["data"]["problems"], "cannot read os-release"));
  CHECK(any_contains(s["hardware"]["data"]["problems"], "cannot read"));
  CHECK(s["software"]["data"]["packages"].empty());
  CHECK(s["software"]["data"]["package_manager"] == "");
  CHECK(s["network"]["data"]["listening"].empty());
}
