#pragma once
// The planner's parameters (configs/planner.yaml). Every default the method relies on is a key,
// so an architect can change it in the file, on the command line (--sizing.comfort-factor 1.5) or
// through the collector's what-if API, and the plan records the values it used.
#include <filesystem>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "common/settings.h"
#include "planner/catalog.h"

namespace sahab::planner {

enum class SizingMode { kPerformance, kAsIs };
enum class Percentile { kP50, kP90, kP95, kP99, kMax };

const char* to_string(SizingMode mode);
const char* to_string(Percentile percentile);

struct PlannerConfig {
  std::string catalogs_dir;  // empty = search the usual places (see docs/planner.md)

  struct Sizing {
    SizingMode mode = SizingMode::kPerformance;
    Percentile percentile = Percentile::kP95;
    double comfort_factor = 1.3;
    double window_days = 30;       // history the coverage is measured against
    bool disks_from_used = false;  // size disks from used bytes × comfort instead of allocated
    double min_disk_gib = 32;
  } sizing;

  // Values assumed when the inventory lacks them; each use is written in the host's reasons.
  struct Assumptions {
    int cores = 2;
    double memory_gib = 4;
    double disk_gib = 100;
    double uplink_mbps = 20;
  } assume;

  struct Idle {
    double cpu_ratio = 0.05;  // active = CPU and memory above 5 % ...
    double memory_ratio = 0.05;
    double network_ratio = 0.02;  // ... and network above 2 % of the NIC
    double nic_bytes_per_second = 125e6;
    double zombie_cpu_max_ratio = 0.01;  // AWS: idle when max CPU <= 1 %
    double min_coverage = 0.8;           // retire only on well-observed servers
    bool retire_idle = true;
    // A production (environment not in waves.nonprod_environments, or none) or high-criticality
    // server is retired only on evidence: utilisation measured by one of `evidence_sources` over
    // at least `evidence_min_days`, with min_coverage. Otherwise it is retained with
    // to_confirm = "retire": the owner must confirm.
    double evidence_min_days = 30;
    std::vector<std::string> evidence_sources{"agent", "vcenter"};
    std::vector<std::string> evidence_criticalities{"high", "critical"};
  } idle;

  struct Strategy {
    std::vector<std::string> retain_os_families{"aix", "solaris", "hp-ux"};
    std::vector<std::string> retain_architectures{"sparc64", "ppc64", "s390x", "ia64"};
    std::string label = "strategy";  // a host labelled strategy: retain|retire|... is obeyed
    bool replatform = true;
    // A managed service needs evidence that the software runs (a running service, a listening
    // socket of its process or port) and serves clients (inbound connections on its ports);
    // an installed package alone gives rehost.
    bool replatform_needs_clients = true;
  } strategy;

  struct Compliance {
    std::string label = "sensitivity";
    std::string country = "MA";
    // sensitivity value -> minimum qualification level (Decree 2-24-921)
    std::map<std::string, int> levels{{"sensitive", 1}, {"sensitive-data", 2}};
  } compliance;

  struct Providers {
    std::vector<std::string> allowed;  // empty = all catalogued providers
    std::vector<std::string> series;   // empty = all instance series
  } providers;

  struct Grouping {
    int shared_min_clients = 20;  // fan-in that marks shared infrastructure
    std::vector<std::string> shared_roles{"dns", "directory", "ntp", "backup", "monitoring"};
    double strong_connections_per_day = 100;
    double strong_bytes_per_day = 1e8;
    int max_group_size = 25;
    bool application_per_commune = true;  // "etat-civil" in two communes = two applications
  } grouping;

  struct Waves {
    int pilot_waves = 2;
    int pilot_max_hosts = 5;
    std::vector<int> ramp{5, 5, 10, 25, 50, 100, 200};  // host cap per wave; the last repeats
    int teams = 4;
    int hosts_per_team = 60;
    int high_criticality_min_wave = 4;
    int high_complexity_hosts = 10;
    std::vector<std::string> nonprod_environments{"dev",     "test",    "staging",     "qa",
                                                  "recette", "preprod", "development", "testing"};
    std::string start_date = "2027-01-04";
    int length_days = 14;
    double transfer_hours_per_day = 24;
    double link_efficiency = 1.0;  // share of the uplink the copy gets
    // Periods no wave may overlap ("2027-07-15..2027-08-31": summer, year-end closing, elections):
    // a wave that would is moved to the day after.
    std::vector<std::string> blackouts;
  } waves;

  struct Costs {
    std::string currency = "MAD";
    std::map<std::string, double> exchange_rates{{"MAD", 1.0}, {"USD", 10.0}, {"EUR", 10.8}};
    std::string commitment = "on-demand";  // on-demand | 1y | 3y
    // Cloud licences of Windows Server and SQL Server: "included" in the provider's price (the
    // catalogue's licences per vCPU-hour), or "byol": the administration brings the licences it
    // owns (Azure Hybrid Benefit, AWS BYOL), paid on premises as today and not again in the cloud.
    std::string windows_licence = "included";
    std::string sql_server_licence = "included";
    double hours_per_month = 730;
    double hours_per_month_committed = 744;
    double egress_share_of_p95 = 0.3;  // average transmit rate as a share of its p95
    double migration_per_host = 4000;  // in `currency`
    double migration_per_tb = 500;
    double replatform_per_host = 15000;
  } costs;

