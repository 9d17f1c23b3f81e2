#include "planner/config.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

#include "common/text.h"

namespace sahab::planner {
namespace {
using nlohmann::json;
using settings::BadValue;
using settings::Kind;

// A setting plus how to show its current value, so the plan lists exactly what it used.
struct Entry {
  settings::Setting setting;
  std::function<json()> value;
};

std::string flag_of(const std::string& key) {
  std::string flag = key;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

double parse_number(const std::string& v, double min, double max) {
  const auto n = text::to_double(text::trim(v));
  if (!n) throw BadValue("expected a number, got '" + v + "'");
  if (*n < min || *n > max) {
    char range[96];
    std::snprintf(range, sizeof range, "expected a number between %g and %g, got ", min, max);
    throw BadValue(range + v, {settings::Refusal::Kind::kRange, "", min, max, ""});
  }
  return *n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

class Table {
 public:
  explicit Table(std::vector<Entry>& entries) : entries_(entries) {}

  void number(const std::string& key, const std::string& help, double& target, double min,
              double max) {
    add(
        key, help, json(target).dump(), Kind::kValue,
        [&target, min, max](const std::string& v, const std::string&) {
          target = parse_number(v, min, max);
        },
        [&target] { return json(target); });
  }
  void integer(const std::string& key, const std::string& help, int& target, int min, int max) {
    add(
        key, help, std::to_string(target), Kind::kValue,
        [&target, min, max](const std::string& v, const std::string&) {
          target = static_cast<int>(settings::parse_integer(v, min, max));
        },
        [&target] { return json(target); });
  }
  void boolean(const std::string& key, const std::string& help, bool& target) {
    add(
        key, help, target ? "true" : "false", Kind::kValue,
        [&target](const std::string& v, const std::string&) { target = settings::parse_bool(v); },
        [&target] { return json(target); });
  }
  void word(const std::string& key, const std::string& help, std::string& target,
            std::vector<std::string> choices = {}) {
    add(
        key, help, target.empty() ? "none" : target, Kind::kValue,
        [&target, choices](const std::string& v, const std::string&) {
          if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end()) {
            std::string all;
            for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
            throw BadValue("expected one of " + all + ", got '" + v + "'",
                           {settings::Refusal::Kind::kChoice, "", 0, 0, all});
          }
          target = v;
        },
        [&target] { return json(target); });
  }
  // A list given in full replaces the default (the first value given clears it).
  void words(const std::string& key, const std::string& help, std::vector<std::string>& target) {
    auto fresh = std::make_shared<bool>(true);
    add(
        key, help, join(target), Kind::kList,
        [&target, fresh](const std::string& v, const std::string&) {
          if (*fresh) target.clear();
          *fresh = false;
          if (!v.empty()) target.push_back(lower(v));
        },
        [&target] { return json(target); });
  }
  void integers(const std::string& key, const std::string& help, std::vector<int>& target) {
    auto fresh = std::make_shared<bool>(true);
    const std::string def = text::join_integers(target);
    add(
        key, help, def, Kind::kList,
        [&target, fresh](const std::string& v, const std::string&) {
          if (*fresh) target.clear();
          *fresh = false;
          target.push_back(static_cast<int>(settings::parse_integer(v, 1, 1000000)));
        },
        [&target] { return json(target); });
  }
  template <typename V, typename Parse>
  void map(const std::string& key, const std::string& help, std::map<std::string, V>& target,
           Parse parse) {
    add(
        key, help, "", Kind::kKeyValue,
        [&target, parse](const std::string& k, const std::string& v) { target[k] = parse(v); },
        [&target] { return json(target); });
  }
  template <typename E>
  void choice(const std::string& key, const std::string& help, E& target,
              std::vector<std::pair<std::string, E>> choices) {
    std::string def, all;
    for (const auto& [name, value] : choices) {
      if (value == target) def = name;
      all += (all.empty() ? "" : ", ") + name;
    }
    add(
        key, help, def, Kind::kValue,
        [&target, choices, all](const std::string& v, const std::string&) {
          for (const auto& [name, value] : choices) {
            if (name == v) {
              target = value;
              return;
            }
          }
          throw BadValue("expected one of " + all + ", got '" + v + "'",
                         {settings::Refusal::Kind::kChoice, "", 0, 0, all});
        },
        [&target, choices] {
          for (const auto& [name, value] : choices) {
            if (value == target) return json(name);
          }
          return json(nullptr);
        });
  }

 private:
  static std::string join(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& s : list) out += (out.empty() ? "" : ",") + s;
    return out;
  }
  void add(const std::string& key, const std::string& help, std::string def, Kind kind,
           std::function<void(const std::string&, const std::string&)> apply,
           std::function<json()> value) {
    entries_.push_back(
        {{flag_of(key), key, help, std::move(def), kind, std::move(apply)}, std::move(value)});
  }
  std::vector<Entry>& entries_;
};

std::vector<Entry> entries(PlannerConfig& c) {
  std::vector<Entry> list;
  Table t(list);
  constexpr double kBig = 1e12;
  t.word("catalogs.dir", "directory of cloud catalogues (*.yaml)", c.catalogs_dir);

  t.choice("sizing.mode", "performance (utilisation-based) or as-is (allocated resources)",
           c.sizing.mode,
           {{"performance", SizingMode::kPerformance}, {"as-is", SizingMode::kAsIs}});
  t.choice("sizing.percentile", "utilisation percentile sized for", c.sizing.percentile,
           {{"p50", Percentile::kP50},
            {"p90", Percentile::kP90},
            {"p95", Percentile::kP95},
            {"p99", Percentile::kP99},
            {"max", Percentile::kMax}});
  t.number("sizing.comfort_factor", "headroom multiplier on the percentile",
           c.sizing.comfort_factor, 1, 10);
  t.number("sizing.window_days", "history window the coverage is measured against",
           c.sizing.window_days, 1, 3660);
  t.boolean("sizing.disks_from_used", "size disks from used space x comfort instead of allocated",
            c.sizing.disks_from_used);
  t.number("sizing.min_disk_gib", "smallest disk bought", c.sizing.min_disk_gib, 1, kBig);

  t.integer("assume.cores", "cores assumed when the inventory has none", c.assume.cores, 1, 4096);
  t.number("assume.memory_gib", "memory assumed when the inventory has none", c.assume.memory_gib,
           0.1, kBig);
  t.number("assume.disk_gib", "disk assumed when the inventory has none", c.assume.disk_gib, 1,
           kBig);
  t.number("assume.uplink_mbps", "site uplink assumed when unknown", c.assume.uplink_mbps, 0.01,
           1e6);

  t.number("idle.cpu_ratio", "below this CPU (at the percentile) a server may be idle",
           c.idle.cpu_ratio, 0, 1);
  t.number("idle.memory_ratio", "below this memory a server may be idle", c.idle.memory_ratio, 0,
           1);
  t.number("idle.network_ratio", "below this share of the NIC a server may be idle",
           c.idle.network_ratio, 0, 1);
  t.number("idle.nic_bytes_per_second", "NIC speed the network ratio is taken against",
           c.idle.nic_bytes_per_second, 1, kBig);
  t.number("idle.zombie_cpu_max_ratio", "max CPU at or below which a server is a zombie",
           c.idle.zombie_cpu_max_ratio, 0, 1);
  t.number("idle.min_coverage", "data coverage needed before retiring", c.idle.min_coverage, 0, 1);
  t.boolean("idle.retire_idle", "retire idle servers (zombies are always retired)",
            c.idle.retire_idle);
  t.number("idle.evidence_min_days",
           "days of measured utilisation needed to retire a prod or high-criticality server",
           c.idle.evidence_min_days, 0, 3660);
  t.words("idle.evidence_sources",
          "utilisation sources that count as retirement evidence for prod or high criticality",
          c.idle.evidence_sources);
  t.words("idle.evidence_criticalities",
          "criticality values that need retirement evidence (prod always does)",
          c.idle.evidence_criticalities);

  t.words("strategy.retain_os_families", "OS families with no cloud target (retain)",
          c.strategy.retain_os_families);
  t.words("strategy.retain_architectures", "CPU architectures with no cloud target (retain)",
          c.strategy.retain_architectures);
  t.word("strategy.label", "label whose value forces a strategy", c.strategy.label);
  t.boolean("strategy.replatform", "move recognised software to managed services",
            c.strategy.replatform);
  t.boolean("strategy.replatform_needs_clients",
            "replatform only software that runs and serves clients (else rehost)",
            c.strategy.replatform_needs_clients);

  t.word("compliance.label", "label holding the data classification", c.compliance.label);
  t.word("compliance.country", "country where qualified providers must operate",
         c.compliance.country);
  t.map("compliance.levels", "classification -> minimum qualification level (1 or 2)",
        c.compliance.levels,
        [](const std::string& v) { return static_cast<int>(settings::parse_integer(v, 0, 2)); });

  t.words("providers.allowed", "providers that may be used (empty = all)", c.providers.allowed);
  t.words("providers.series", "instance series that may be used (empty = all)", c.providers.series);

  t.integer("grouping.shared_min_clients",
            "distinct clients that make a server shared infrastructure",
            c.grouping.shared_min_clients, 2, 1000000);
  t.words("grouping.shared_roles", "values of the role label that mark shared infrastructure",
          c.grouping.shared_roles);
  t.number("grouping.strong_connections_per_day",
           "connections per day that make a dependency strong",
           c.grouping.strong_connections_per_day, 0, kBig);
  t.number("grouping.strong_bytes_per_day", "bytes per day that make a dependency strong",
           c.grouping.strong_bytes_per_day, 0, 1e18);
  t.integer("grouping.max_group_size", "largest move group before splitting",
            c.grouping.max_group_size, 1, 1000000);
  t.boolean("grouping.application_per_commune", "an application label is scoped to its commune",
            c.grouping.application_per_commune);

  t.integer("waves.pilot_waves", "number of pilot waves", c.waves.pilot_waves, 0, 100);
  t.integer("waves.pilot_max_hosts", "host cap of a pilot wave", c.waves.pilot_max_hosts, 1,
            1000000);
  t.integers("waves.ramp", "host cap of each wave after the pilots; the last value repeats",
             c.waves.ramp);
  t.integer("waves.teams", "migration teams working in parallel", c.waves.teams, 1, 10000);
  t.integer("waves.hosts_per_team", "hosts one team moves per wave", c.waves.hosts_per_team, 1,
            1000000);
  t.integer("waves.high_criticality_min_wave", "first wave that may hold high-criticality servers",
            c.waves.high_criticality_min_wave, 1, 100000);
  t.integer("waves.high_complexity_hosts", "a group this large is complex (kept out of pilots)",
            c.waves.high_complexity_hosts, 1, 1000000);
  t.words("waves.nonprod_environments", "environment label values that are dev/test",
          c.waves.nonprod_environments);
  t.word("waves.start_date", "first day of wave 1 (YYYY-MM-DD)", c.waves.start_date);
  t.integer("waves.length_days", "calendar days per wave", c.waves.length_days, 1, 3650);
  t.words("waves.blackouts",
          "periods no wave may overlap, as FIRST..LAST days (YYYY-MM-DD..YYYY-MM-DD)",
          c.waves.blackouts);
  t.number("waves.transfer_hours_per_day", "hours per day a site may spend copying data",
           c.waves.transfer_hours_per_day, 0.1, 24);
  t.number("waves.link_efficiency", "share of the uplink a copy achieves", c.waves.link_efficiency,
           0.01, 1);

  t.word("costs.currency", "currency of the plan", c.costs.currency);
  t.map("costs.exchange_rates", "value of one unit of a currency in the plan currency",
        c.costs.exchange_rates, [](const std::string& v) { return parse_number(v, 1e-9, 1e9); });
  t.word("costs.commitment", "pricing option", c.costs.commitment, {"on-demand", "1y", "3y"});
  t.word("costs.windows_licence",
         "Windows Server in the cloud: licence included in the price, or bring your own",
         c.costs.windows_licence, {"included", "byol"});
  t.word("costs.sql_server_licence",
         "SQL Server in the cloud: licence included in the price, or bring your own",
         c.costs.sql_server_licence, {"included", "byol"});
  t.number("costs.hours_per_month", "billed hours per month on demand", c.costs.hours_per_month, 1,
           744);
  t.number("costs.hours_per_month_committed", "billed hours per month with a commitment",
           c.costs.hours_per_month_committed, 1, 744);
  t.number("costs.egress_share_of_p95", "average transmit rate as a share of its p95",
           c.costs.egress_share_of_p95, 0, 1);
  t.number("costs.migration_per_host", "one-time migration cost per server",
           c.costs.migration_per_host, 0, kBig);
  t.number("costs.migration_per_tb", "one-time cost per TB transferred", c.costs.migration_per_tb,
           0, kBig);
  t.number("costs.replatform_per_host", "extra one-time cost of a replatformed server",
           c.costs.replatform_per_host, 0, kBig);

  auto& o = c.on_premises;
  t.word("on_premises.currency", "currency of the on-premises amounts", o.currency);
  t.number("on_premises.hardware_per_core", "server purchase price per allocated core",
           o.hardware_per_core, 0, kBig);
  t.number("on_premises.hardware_per_gib_memory", "server purchase price per GiB of memory",
           o.hardware_per_gib_memory, 0, kBig);
  t.number("on_premises.depreciation_years", "years servers are depreciated over",
           o.depreciation_years, 0.1, 100);
  t.number("on_premises.support_share_per_year",
           "hardware support contract per year, share of the purchase price",
           o.support_share_per_year, 0, 10);
  t.map("on_premises.storage_tiers", "storage tier -> price per GB-month", o.storage_tiers,
        [](const std::string& v) { return parse_number(v, 0, 1e12); });
  t.word("on_premises.storage_tier", "storage tier of production hosts", o.storage_tier);
  t.word("on_premises.nonprod_storage_tier", "storage tier of dev/test hosts",
         o.nonprod_storage_tier);
  t.word("on_premises.storage_tier_label", "label naming a host's storage tier",
         o.storage_tier_label);
  t.number("on_premises.storage_per_gb_month",
           "flat storage price per GB-month for every tier (0 = use storage_tiers)",
           o.storage_per_gb_month, 0, kBig);
  t.number("on_premises.kwh_per_core_hour", "power per core-hour", o.kwh_per_core_hour, 0, kBig);
  t.number("on_premises.load_factor", "power load factor", o.load_factor, 0, kBig);
  t.number("on_premises.pue", "power usage effectiveness of the server room", o.pue, 1, 10);
  t.number("on_premises.price_per_kwh", "electricity price per kWh", o.price_per_kwh, 0, kBig);
  t.number("on_premises.windows_server_per_core_month", "Windows Server licence per core-month",
           o.windows_server_per_core_month, 0, kBig);
  t.integer("on_premises.windows_min_cores", "cores licensed at least per Windows server",
            o.windows_min_cores, 0, 4096);
  t.number("on_premises.sql_server_per_core_month", "SQL Server licence per core-month",
           o.sql_server_per_core_month, 0, kBig);
  t.integer("on_premises.sql_server_min_cores", "cores licensed at least per SQL Server",
            o.sql_server_min_cores, 0, 4096);
  t.number("on_premises.rhel_per_server_month", "Red Hat Enterprise Linux subscription per server",
           o.rhel_per_server_month, 0, kBig);
  t.number("on_premises.hypervisor_per_core_month",
           "hypervisor subscription per allocated core-month (0 = physical or free)",
           o.hypervisor_per_core_month, 0, kBig);
  t.number("on_premises.backup_per_server_year", "backup software per server-year",
           o.backup_per_server_year, 0, kBig);
  t.number("on_premises.backup_per_gb_month", "backup storage per used GB-month",
           o.backup_per_gb_month, 0, kBig);
  t.number("on_premises.security_per_server_year", "security tools per server-year",
           o.security_per_server_year, 0, kBig);
  t.number("on_premises.monitoring_per_server_year", "monitoring tools per server-year",
           o.monitoring_per_server_year, 0, kBig);
  t.number("on_premises.patching_per_server_year", "patching tools per server-year",
           o.patching_per_server_year, 0, kBig);
  t.number("on_premises.facility_per_core_month", "room, UPS, racks per allocated core-month",
           o.facility_per_core_month, 0, kBig);
  t.number("on_premises.staff_cost_per_fte_year", "loaded cost of one administrator a year",
           o.staff_cost_per_fte_year, 0, kBig);
  t.number("on_premises.servers_per_fte", "servers one administrator runs", o.servers_per_fte, 0.01,
           1e9);

  auto& p = c.plausibility;
  t.number("plausibility.min_server_month", "lowest believable on-premises cost of a server-month",
           p.min_server_month, 0, kBig);
  t.number("plausibility.max_server_month", "highest believable on-premises cost of a server-month",
           p.max_server_month, 0, kBig);
  t.number("plausibility.min_fleet_server_month",
           "lowest believable fleet average on-premises cost per server-month",
           p.min_fleet_server_month, 0, kBig);
  t.number("plausibility.max_fleet_server_month",
           "highest believable fleet average on-premises cost per server-month",
           p.max_fleet_server_month, 0, kBig);
  t.number("plausibility.min_payback_months", "a shorter payback is reported as implausible",
           p.min_payback_months, 0, 1200);
  t.number("plausibility.min_cloud_ratio", "lowest believable (cloud + retained) / today ratio",
           p.min_cloud_ratio, 0, kBig);
  t.number("plausibility.max_cloud_ratio", "highest believable (cloud + retained) / today ratio",
           p.max_cloud_ratio, 0, kBig);
  t.integer("plausibility.max_host_warnings", "hosts named in warnings; the rest are counted",
            p.max_host_warnings, 0, 100000);

  t.integer("business_case.horizon_months",
            "months the business case covers (at least the "
            "programme plus 12)",
            c.business_case.horizon_months, 1, 600);
  t.integer("business_case.retire_after_days",
            "days after the start at which retired servers are switched off",
            c.business_case.retire_after_days, 0, 36500);
  return list;
}

bool valid_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  const auto y = text::to_u64(d.substr(0, 4)), m = text::to_u64(d.substr(5, 2)),
             day = text::to_u64(d.substr(8, 2));
  return y && m && day && *m >= 1 && *m <= 12 && *day >= 1 && *day <= 31;
}

}  // namespace

