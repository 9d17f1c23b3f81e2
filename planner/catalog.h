#pragma once
// Cloud catalogues (configs/catalogs/*.yaml): providers, where they are, how they are qualified
// under Decree 2-24-921, and what they sell at which price.
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sahab::planner {

// A catalogue that cannot be used; the message names the file, the line and the key.
class CatalogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct InstanceType {
  std::string name;
  std::string series;
  double vcpu = 0;
  double memory_gib = 0;
  double hourly_price = 0;  // in the provider's currency
};

// One purchasable disk size with its performance (tiers priced per step, as managed disks are).
struct DiskStep {
  double size_gib = 0;
  double iops = 0;
  double mbps = 0;
  double monthly_price = 0;
};

// A disk tier is priced either per GB-month (size up to max_size_gib, flat iops/mbps) or by
// fixed steps (the smallest step meeting size, IOPS and throughput is bought).
struct DiskTier {
  std::string name;
  double price_per_gib_month = 0;
  double max_size_gib = 0;
  double iops = 0;
  double mbps = 0;
  std::vector<DiskStep> steps;
};

// A managed service that can replace self-run software (replatform), priced as the matching
// instance's price times `price_factor`.
struct ManagedService {
  std::string name;
  std::vector<std::string> software;  // lower-case software names it replaces
  double price_factor = 1;
};

struct Provider {
  std::string name;
  std::string country;    // ISO 3166-1 alpha-2 of where data is processed and stored
  int qualification = 0;  // 0 = none, 1 or 2 = Decree 2-24-921 level
  std::string currency;
  std::string source;                   // where the prices come from, and when
  std::vector<InstanceType> instances;  // sorted by hourly price, then vCPU, then name
  std::vector<DiskTier> disk_tiers;
  std::vector<ManagedService> managed_services;
  double egress_per_gib = 0;
  std::map<std::string, double> commitment_discounts;  // "1y" / "3y" -> share off, 0..1
  double windows_per_vcpu_hour = 0;
  double sql_server_per_vcpu_hour = 0;
};

struct Catalogs {
  std::vector<Provider> providers;  // sorted by name for deterministic plans
};

// Loads one catalogue file (one provider). Throws CatalogError naming file, line and key.
Provider load_catalog_file(const std::filesystem::path& file);
Provider parse_catalog(const std::string& yaml_text, const std::string& file_name);
// Loads every *.yaml in a directory.
Catalogs load_catalog_dir(const std::filesystem::path& dir);

}  // namespace sahab::planner