  // Bands outside which a plan's cost figures are reported as warnings (in the plan currency).
  struct Plausibility {
    double min_server_month = 300;        // per host, on premises
    double max_server_month = 60000;      // per host, on premises
    double min_fleet_server_month = 800;  // fleet average per server, on premises
    double max_fleet_server_month = 15000;
    double min_payback_months = 3;  // a migration paid back faster is suspicious
    double min_cloud_ratio = 0.2;   // cloud + retained / on premises today
    double max_cloud_ratio = 3;
    int max_host_warnings = 10;  // hosts listed by name; the rest are counted
  } plausibility;

  // The business case over time: months from the first wave's start.
  struct BusinessCase {
    int horizon_months = 60;     // at least the programme plus 12 months
    int retire_after_days = 30;  // retired servers are switched off this long after the start
  } business_case;

  // Today's cost of a server, per category (docs/costs.md gives the source and date of every
  // default). Amounts are in `currency` (MAD by default; converted with costs.exchange_rates).
  struct OnPremises {
    std::string currency = "MAD";
    // Hardware: purchase price per allocated core and per GiB of memory (a VM's share of its
    // hypervisor), depreciated over `depreciation_years`.
    double hardware_per_core = 2500;
    double hardware_per_gib_memory = 45;
    double depreciation_years = 5;
    // Support/maintenance contract per year, as a share of the hardware purchase price.
    double support_share_per_year = 0.12;
    // Storage per GB-month by tier (purchase amortised + maintenance); a host's tier is its
    // `storage_tier_label` label, else `storage_tier` (prod) or `nonprod_storage_tier`.
    std::map<std::string, double> storage_tiers{{"san", 0.45}, {"nas", 0.22}, {"local", 0.10}};
    std::string storage_tier = "san";
    std::string nonprod_storage_tier = "nas";
    std::string storage_tier_label = "storage_tier";
    // A flat price per GB-month for every tier; 0 = use storage_tiers. (The Azure business case
    // uses 2 USD, which makes a 1 TB server cost 20,000 MAD a month: the plausibility check warns.)
    double storage_per_gb_month = 0;
    // Power and cooling: cores x kWh per core-hour x load factor x PUE x 730 h x price per kWh.
    double kwh_per_core_hour = 0.009;
    double load_factor = 2;
    double pue = 1.8;
    double price_per_kwh = 1.45;
    // Licences by what the inventory shows (per core with a per-server minimum, or per server).
    double windows_server_per_core_month = 25;
    int windows_min_cores = 8;
    double sql_server_per_core_month = 700;
    int sql_server_min_cores = 4;
    double rhel_per_server_month = 330;
    // Hypervisor subscription per allocated core-month (0 for physical servers or free ones).
    double hypervisor_per_core_month = 55;
    // Backup: software per server-year plus backup storage per used GB-month.
    double backup_per_server_year = 1500;
    double backup_per_gb_month = 0.10;
    // Operations tools per server-year (antivirus/EDR, monitoring, patching).
    double security_per_server_year = 500;
    double monitoring_per_server_year = 200;
    double patching_per_server_year = 200;
    // Facility: room, UPS, fire protection, racks, per allocated core and month.
    double facility_per_core_month = 15;
    // Staff: loaded cost of one system administrator a year, and servers one administrator runs.
    double staff_cost_per_fte_year = 240000;
    double servers_per_fte = 60;
  } on_premises;
};

// The settings table (YAML keys and --flags) writing into `config`.
settings::Schema planner_schema(PlannerConfig& config, const std::string& program,
                                const std::string& summary);
// Checks relations between keys (currencies known, ramp not empty); throws settings::ConfigError.
void validate(const PlannerConfig& config);
// Applies what-if overrides given as {"sizing.comfort_factor": 1.5, ...} (dotted keys are
// planner.yaml keys too): apply_parameters with origin "overrides". Throws ConfigError.
void apply_overrides(PlannerConfig& config, const nlohmann::json& overrides);
// Applies a partial planner.yaml given as JSON ({"sizing": {"percentile": "p99"}}) with the same
// parser as the file, then validates. Errors name `origin` and the key
// ("parameters.sizing.percentile: expected one of p50, ..."). Keys naming files (catalogs.*) are
// refused: a what-if must not make the planner read files. Throws settings::ConfigError.
void apply_parameters(PlannerConfig& config, const nlohmann::json& parameters,
                      const std::string& origin = "parameters");
// Every parameter and its value, for the plan's "parameters".
nlohmann::json parameters_json(const PlannerConfig& config);
// Converts an amount in `currency` into the plan currency; throws ConfigError if unknown.
double to_plan_currency(const PlannerConfig& config, double amount, const std::string& currency);

// The catalogue directory: `configured` (a relative one is tried from the working directory, then
// from `config_file`'s directory), else configs/catalogs, /etc/sahab/catalogs,
// /usr/share/sahab/catalogs, configs/catalogs of the source tree the binary was built in.
// Throws settings::ConfigError when none exists.
std::filesystem::path find_catalog_dir(const std::string& configured,
                                       const std::filesystem::path& config_file);

// Where a program looks for planner.yaml when none is given: /etc/sahab/planner.yaml,
// /usr/share/sahab/planner.yaml, configs/planner.yaml of the source tree it was built in.
std::vector<std::filesystem::path> default_planner_config_files();

// A planner configuration file with its catalogues, loaded and checked once (the collector).
struct PlannerSetup {
  PlannerConfig config;
  std::filesystem::path config_file;  // empty: built-in defaults
  std::filesystem::path catalogs_dir;
  Catalogs catalogs;
};
// Reads `config_file` (empty: built-in defaults) and finds its catalogue directory, relative to
// the file, and loads the catalogues. Throws settings::ConfigError naming the file, line and key
// (a catalogue's CatalogError included).
PlannerSetup load_planner_setup(const std::filesystem::path& config_file);

}  // namespace sahab::planner