const char* to_string(SizingMode mode) {
  return mode == SizingMode::kAsIs ? "as-is" : "performance";
}

const char* to_string(Percentile p) {
  switch (p) {
    case Percentile::kP50:
      return "p50";
    case Percentile::kP90:
      return "p90";
    case Percentile::kP95:
      return "p95";
    case Percentile::kP99:
      return "p99";
    case Percentile::kMax:
      return "max";
  }
  return "p95";
}

settings::Schema planner_schema(PlannerConfig& config, const std::string& program,
                                const std::string& summary) {
  settings::Schema schema(program, summary, "");
  for (auto& entry : entries(config)) schema.add(std::move(entry.setting));
  return schema;
}

void validate(const PlannerConfig& c) {
  auto fail = [](const std::string& key, const std::string& why) {
    throw settings::ConfigError("key '" + key + "': " + why,
                                {settings::Refusal::Kind::kInvalid, key, 0, 0, ""});
  };
  if (!c.costs.exchange_rates.count(c.costs.currency)) {
    fail("costs.exchange_rates", "no rate for the plan currency " + c.costs.currency);
  }
  if (!c.costs.exchange_rates.count(c.on_premises.currency)) {
    fail("on_premises.currency", "no exchange rate for " + c.on_premises.currency);
  }
  const auto& tiers = c.on_premises.storage_tiers;
  for (const auto* key : {"storage_tier", "nonprod_storage_tier"}) {
    const auto& tier = std::string(key) == "storage_tier" ? c.on_premises.storage_tier
                                                          : c.on_premises.nonprod_storage_tier;
    if (!tiers.count(tier)) fail(std::string("on_premises.") + key, "no storage tier " + tier);
  }
  if (c.waves.ramp.empty()) fail("waves.ramp", "needs at least one wave size");
  if (!valid_date(c.waves.start_date)) fail("waves.start_date", "expected YYYY-MM-DD");
  for (const auto& period : c.waves.blackouts) {
    const auto dots = period.find("..");
    const std::string first = period.substr(0, dots);
    const std::string last = dots == std::string::npos ? "" : period.substr(dots + 2);
    if (!valid_date(first) || !valid_date(last) || last < first) {
      fail("waves.blackouts", "'" + period + "': expected FIRST..LAST as YYYY-MM-DD..YYYY-MM-DD");
    }
  }
  for (const auto& [name, level] : c.compliance.levels) {
    if (level < 0 || level > 2) fail("compliance.levels." + name, "expected 0, 1 or 2");
  }
}

