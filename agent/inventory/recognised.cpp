#include "agent/inventory/recognised.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>

#include "common/protocol/inventory.h"

namespace sahab::agent::inventory {
namespace {

struct Rule {
  const char* name;
  const char* packages;  // ECMAScript regex matched against the whole package name; "" for none
  std::vector<std::string> processes;  // comm names; a trailing '*' matches a prefix
  std::vector<int> tcp_ports;          // only ports specific enough to name the product alone
  // ECMAScript regex searched in Windows' display names (Uninstall keys); "" for none.
  const char* windows_packages = "";
};

const std::vector<Rule>& rules() {
  static const std::vector<Rule> kRules = {
      {"postgresql",
       R"(postgresql-[0-9.]+|postgresql-server|postgresql[0-9]+-server)",
       {"postgres", "postmaster"},
       {5432},
       R"(^PostgreSQL \d)"},
      {"mysql",
       R"(mysql-server(-core)?(-[0-9.]+)?|mysql-community-server)",
       {},
       {},
       R"(^MySQL Server \d)"},
      {"mariadb", R"(mariadb-server(-core)?(-[0-9.]+)?)", {"mariadbd"}, {}, R"(^MariaDB \d)"},
      {"mysql-compatible", "", {"mysqld"}, {3306}},
      {"oracle-database", R"(oracle-database-.*)", {"tnslsnr"}, {1521}, R"(^Oracle Database)"},
      {"sqlserver",
       R"(mssql-server)",
       {"sqlservr"},
       {1433},
       R"(^Microsoft SQL Server \d{4}( R2)?( \(64-bit\))?$)"},
      {"apache", R"(apache2|httpd)", {"apache2", "httpd"}, {}, R"(^Apache HTTP Server)"},
      {"nginx", R"(nginx(-core|-full|-light|-extras)?)", {"nginx"}, {}},
      {"tomcat", R"(tomcat[0-9]*)", {}, {}, R"(^Apache Tomcat)"},
      {"php-fpm", R"(php[0-9.]*-fpm)", {"php-fpm*"}, {}},
      {"samba", R"(samba)", {"smbd"}, {445}},
      {"openldap", R"(slapd|openldap-servers)", {"slapd"}, {389, 636}},
      {"bind", R"(bind9|bind)", {"named"}, {}},
      {"postfix", R"(postfix)", {"qmgr"}, {}},
      {"exim", R"(exim4-daemon-.*)", {"exim4"}, {}},
      {"dovecot", R"(dovecot-core|dovecot)", {"dovecot"}, {}},
      {"docker", R"(docker\.io|docker-ce|moby-engine)", {"dockerd"}, {}},
      {"redis", R"(redis-server|redis)", {"redis-server"}, {6379}},
      {"mongodb", R"(mongodb-org-server|mongodb-server)", {"mongod"}, {27017}, R"(^MongoDB \d)"},
      {"haproxy", R"(haproxy)", {"haproxy"}, {}},
      {"squid", R"(squid)", {"squid"}, {3128}},
      {"rabbitmq", R"(rabbitmq-server)", {"beam.smp"}, {5672}},
      {"elasticsearch", R"(elasticsearch)", {}, {9200}},
      {"openssh-server", R"(openssh-server)", {"sshd"}, {}},
  };
  return kRules;
}

struct Finding {
  std::string version;
  std::vector<std::string> evidence;
};

// Numeric-aware comparison of upstream versions, so "15.4" is newer than "9.6".
bool older(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      const auto na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// The running process matching `pattern`, if any.
std::optional<std::string> running_process(const std::string& pattern,
                                           const ProcessScan& processes) {
  if (!pattern.ends_with('*')) {
    return processes.names.contains(pattern) ? std::optional(pattern) : std::nullopt;
  }
  const auto prefix = pattern.substr(0, pattern.size() - 1);
  const auto it = processes.names.lower_bound(prefix);
  return it != processes.names.end() && it->starts_with(prefix) ? std::optional(*it) : std::nullopt;
}

const std::regex& compiled(const char* pattern) {
  static thread_local std::map<const char*, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern)).first;
  return it->second;
}

// A Debian or RPM package name matches the rule's pattern whole; a Windows display name
// ("Microsoft SQL Server 2019 (64-bit)") contains a match of its Windows pattern.
bool package_matches(const Rule& rule, const std::string& name) {
  return (*rule.packages != '\0' && std::regex_match(name, compiled(rule.packages))) ||
         (*rule.windows_packages != '\0' &&
          std::regex_search(name, compiled(rule.windows_packages)));
}

void match_packages(const Rule& rule, const std::vector<Package>& packages, Finding& finding) {
  for (const auto& package : packages) {
    if (package.status != "installed" || !package_matches(rule, package.name)) continue;
    finding.evidence.push_back("package " + package.name);
    const auto version = upstream_version(package.version);
    if (finding.version.empty() || older(finding.version, version)) finding.version = version;
  }
}

}  // namespace

nlohmann::json recognise_software(const std::vector<Package>& packages,
                                  const ProcessScan& processes, const nlohmann::json& listening,
                                  const std::vector<Evidence>& extra) {
  std::map<std::string, Finding> found;
  for (const auto& rule : rules()) {
    Finding finding;
    match_packages(rule, packages, finding);
    for (const auto& process : rule.processes) {
      if (const auto name = running_process(process, processes)) {
        finding.evidence.push_back("process " + *name);
      }
    }
    if (std::string(rule.name) == "tomcat" && processes.java_main_hints.contains("catalina")) {
      finding.evidence.push_back("process java (org.apache.catalina)");
    }
    for (const auto& socket : listening) {
      for (int port : rule.tcp_ports) {
        if (socket.value("protocol", "") == "tcp" && socket.value("port", 0) == port) {
          finding.evidence.push_back("port " + std::to_string(port) + "/tcp");
          break;
        }
      }
    }
    if (!finding.evidence.empty()) found[rule.name] = std::move(finding);
  }
  for (const auto& e : extra) {
    Finding& finding = found[e.name];
    finding.evidence.push_back(e.evidence);
    if (!e.version.empty() && (finding.version.empty() || older(finding.version, e.version)))
      finding.version = e.version;
  }
  // mysqld alone cannot tell MySQL from MariaDB; drop the vague entry when a package said which.
  if (found.contains("mysql") || found.contains("mariadb")) found.erase("mysql-compatible");
  nlohmann::json out = nlohmann::json::array();
  for (auto& [name, finding] : found) {
    std::sort(finding.evidence.begin(), finding.evidence.end());
    finding.evidence.erase(std::unique(finding.evidence.begin(), finding.evidence.end()),
                           finding.evidence.end());
    std::string evidence;
    for (const auto& e : finding.evidence) evidence += (evidence.empty() ? "" : "; ") + e;
    namespace f = protocol::inventory::recognised;
    out.push_back({{f::kName.name, name},
                   {f::kVersion.name, finding.version},
                   {f::kEvidence.name, evidence}});
  }
  return out;
}

}  // namespace sahab::agent::inventory
