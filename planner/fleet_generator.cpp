#include "planner/fleet_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>

namespace sahab::planner {
namespace {

// splitmix64: tiny, fast, and identical on every platform (std distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed)
      : state_(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return uniform() < p; }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

struct Province {
  const char* name;
  std::vector<const char*> communes;
};
struct Region {
  const char* name;
  std::vector<Province> provinces;
};

const std::vector<Region>& morocco() {
  static const std::vector<Region> regions = {
      {"Tanger-Tétouan-Al Hoceïma",
       {{"Tanger-Assilah", {"Tanger", "Assilah"}},
        {"Tétouan", {"Tétouan", "Martil"}},
        {"Al Hoceïma", {"Al Hoceïma", "Imzouren"}},
        {"Larache", {"Larache", "Ksar El Kébir"}},
        {"Chefchaouen", {"Chefchaouen"}}}},
      {"L'Oriental",
       {{"Oujda-Angad", {"Oujda"}},
        {"Nador", {"Nador", "Zeghanghane"}},
        {"Berkane", {"Berkane", "Saïdia"}},
        {"Taourirt", {"Taourirt"}},
        {"Figuig", {"Bouarfa", "Figuig"}}}},
      {"Fès-Meknès",
       {{"Fès", {"Fès"}},
        {"Meknès", {"Meknès"}},
        {"Ifrane", {"Ifrane", "Azrou"}},
        {"Taza", {"Taza"}},
        {"Sefrou", {"Sefrou"}}}},
      {"Rabat-Salé-Kénitra",
       {{"Rabat", {"Rabat"}},
        {"Salé", {"Salé"}},
        {"Kénitra", {"Kénitra", "Mehdia"}},
        {"Skhirate-Témara", {"Témara", "Skhirate"}},
        {"Khémisset", {"Khémisset", "Tiflet"}}}},
      {"Béni Mellal-Khénifra",
       {{"Béni Mellal", {"Béni Mellal", "Kasba Tadla"}},
        {"Khénifra", {"Khénifra"}},
        {"Khouribga", {"Khouribga", "Oued Zem"}},
        {"Azilal", {"Azilal", "Demnate"}},
        {"Fquih Ben Salah", {"Fquih Ben Salah"}}}},
      {"Casablanca-Settat",
       {{"Casablanca", {"Casablanca"}},
        {"Mohammédia", {"Mohammédia"}},
        {"Settat", {"Settat", "Ben Ahmed"}},
        {"Berrechid", {"Berrechid", "Had Soualem"}},
        {"El Jadida", {"El Jadida", "Azemmour"}},
        {"Benslimane", {"Benslimane"}}}},
      {"Marrakech-Safi",
       {{"Marrakech", {"Marrakech"}},
        {"Safi", {"Safi"}},
        {"Essaouira", {"Essaouira"}},
        {"El Kelâa des Sraghna", {"El Kelâa des Sraghna"}},
        {"Al Haouz", {"Tahannaout", "Amizmiz"}}}},
      {"Drâa-Tafilalet",
       {{"Errachidia", {"Errachidia", "Erfoud"}},
        {"Ouarzazate", {"Ouarzazate"}},
        {"Midelt", {"Midelt"}},
        {"Tinghir", {"Tinghir"}},
        {"Zagora", {"Zagora"}}}},
      {"Souss-Massa",
       {{"Agadir Ida-Outanane", {"Agadir"}},
        {"Inezgane-Aït Melloul", {"Inezgane", "Aït Melloul"}},
        {"Taroudant", {"Taroudant"}},
        {"Tiznit", {"Tiznit"}},
        {"Chtouka-Aït Baha", {"Biougra"}}}},
      {"Guelmim-Oued Noun",
       {{"Guelmim", {"Guelmim"}},
        {"Tan-Tan", {"Tan-Tan"}},
        {"Sidi Ifni", {"Sidi Ifni"}},
        {"Assa-Zag", {"Assa"}}}},
      {"Laâyoune-Sakia El Hamra",
       {{"Laâyoune", {"Laâyoune"}},
        {"Boujdour", {"Boujdour"}},
        {"Tarfaya", {"Tarfaya"}},
        {"Es-Semara", {"Es-Semara"}}}},
      {"Dakhla-Oued Ed-Dahab", {{"Oued Ed-Dahab", {"Dakhla"}}, {"Aousserd", {"Aousserd"}}}},
  };
  return regions;
}

struct Site {
  std::string region, province, commune;
  double uplink_mbps = 20;
};

struct OsChoice {
  const char* family;
  const char* name;
  const char* version;
};
constexpr std::array<OsChoice, 14> kOs = {{{"linux", "Debian GNU/Linux", "12"},
                                           {"linux", "Debian GNU/Linux", "11"},
                                           {"linux", "Debian GNU/Linux", "10"},
                                           {"linux", "Debian GNU/Linux", "9"},
                                           {"linux", "Ubuntu", "22.04"},
                                           {"linux", "Ubuntu", "20.04"},
                                           {"linux", "Ubuntu", "18.04"},
                                           {"linux", "Ubuntu", "16.04"},
                                           {"linux", "CentOS Linux", "7"},
                                           {"linux", "Red Hat Enterprise Linux", "8"},
                                           {"linux", "Rocky Linux", "9"},
                                           {"windows", "Windows Server", "2012 R2"},
                                           {"windows", "Windows Server", "2016"},
                                           {"windows", "Windows Server", "2019"}}};

// A server role: what it runs, how big it tends to be, how sensitive and critical it is.
struct Role {
  const char* name;
  const char* application;  // "" = standalone
  const char* software;
  int port;
  const char* sensitivity;
  const char* criticality;
  int cores_min, cores_max;
  double disk_gib_min, disk_gib_max;
};
constexpr std::array<Role, 10> kRoles = {{
    {"etatcivil-app", "etat-civil", "tomcat", 8080, "sensitive", "high", 4, 8, 100, 300},
    {"etatcivil-db", "etat-civil", "postgresql", 5432, "sensitive-data", "high", 4, 16, 200, 2000},
    {"ged", "ged", "alfresco", 8080, "sensitive", "medium", 4, 8, 500, 4000},
    {"mail", "", "postfix", 25, "internal", "medium", 2, 8, 200, 1000},
    {"fichiers", "", "samba", 445, "internal", "low", 2, 4, 500, 4000},
    {"portail-web", "portail", "nginx", 443, "public", "medium", 2, 4, 50, 200},
    {"portail-db", "portail", "mysql", 3306, "internal", "medium", 2, 8, 100, 500},
    {"compta", "finances", "mssql", 1433, "sensitive", "high", 4, 8, 200, 1000},
    {"intranet", "", "apache2", 80, "internal", "low", 1, 2, 50, 200},
    {"impression", "", "cups", 631, "internal", "low", 1, 2, 50, 100},
}};

std::string slug(const std::string& name) {
  std::string out;
  for (unsigned char ch : name) {
    if (std::isalnum(ch)) {
      out += static_cast<char>(std::tolower(ch));
    } else if (ch < 0x80 && !out.empty() && out.back() != '-') {
      out += '-';
    } else if (ch >= 0xC0) {
      out += 'e';  // first byte of an accented letter (é, è, â, ï...): a readable ASCII stand-in
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Ratios as an agent reports them: four decimals.
double ratio(double v) { return std::round(std::min(1.0, v) * 1e4) / 1e4; }

Percentiles ratios(Random& r, double p50) {
  Percentiles p;
  const double p90 = p50 * r.between(1.2, 1.8), p95 = p90 * r.between(1.05, 1.3);
  const double p99 = p95 * r.between(1.05, 1.4), max = p99 * r.between(1.0, 1.6);
  p.p50 = ratio(p50);
  p.p90 = ratio(p90);
  p.p95 = ratio(p95);
  p.p99 = ratio(p99);
  p.max = ratio(max);
  return p;
}

Percentiles rate(double p95) {
  Percentiles p;
  p.p95 = p95;
  return p;
}

class Generator {
 public:
  explicit Generator(const GeneratorOptions& o)
      : o_(o), r_(o.seed), provenance_(o.seed ^ 0x50524F56454E414Eull) {}

  Fleet run() {
    fleet_.generated_at = o_.generated_at;
    fleet_.hosts.reserve(o_.hosts);
    make_shared_infrastructure();
    while (fleet_.hosts.size() < o_.hosts) make_site();
    make_connections();
    return std::move(fleet_);
  }

 private:
  Site site_at(std::size_t index) {
    // Cycle through the real communes, then number further sites within them (rural communes).
    std::size_t k = index;
    for (int round = 0;; ++round) {
      for (const auto& region : morocco()) {
        for (const auto& province : region.provinces) {
          for (const char* commune : province.communes) {
            if (k-- == 0) {
              Site s{region.name, province.name, commune, 20};
              if (round > 0) s.commune += " CR" + std::to_string(round);
              return s;
            }
          }
        }
      }
    }
  }

  double uplink() {
    static constexpr std::array<double, 10> kUplinks = {4, 8, 10, 10, 20, 20, 50, 100, 200, 1000};
    return r_.pick(kUplinks);
  }

  Host& add_host(const Site& site, const std::string& role, int number) {
    Host& h = fleet_.hosts.emplace_back();
    h.hostname = "srv-" + role + "-" + slug(site.commune) + "-" + std::to_string(number);
    h.id = "h" + std::to_string(fleet_.hosts.size()) + "-" + h.hostname;
    h.labels = {{"region", site.region}, {"province", site.province}, {"commune", site.commune}};
    h.uplink_mbps = site.uplink_mbps;
    const OsChoice& os = r_.chance(0.005) ? OsChoice{"aix", "AIX", "7.1"} : r_.pick(kOs);
    h.os_family = os.family;
    h.os_name = os.name;
    h.os_version = os.version;
    h.arch = h.os_family == "aix" ? "ppc64" : "x86_64";
    h.cpu_model = "Intel Xeon E5-2620 v4";
    h.cpu_mhz = 2100;
    return h;
  }

  void utilise(Host& h, double cpu_p50, double memory_p50) {
    Utilisation u;
    u.window_days = 30;
    u.coverage = ratio(r_.chance(0.1) ? r_.between(0.1, 0.8) : r_.between(0.85, 1.0));
    u.cpu_ratio = ratios(r_, cpu_p50);
    u.memory_ratio = ratios(r_, memory_p50);
    const double busy = cpu_p50 * 10;
    u.disk_read_iops = rate(std::round(r_.between(5, 400) * busy));
    u.disk_write_iops = rate(std::round(r_.between(5, 200) * busy));
    u.disk_read_bytes_per_second = rate(std::round(r_.between(1e5, 2e7) * busy));
    u.disk_write_bytes_per_second = rate(std::round(r_.between(1e5, 1e7) * busy));
    u.network_receive_bytes_per_second = rate(std::round(r_.between(1e3, 4e5) * busy));
    u.network_transmit_bytes_per_second = rate(std::round(r_.between(1e3, 2e5) * busy));
    // Where the numbers come from, drawn from a stream of its own so that every other value of
    // a seed's fleet stays what it was: most hosts run the agent for the whole window, some were
    // enrolled 10 days ago, some were only imported (e.g. an Azure Migrate or RVTools export).
    const double origin = provenance_.uniform();
    u.source = origin < 0.2 ? "import" : "agent";
    if (origin >= 0.2 && origin < 0.3) u.window_days = 10;
    h.utilisation = u;
  }

  void size(Host& h, int cores_min, int cores_max, double disk_min, double disk_max) {
    static constexpr std::array<int, 6> kCores = {1, 2, 4, 8, 16, 32};
    int cores = 0;
    do cores = r_.pick(kCores);
    while (cores < cores_min || cores > cores_max);
    h.cpu_cores = cores;
    h.memory_bytes = cores * (r_.chance(0.5) ? 2.0 : 4.0) * 1073741824.0;
    const double disk = std::round(r_.between(disk_min, disk_max)) * 1073741824.0;
    h.disks.push_back({"sda", disk, std::round(disk * r_.between(0.1, 0.9))});
    if (r_.chance(0.2))
      h.disks.push_back({"sdb", disk / 2, std::round(disk / 2 * r_.between(0.05, 0.95))});
  }

  // Regional DNS and directory servers: every host of the region uses them.
  void make_shared_infrastructure() {
    // Small fleets (tests, demos) get shared infrastructure only when it leaves room for sites.
    const std::size_t regions = std::min<std::size_t>(morocco().size(), o_.hosts / 60);
    for (std::size_t k = 0; k < regions; ++k) {
      const Region& region = morocco()[k];
      const auto& province = region.provinces.front();
      Site site{region.name, province.name, province.communes.front(), 1000};
      struct Shared {
        const char* name;
        const char* role;
        const char* software;
        int port;
        double disk_gib;
        std::map<std::string, std::uint32_t>* index;
      };
      const Shared kinds[] = {{"dns", "dns", "bind9", 53, 50, &dns_},
                              {"annuaire", "directory", "samba-ad-dc", 389, 100, &directory_},
                              {"sauvegarde", "backup", "bacula-sd", 9103, 4000, &backup_}};
      for (const Shared& kind : kinds) {
        Host& h = add_host(site, kind.name, 1);
        h.labels["environment"] = "prod";
        h.labels["criticality"] = "high";
        h.labels["sensitivity"] = "sensitive";
        h.labels["role"] = kind.role;
        h.labels["application"] = std::string("infra-") + kind.name;
        size(h, 2, 4, kind.disk_gib, kind.disk_gib * 2);
        utilise(h, r_.between(0.05, 0.2), r_.between(0.2, 0.5));
        h.software.push_back({kind.software, "1", ""});
        h.listening.push_back({kind.port, "tcp", kind.software});
        (*kind.index)[region.name] = static_cast<std::uint32_t>(fleet_.hosts.size() - 1);
      }
    }
  }

  void make_site() {
    Site site = site_at(sites_++);
    site.uplink_mbps = uplink();
    const std::size_t first = fleet_.hosts.size();
    const int servers = 2 + static_cast<int>(r_.below(14));
    for (int k = 0; k < servers && fleet_.hosts.size() < o_.hosts; ++k) {
      const Role& role = kRoles[k < 2 ? k : r_.below(kRoles.size())];
      Host& h = add_host(site, role.name, k + 1);
      const bool dev = r_.chance(0.12);
      h.labels["environment"] = dev ? (r_.chance(0.5) ? "dev" : "test") : "prod";
      h.labels["criticality"] = dev ? "low" : role.criticality;
      h.labels["sensitivity"] = role.sensitivity;
      if (*role.application)
        h.labels["application"] = std::string(role.application) + (dev ? "-dev" : "");
      size(h, role.cores_min, role.cores_max, role.disk_gib_min, role.disk_gib_max);
      const double kind = r_.uniform();
      quiet_.resize(fleet_.hosts.size(), 0);
      if (kind < 0.04) {
        utilise(h, 0.001, 0.02);  // zombie
        quiet_.back() = 1;
      } else if (kind < 0.12) {
        utilise(h, r_.between(0.005, 0.02), r_.between(0.01, 0.04));  // idle
        quiet_.back() = 1;
      } else if (kind < 0.17) {
        // never observed: the planner must assume
      } else {
        utilise(h, r_.between(0.03, 0.45), r_.between(0.2, 0.7));
      }
      h.software.push_back({role.software, "1", ""});
      h.listening.push_back({role.port, "tcp", role.software});
    }
    site_hosts_.push_back({first, fleet_.hosts.size()});
  }

  void connect(std::uint32_t s, std::uint32_t t, int port, double per_day, double bytes) {
    fleet_.connections.push_back(
        {fleet_.hosts[s].id, fleet_.hosts[t].id, port, std::round(per_day), std::round(bytes)});
  }

  void make_connections() {
    const std::size_t wanted =
        static_cast<std::size_t>(o_.edges_per_host * static_cast<double>(fleet_.hosts.size()));
    fleet_.connections.reserve(wanted);
    // Within each site: the application servers talk to their databases (strong), the rest
    // talk now and then; every host resolves names and authenticates regionally.
    for (const auto& [first, last] : site_hosts_) {
      for (std::size_t i = first; i < last && fleet_.connections.size() < wanted; ++i) {
        const Host& h = fleet_.hosts[i];
        const auto dns = dns_.find(h.label("region"));
        if (dns != dns_.end()) connect(static_cast<std::uint32_t>(i), dns->second, 53, 2000, 2e6);
        const auto dir = directory_.find(h.label("region"));
        if (dir != directory_.end() && r_.chance(0.8))
          connect(static_cast<std::uint32_t>(i), dir->second, 389, 300, 5e6);
        const auto backup = backup_.find(h.label("region"));  // nightly backups: few, large
        if (backup != backup_.end() && r_.chance(0.5)) {
          connect(static_cast<std::uint32_t>(i), backup->second, 9103, 1, r_.between(1e9, 2e10));
        }
        if (i + 1 < last && !quiet_[i + 1] && h.label("application") != "" &&
            h.label("application") == fleet_.hosts[i + 1].label("application")) {
          connect(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 1),
                  fleet_.hosts[i + 1].listening.front().port, r_.between(2000, 50000),
                  r_.between(1e8, 5e9));
        }
      }
    }
    // Then chatter between servers of a site and, rarely, across sites, until the target count.
    const std::size_t n = fleet_.hosts.size();
    while (fleet_.connections.size() < wanted && n > 1 && !site_hosts_.empty()) {
      const auto& [first, last] = site_hosts_[r_.below(site_hosts_.size())];
      const std::size_t span = last - first;
      const std::uint32_t s = static_cast<std::uint32_t>(first + r_.below(span));
      std::uint32_t t = r_.chance(0.9) && span > 1
                            ? static_cast<std::uint32_t>(first + r_.below(span))
                            : static_cast<std::uint32_t>(r_.below(n));
      if (s == t || (t < quiet_.size() && quiet_[t])) continue;  // nobody uses idle servers
      const bool chatty = r_.chance(0.3);
      connect(s, t,
              fleet_.hosts[t].listening.empty() ? 443 : fleet_.hosts[t].listening.front().port,
              chatty ? r_.between(200, 5000) : r_.between(1, 50),
              chatty ? r_.between(1e7, 1e9) : r_.between(1e3, 1e6));
    }
  }

  const GeneratorOptions& o_;
  Random r_;
  Random provenance_;  // utilisation source and window: a stream of its own
  Fleet fleet_;
  std::size_t sites_ = 0;
  std::vector<char> quiet_;  // idle or zombie hosts: no client talks to them
  std::vector<std::pair<std::size_t, std::size_t>> site_hosts_;
  std::map<std::string, std::uint32_t> dns_, directory_, backup_;
};

}  // namespace

Fleet generate_fleet(const GeneratorOptions& options) { return Generator(options).run(); }

}  // namespace sahab::planner