namespace {

// How deep a what-if document may nest (planner.yaml needs 3: section, key, map entry); deeper
// input is refused before a recursive parser sees it.
constexpr int kMaxParameterDepth = 6;

// An empty list in a what-if clears the configured one; the list settings spell "clear" as a
// first value "" (YAML's [] applies nothing, so it could not override a configured list).
void spell_empty_lists(json& value) {
  if (value.is_array() && value.empty()) value.push_back("");
  if (value.is_structured()) {
    for (auto& child : value) spell_empty_lists(child);
  }
}

int depth_of(const json& value) {
  int deepest = 0;
  if (value.is_structured()) {
    for (const auto& child : value) deepest = std::max(deepest, depth_of(child));
    return deepest + 1;
  }
  return 0;
}

}  // namespace

void apply_parameters(PlannerConfig& config, const json& parameters, const std::string& origin) {
  if (!parameters.is_object()) {
    throw settings::ConfigError(origin + ": expected an object of planner.yaml sections");
  }
  if (depth_of(parameters) > kMaxParameterDepth) {
    throw settings::ConfigError(origin + ": nested too deeply");
  }
  for (const auto& [key, value] : parameters.items()) {
    if (key == "catalogs" || key.starts_with("catalogs.")) {
      throw settings::ConfigError(origin + "." + key +
                                  ": not allowed here (files are set in the planner "
                                  "configuration only)");
    }
  }
  settings::Schema schema(origin, "", "");
  for (auto& entry : entries(config)) {
    if (entry.setting.yaml_key != "catalogs.dir") schema.add(std::move(entry.setting));
  }
  json spelled = parameters;
  spell_empty_lists(spelled);
  schema.load_yaml_text(spelled.dump(), origin);
  try {
    validate(config);
  } catch (const settings::ConfigError& e) {
    throw settings::ConfigError(origin + ": " + e.what());
  }
}

