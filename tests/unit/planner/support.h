#pragma once
// Small hand-made fleets and catalogues for planner tests.
#include <string>

#include "planner/catalog.h"
#include "planner/config.h"
#include "planner/fleet.h"
#include "planner/plan.h"

namespace sahab::planner::test {

inline constexpr double kGiB = 1024.0 * 1024 * 1024;

// A public cloud (unqualified, USD) and a sovereign one (level 2 in MA, MAD) with power-of-two
// sizes, so sizing answers can be worked out by hand.
inline const char* kPublicCatalog = R"(
provider: public
country: FR
qualification: none
currency: USD
source: test
egress_per_gib: 0.1
commitment_discounts: {1y: 0.2, 3y: 0.4}
licences: {windows_per_vcpu_hour: 0.05}
instances:
  - {name: p.1, series: gp, vcpu: 1, memory_gib: 4, hourly_price: 0.05}
  - {name: p.2, series: gp, vcpu: 2, memory_gib: 8, hourly_price: 0.10}
  - {name: p.4, series: gp, vcpu: 4, memory_gib: 16, hourly_price: 0.20}
  - {name: p.8, series: gp, vcpu: 8, memory_gib: 32, hourly_price: 0.40}
  - {name: p.16, series: gp, vcpu: 16, memory_gib: 64, hourly_price: 0.80}
disk_tiers:
  - {name: hdd, price_per_gib_month: 0.02, max_size_gib: 16384, iops: 500, mbps: 60}
  - {name: ssd, price_per_gib_month: 0.10, max_size_gib: 16384, iops: 5000, mbps: 250}
managed_services:
  - {name: Managed PostgreSQL, software: [postgresql], price_factor: 1.5}
)";

inline const char* kSovereignCatalog = R"(
provider: sovereign
country: MA
qualification: level2
currency: MAD
source: test
instances:
  - {name: s.2, series: gp, vcpu: 2, memory_gib: 8, hourly_price: 2.0}
  - {name: s.4, series: gp, vcpu: 4, memory_gib: 16, hourly_price: 4.0}
  - {name: s.8, series: gp, vcpu: 8, memory_gib: 32, hourly_price: 8.0}
disk_tiers:
  - {name: ssd, price_per_gib_month: 1.0, max_size_gib: 4096, iops: 5000, mbps: 200}
)";

inline Catalogs test_catalogs(bool with_sovereign = true) {
  Catalogs c;
  if (with_sovereign) c.providers.push_back(parse_catalog(kSovereignCatalog, "sovereign.yaml"));
  c.providers.push_back(parse_catalog(kPublicCatalog, "public.yaml"));
  return c;
}

inline Percentiles flat(double value) { return {value, value, value, value, value}; }

// A well-observed (30 days of agent data), moderately busy prod Linux server.
inline Host server(const std::string& id, int cores = 4, double memory_gib = 16, double cpu = 0.3,
                   double memory = 0.5) {
  Host h;
  h.id = id;
  h.hostname = id;
  h.labels = {{"region", "Casablanca-Settat"},
              {"province", "Settat"},
              {"commune", "Berrechid"},
              {"environment", "prod"},
              {"criticality", "medium"}};
  h.os_family = "linux";
  h.arch = "x86_64";
  h.cpu_cores = cores;
  h.memory_bytes = memory_gib * kGiB;
  h.disks.push_back({"sda", 100 * kGiB, 50 * kGiB});
  h.uplink_mbps = 100;
  Utilisation u;
  u.window_days = 30;
  u.coverage = 1.0;
  u.source = "agent";
  u.cpu_ratio = flat(cpu);
  u.memory_ratio = flat(memory);
  u.network_receive_bytes_per_second = flat(1e6);
  u.network_transmit_bytes_per_second = flat(1e6);
  h.utilisation = u;
  return h;
}

inline const HostPlan& find_host(const Plan& plan, const std::string& id) {
  for (const auto& h : plan.hosts) {
    if (h.id == id) return h;
  }
  throw std::runtime_error("no host " + id);
}

inline bool has_text(const std::vector<std::string>& list, const std::string& needle) {
  for (const auto& s : list) {
    if (s.find(needle) != std::string::npos) return true;
  }
  return false;
}

// The same over messages (the plan's rules), by their English wording.
inline bool has_text(const std::vector<Message>& list, const std::string& needle) {
  for (const auto& m : list) {
    if (m.english.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace sahab::planner::test
