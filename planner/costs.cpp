#include "planner/costs.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <map>

namespace sahab::planner {
namespace {

constexpr double kHoursPerMonth = 730;
constexpr double kGiB = 1073741824.0;

void add(std::map<std::string, CostRollup>& rollups, const std::string& key, const HostPlan& h) {
  CostRollup& r = rollups[key.empty() ? "(unknown)" : key];
  r.key = key.empty() ? "(unknown)" : key;
  ++r.hosts;
  r.monthly_cost += h.monthly.total();
  r.on_premises_monthly_cost += h.on_premises_monthly_cost;
  r.one_time_cost += h.one_time_cost;
}

std::vector<CostRollup> values(std::map<std::string, CostRollup>&& rollups) {
  std::vector<CostRollup> out;
  out.reserve(rollups.size());
  for (auto& [key, r] : rollups) out.push_back(std::move(r));
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

bool contains(const std::string& haystack, const char* needle) {
  return lower(haystack).find(needle) != std::string::npos;
}

std::string g(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

// The planner.yaml key(s) behind a category and their values, for a warning.
std::pair<std::string, std::string> assumption_of(const PlannerConfig& c, std::size_t category) {
  const auto& o = c.on_premises;
  const std::string cur = " " + o.currency;
  switch (category) {
    case 0:
      return {"on_premises.hardware_per_core",
              "on_premises.hardware_per_core = " + g(o.hardware_per_core) + cur +
                  " over depreciation_years = " + g(o.depreciation_years)};
    case 1:
      if (o.storage_per_gb_month > 0) {
        return {"on_premises.storage_per_gb_month",
                "on_premises.storage_per_gb_month = " + g(o.storage_per_gb_month) + cur};
      } else {
        std::string tiers;
        for (const auto& [name, price] : o.storage_tiers)
          tiers += (tiers.empty() ? "" : ", ") + name + " " + g(price) + cur;
        return {"on_premises.storage_tiers", "on_premises.storage_tiers = " + tiers};
      }
    case 2:
      return {"on_premises.price_per_kwh", "on_premises.price_per_kwh = " + g(o.price_per_kwh) +
                                               cur + " x pue " + g(o.pue) + " x load_factor " +
                                               g(o.load_factor)};
    case 3:
      return {"on_premises.sql_server_per_core_month",
              "on_premises.sql_server_per_core_month = " + g(o.sql_server_per_core_month) + cur +
                  ", windows_server_per_core_month = " + g(o.windows_server_per_core_month) + cur +
                  ", rhel_per_server_month = " + g(o.rhel_per_server_month) + cur +
                  ", hypervisor_per_core_month = " + g(o.hypervisor_per_core_month) + cur};
    case 4:
      return {"on_premises.support_share_per_year",
              "on_premises.support_share_per_year = " + g(o.support_share_per_year)};
    case 5:
      return {"on_premises.backup_per_server_year",
              "on_premises.backup_per_server_year = " + g(o.backup_per_server_year) + cur +
                  ", backup_per_gb_month = " + g(o.backup_per_gb_month) + cur};
    case 6:
      return {"on_premises.security_per_server_year",
              "on_premises.security/monitoring/patching_per_server_year = " +
                  g(o.security_per_server_year) + "/" + g(o.monitoring_per_server_year) + "/" +
                  g(o.patching_per_server_year) + cur};
    case 7:
      return {"on_premises.facility_per_core_month",
              "on_premises.facility_per_core_month = " + g(o.facility_per_core_month) + cur};
    default:
      return {"on_premises.staff_cost_per_fte_year",
              "on_premises.staff_cost_per_fte_year = " + g(o.staff_cost_per_fte_year) + cur +
                  " / servers_per_fte = " + g(o.servers_per_fte)};
  }
}

std::size_t dominant(const OnPremisesCost& cost) {
  const auto list = categories(cost);
  return static_cast<std::size_t>(std::max_element(list.begin(), list.end()) - list.begin());
}

// "storage 81 % of it (on_premises.storage_per_gb_month = 2 USD)"
Param driver(const PlannerConfig& c, const OnPremisesCost& cost, std::size_t k) {
  const double total = cost.total();
  const double share = total > 0 ? 100 * categories(cost)[k] / total : 0;
  return Param::list(
      "driver",
      {say("warning.driver",
           {Param::list("category", {say(std::string("category.") + kOnPremisesCategories[k])}),
            Param::number("share", share),
            {"assumption", assumption_of(c, k).second}})});
}

// Days since 1970-01-01 of "YYYY-MM-DD"; nullopt when it is not a date.
std::optional<long> day_number(const std::string& date) {
  if (date.size() < 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

// Share of [first, last] (days, inclusive) inside the month [month_begin, month_end).
double overlap(long first, long last, long month_begin, long month_end) {
  const long from = std::max(first, month_begin), to = std::min(last + 1, month_end);
  return to > from ? static_cast<double>(to - from) / static_cast<double>(month_end - month_begin)
                   : 0;
}

}  // namespace

std::array<double, 9> categories(const OnPremisesCost& c) {
  return {c.hardware, c.storage,    c.power,    c.licences, c.support,
          c.backup,   c.operations, c.facility, c.staff};
}

OnPremisesCost& OnPremisesCost::operator+=(const OnPremisesCost& o) {
  hardware += o.hardware;
  storage += o.storage;
  power += o.power;
  licences += o.licences;
  support += o.support;
  backup += o.backup;
  operations += o.operations;
  facility += o.facility;
  staff += o.staff;
  return *this;
}

OnPremisesCost on_premises_costs(const Host& host, const PlannerConfig& c) {
  const auto& o = c.on_premises;
  const double cores = host.cpu_cores.value_or(c.assume.cores);
  const double memory_gib = host.memory_bytes ? *host.memory_bytes / kGiB : c.assume.memory_gib;
  double storage_gb = 0, used_gb = 0;
  for (const auto& d : host.disks) {
    const double size = d.size_bytes.value_or(c.assume.disk_gib * kGiB) / 1e9;
    storage_gb += size;
    used_gb += d.used_bytes ? std::min(*d.used_bytes / 1e9, size) : size / 2;
  }
  if (host.disks.empty()) {
    storage_gb = c.assume.disk_gib * kGiB / 1e9;
    used_gb = storage_gb / 2;
  }
  const auto& nonprod = c.waves.nonprod_environments;
  const bool is_nonprod =
      std::find(nonprod.begin(), nonprod.end(), lower(host.label("environment"))) != nonprod.end();
  std::string tier = lower(host.label(o.storage_tier_label));
  if (!o.storage_tiers.count(tier)) tier = is_nonprod ? o.nonprod_storage_tier : o.storage_tier;
  const auto tier_price = o.storage_tiers.find(tier);
  const double per_gb = o.storage_per_gb_month > 0            ? o.storage_per_gb_month
                        : tier_price != o.storage_tiers.end() ? tier_price->second
                                                              : 0;

  OnPremisesCost cost;
  const double purchase = cores * o.hardware_per_core + memory_gib * o.hardware_per_gib_memory;
  cost.hardware = purchase / (o.depreciation_years * 12);
  cost.support = purchase * o.support_share_per_year / 12;
  cost.storage = storage_gb * per_gb;
  cost.power =
      cores * o.kwh_per_core_hour * o.load_factor * o.pue * kHoursPerMonth * o.price_per_kwh;
  const bool windows = contains(host.os_family, "windows") || contains(host.os_name, "windows");
  bool sql_server = false;
  for (const auto& s : host.software) {
    sql_server = sql_server || contains(s.name, "sql server") || contains(s.name, "mssql") ||
                 contains(s.name, "sqlserver");
  }
  const bool rhel = contains(host.os_name, "red hat") || contains(host.os_name, "rhel");
  if (windows) {
    cost.licences += std::max(cores, double(o.windows_min_cores)) * o.windows_server_per_core_month;
  }
  if (sql_server) {
    cost.licences += std::max(cores, double(o.sql_server_min_cores)) * o.sql_server_per_core_month;
  }
  if (rhel) cost.licences += o.rhel_per_server_month;
  cost.licences += cores * o.hypervisor_per_core_month;
  cost.backup = o.backup_per_server_year / 12 + used_gb * o.backup_per_gb_month;
  cost.operations =
      (o.security_per_server_year + o.monitoring_per_server_year + o.patching_per_server_year) / 12;
  cost.facility = cores * o.facility_per_core_month;
  cost.staff = o.staff_cost_per_fte_year / o.servers_per_fte / 12;

  const double rate = to_plan_currency(c, 1, o.currency);
  cost.hardware *= rate;
  cost.storage *= rate;
  cost.power *= rate;
  cost.licences *= rate;
  cost.support *= rate;
  cost.backup *= rate;
  cost.operations *= rate;
  cost.facility *= rate;
  cost.staff *= rate;
  return cost;
}

double on_premises_monthly_cost(const Host& host, const PlannerConfig& c) {
  return on_premises_costs(host, c).total();
}

double transfer_hours(double gigabytes, double mbps, const PlannerConfig& c) {
  const double bits = gigabytes * 1e9 * 8;
  return bits / (mbps * 1e6 * c.waves.link_efficiency) / 3600;
}

double one_time_cost(const HostPlan& h, const PlannerConfig& c) {
  if (h.strategy != Strategy::kRehost && h.strategy != Strategy::kReplatform) return 0;
  double cost = c.costs.migration_per_host + h.transfer_gb / 1000 * c.costs.migration_per_tb;
  if (h.strategy == Strategy::kReplatform) cost += c.costs.replatform_per_host;
  return cost;
}

std::vector<CostWarning> plausibility_warnings(const Plan& plan) {
  const PlannerConfig& c = plan.config;
  const auto& p = c.plausibility;
  const Param cur("currency", plan.currency);
  std::vector<CostWarning> out;

  std::size_t high = 0, low = 0;
  for (const HostPlan& h : plan.hosts) {
    const double v = h.on_premises_monthly_cost;
    const bool too_high = v > p.max_server_month, too_low = v < p.min_server_month;
    if (!too_high && !too_low) continue;
    std::size_t& count = too_high ? high : low;
    if (static_cast<int>(count++) >= p.max_host_warnings) continue;
    const std::size_t k = dominant(h.on_premises);
    const std::string& name = h.hostname.empty() ? h.id : h.hostname;
    const double band = too_high ? p.max_server_month : p.min_server_month;
    const char* check = too_high ? "server_cost_high" : "server_cost_low";
    out.push_back({check,
                   say(std::string("warning.") + check, {{"host", name},
                                                         Param::number("value", v),
                                                         Param::number("band", band),
                                                         cur,
                                                         driver(c, h.on_premises, k)}),
                   assumption_of(c, k).first, v});
  }
  auto more = [&](std::size_t count, const char* check, const char* key) {
    if (count > static_cast<std::size_t>(p.max_host_warnings)) {
      out.push_back(
          {check,
           say(key, {Param::number("count", static_cast<double>(count - p.max_host_warnings)),
                     Param::number("max", p.max_host_warnings)}),
           "", static_cast<double>(count)});
    }
  };
  more(high, "server_cost_high", "warning.more_high");
  more(low, "server_cost_low", "warning.more_low");

  const Totals& t = plan.totals;
  if (t.hosts == 0) return out;
  const std::size_t k = dominant(t.on_premises);
  const Param drivers = driver(c, t.on_premises, k);
  const std::string key = assumption_of(c, k).first;
  const double average = t.on_premises_monthly_cost / t.hosts;
  if (average > p.max_fleet_server_month || average < p.min_fleet_server_month) {
    const bool too_high = average > p.max_fleet_server_month;
    const char* check = too_high ? "fleet_cost_high" : "fleet_cost_low";
    out.push_back(
        {check,
         say(std::string("warning.") + check,
             {Param::number("average", average),
              Param::number("band", too_high ? p.max_fleet_server_month : p.min_fleet_server_month),
              cur, drivers}),
         key, average});
  }
  const double savings = -t.monthly_difference;
  if (savings > 0 && t.one_time_cost > 0) {
    const double payback = t.one_time_cost / savings;
    if (payback < p.min_payback_months) {
      out.push_back(
          {"payback_short",
           say("warning.payback_short",
               {Param::number("one_time", t.one_time_cost), cur,
                Param::number("payback", payback, 1), Param::figure("min", p.min_payback_months),
                Param::number("savings", savings),
                Param::number("today", t.on_premises_monthly_cost), drivers}),
           key, payback});
    }
  }
  if (t.on_premises_monthly_cost > 0) {
    const double ratio =
        (t.monthly_cost + t.retained_on_premises_monthly_cost) / t.on_premises_monthly_cost;
    if (ratio < p.min_cloud_ratio) {
      out.push_back(
          {"cloud_ratio_low",
           say("warning.cloud_ratio_low", {Param::number("percent", 100 * ratio),
                                           Param::figure("min", p.min_cloud_ratio), drivers}),
           key, ratio});
    } else if (ratio > p.max_cloud_ratio) {
      const MonthlyCost& b = t.breakdown;
      const double parts[] = {b.compute, b.storage, b.egress, b.licences};
      const char* names[] = {"compute", "storage", "egress", "licences"};
      const auto top = std::max_element(std::begin(parts), std::end(parts)) - std::begin(parts);
      out.push_back({"cloud_ratio_high",
                     say("warning.cloud_ratio_high",
                         {Param::number("ratio", ratio, 1), Param::figure("max", p.max_cloud_ratio),
                          Param::list("part", {say(std::string("cloud_part.") + names[top])})}),
                     "costs.commitment", ratio});
    }
  }
  return out;
}

BusinessCase business_case(const Plan& plan) {
  const PlannerConfig& c = plan.config;
  BusinessCase bc;
  const Totals& t = plan.totals;
  bc.steady_monthly_savings = -t.monthly_difference;
  if (bc.steady_monthly_savings > 0)
    bc.payback_months = t.one_time_cost / bc.steady_monthly_savings;

  // Per wave: on premises until its end, cloud from its start, one-time over its days.
  struct Span {
    long first = 0, last = 0;
    double on_premises = 0, cloud = 0, one_time = 0;
  };
  std::vector<Span> spans;
  long start = day_number(c.waves.start_date).value_or(0), end = start;
  for (const Wave& w : plan.waves) {
    const auto first = day_number(w.start), last = day_number(w.end);
    if (first && last) start = std::min(start, *first);
  }
  double staying = 0;  // retained, or moving without a dated wave
  Span retired{start, start + c.business_case.retire_after_days - 1, 0, 0, 0};
  std::vector<int> span_of(plan.waves.size() + 1, -1);
  for (std::size_t w = 0; w < plan.waves.size(); ++w) {
    const auto first = day_number(plan.waves[w].start), last = day_number(plan.waves[w].end);
    if (!first || !last) continue;
    span_of[plan.waves[w].number] = static_cast<int>(spans.size());
    spans.push_back({*first, std::max(*first, *last), 0, 0, 0});
    end = std::max(end, spans.back().last);
  }
  for (const HostPlan& h : plan.hosts) {
    const bool moving = h.strategy == Strategy::kRehost || h.strategy == Strategy::kReplatform;
    const int s =
        moving && h.wave > 0 && h.wave < static_cast<int>(span_of.size()) ? span_of[h.wave] : -1;
    if (s >= 0) {
      spans[s].on_premises += h.on_premises_monthly_cost;
      spans[s].cloud += h.monthly.total();
      spans[s].one_time += h.one_time_cost;
    } else if (h.strategy == Strategy::kRetire) {
      retired.on_premises += h.on_premises_monthly_cost;
    } else {
      staying += h.on_premises_monthly_cost;
    }
  }
  end = std::max(end, retired.last);

  using namespace std::chrono;
  const year_month first_month =
      year_month_day(sys_days(days(start))).year() / year_month_day(sys_days(days(start))).month();
  const year_month last_month =
      year_month_day(sys_days(days(end))).year() / year_month_day(sys_days(days(end))).month();
  const int programme_months = static_cast<int>((last_month - first_month).count()) + 1;
  const int horizon = std::max(c.business_case.horizon_months, programme_months + 12);
  double cumulative = 0;
  for (int m = 0; m < horizon; ++m) {
    const year_month ym = first_month + months(m);
    const long begin = sys_days(ym / 1).time_since_epoch().count();
    const long next = sys_days((ym + months(1)) / 1).time_since_epoch().count();
    BusinessMonth month;
    month.month = m + 1;
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02u", static_cast<int>(ym.year()),
                  static_cast<unsigned>(ym.month()));
    month.date = date;
    month.baseline = t.on_premises_monthly_cost;
    month.on_premises =
        staying + retired.on_premises * overlap(LONG_MIN / 2, retired.last, begin, next);
    for (const Span& s : spans) {
      month.on_premises += s.on_premises * overlap(LONG_MIN / 2, s.last, begin, next);
      month.cloud += s.cloud * overlap(s.first, LONG_MAX / 2, begin, next);
      const double days_in_wave = static_cast<double>(s.last - s.first + 1);
      const long from = std::max(s.first, begin), to = std::min(s.last + 1, next);
      if (to > from) month.one_time += s.one_time * static_cast<double>(to - from) / days_in_wave;
    }
    month.savings = month.baseline - month.total();
    cumulative += month.savings;
    month.cumulative_savings = cumulative;
    bc.months.push_back(month);
  }
  // Break-even: the first month from which the cumulative savings stay at or above zero.
  for (std::size_t m = bc.months.size(); m-- > 0;) {
    if (bc.months[m].cumulative_savings < -1e-6) break;
    bc.break_even_month = bc.months[m].month;
    bc.break_even_date = bc.months[m].date;
  }
  return bc;
}

void roll_up_costs(Plan& plan) {
  std::map<std::string, CostRollup> regions, communes;
  Totals& t = plan.totals;
  t = Totals{};
  for (const HostPlan& h : plan.hosts) {
    add(regions, h.region, h);
    add(communes, h.region + " / " + h.province + " / " + h.commune, h);
    ++t.hosts;
    t.monthly_cost += h.monthly.total();
    t.monthly_cost_on_demand += h.monthly_on_demand;
    for (std::size_t k = 0; k < kCommitments.size(); ++k) {
      t.monthly_cost_by_commitment[k] += h.monthly_by_commitment[k];
    }
    t.breakdown += h.monthly;
    t.on_premises += h.on_premises;
    t.one_time_cost += h.one_time_cost;
    t.on_premises_monthly_cost += h.on_premises_monthly_cost;
    if (h.strategy == Strategy::kRetain)
      t.retained_on_premises_monthly_cost += h.on_premises_monthly_cost;
    switch (h.strategy) {
      case Strategy::kRehost:
        ++t.rehost;
        break;
      case Strategy::kReplatform:
        ++t.replatform;
        break;
      case Strategy::kRetire:
        ++t.retire;
        break;
      case Strategy::kRetain:
        ++t.retain;
        break;
    }
    if (!h.flags.empty()) ++t.flagged;
  }
  t.monthly_difference =
      t.monthly_cost + t.retained_on_premises_monthly_cost - t.on_premises_monthly_cost;
  plan.by_region = values(std::move(regions));
  plan.by_commune = values(std::move(communes));
  for (Wave& w : plan.waves) {
    w.monthly_cost = w.one_time_cost = w.transfer_gb = 0;
    for (auto i : w.hosts) {
      w.monthly_cost += plan.hosts[i].monthly.total();
      w.one_time_cost += plan.hosts[i].one_time_cost;
      w.transfer_gb += plan.hosts[i].transfer_gb;
    }
  }
  plan.business_case = business_case(plan);
  plan.warnings = plausibility_warnings(plan);
}

}  // namespace sahab::planner