void apply_overrides(PlannerConfig& config, const json& overrides) {
  apply_parameters(config, overrides, "overrides");
}

json parameters_json(const PlannerConfig& config) {
  // entries() needs a mutable config only to bind its apply functions; values are only read.
  auto table = entries(const_cast<PlannerConfig&>(config));
  json out = json::object();
  for (const auto& entry : table) out[entry.setting.yaml_key] = entry.value();
  return out;
}

double to_plan_currency(const PlannerConfig& config, double amount, const std::string& currency) {
  const auto& rates = config.costs.exchange_rates;
  const auto from = rates.find(currency);
  if (from == rates.end()) {
    throw settings::ConfigError("key 'costs.exchange_rates': no rate for currency " + currency);
  }
  return amount * from->second / rates.at(config.costs.currency);
}

namespace {

// configs/<name> of the source tree this binary was built in (build/bin/<program>), for running
// from a build directory.
std::filesystem::path source_tree_configs(const std::string& name) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return self.parent_path().parent_path().parent_path() / "configs" / name;
}

}  // namespace

std::filesystem::path find_catalog_dir(const std::string& configured,
                                       const std::filesystem::path& config_file) {
  std::vector<std::filesystem::path> candidates;
  if (!configured.empty()) {
    candidates.push_back(configured);
    if (std::filesystem::path(configured).is_relative() && !config_file.empty()) {
      candidates.push_back(config_file.parent_path() / configured);
    }
  } else {
    candidates = {"configs/catalogs", "/etc/sahab/catalogs", "/usr/share/sahab/catalogs"};
    if (auto built = source_tree_configs("catalogs"); !built.empty()) candidates.push_back(built);
  }
  for (const auto& dir : candidates) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return dir;
  }
  throw settings::ConfigError("no catalogue directory found (tried " + candidates.front().string() +
                              "); set catalogs.dir in the configuration or --catalogs.dir");
}

std::vector<std::filesystem::path> default_planner_config_files() {
  std::vector<std::filesystem::path> files = {"/etc/sahab/planner.yaml",
                                              "/usr/share/sahab/planner.yaml"};
  if (auto built = source_tree_configs("planner.yaml"); !built.empty()) files.push_back(built);
  return files;
}

PlannerSetup load_planner_setup(const std::filesystem::path& config_file) {
  PlannerSetup setup;
  setup.config_file = config_file;
  if (!config_file.empty()) {
    auto schema = planner_schema(setup.config, "planner", "");
    schema.load_yaml_file(config_file);
  }
  try {
    validate(setup.config);
  } catch (const settings::ConfigError& e) {
    throw settings::ConfigError(config_file.string() + ": " + e.what());
  }
  // A daemon's working directory means nothing: a relative catalogs.dir is the file's neighbour.
  std::string dir = setup.config.catalogs_dir;
  if (!dir.empty() && std::filesystem::path(dir).is_relative() && !config_file.empty()) {
    dir = (config_file.parent_path() / dir).string();
  }
  setup.catalogs_dir = find_catalog_dir(dir, config_file);
  try {
    setup.catalogs = load_catalog_dir(setup.catalogs_dir);
  } catch (const CatalogError& e) {
    throw settings::ConfigError(e.what());
  }
  return setup;
}

}  // namespace sahab::planner
