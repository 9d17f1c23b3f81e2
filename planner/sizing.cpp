#include "planner/sizing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sahab::planner {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

std::string fixed(double value, int decimals = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string percent(double ratio) { return fixed(ratio * 100, ratio < 0.1 ? 1 : 0) + "%"; }

// A ratio as a percentage parameter: one decimal below 10 %.
Param percent_param(std::string name, double ratio) {
  return Param::number(std::move(name), ratio * 100, ratio < 0.1 ? 1 : 0);
}

const std::optional<double>& slot(const Percentiles& p, Percentile which) {
  switch (which) {
    case Percentile::kP50:
      return p.p50;
    case Percentile::kP90:
      return p.p90;
    case Percentile::kP95:
      return p.p95;
    case Percentile::kP99:
      return p.p99;
    case Percentile::kMax:
      return p.max;
  }
  return p.p95;
}

bool contains(const std::string& haystack, const char* needle) {
  std::string lower = haystack;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  return lower.find(needle) != std::string::npos;
}

// A resource's utilisation at the configured percentile (`used`: the one found), when sizing on
// performance and the host was observed; nullopt means size as-is.
std::optional<double> observed_ratio(const Host& host, const PlannerConfig& c,
                                     Percentiles Utilisation::*series, Percentile& used) {
  if (!host.utilisation || c.sizing.mode != SizingMode::kPerformance) return std::nullopt;
  return at_percentile((*host.utilisation).*series, c.sizing.percentile, &used);
}

// Why a resource is sized as-is: the mode (`resource`: "cpu", "memory"), or no utilisation of it.
std::string as_is_key(const PlannerConfig& c, const std::string& resource) {
  return "sizing." + resource + (c.sizing.mode == SizingMode::kAsIs ? "_as_is" : "_unobserved");
}

// Utilisation-based CPU need; falls back to as-is when the host was not observed.
void size_cpu(const Host& host, const PlannerConfig& c, Requirement& need, int cores) {
  Percentile used{};
  const auto ratio = observed_ratio(host, c, &Utilisation::cpu_ratio, used);
  if (!ratio) {
    need.vcpu = cores;
    need.reasons.push_back(say(as_is_key(c, "cpu"), {Param::number("cores", cores)}));
    return;
  }
  need.vcpu = *ratio * cores * c.sizing.comfort_factor;
  need.reasons.push_back(say("sizing.cpu", {{"percentile", to_string(used)},
                                            percent_param("ratio", *ratio),
                                            Param::number("cores", cores),
                                            Param::number("comfort", c.sizing.comfort_factor, 2),
                                            Param::number("vcpu", need.vcpu, 2)}));
}

void size_memory(const Host& host, const PlannerConfig& c, Requirement& need, double gib) {
  Percentile used{};
  const auto ratio = observed_ratio(host, c, &Utilisation::memory_ratio, used);
  if (!ratio) {
    need.memory_gib = gib;
    need.reasons.push_back(say(as_is_key(c, "memory"), {Param::number("gib", gib, 1)}));
    return;
  }
  need.memory_gib = *ratio * gib * c.sizing.comfort_factor;
  need.reasons.push_back(say("sizing.memory", {{"percentile", to_string(used)},
                                               percent_param("ratio", *ratio),
                                               Param::number("gib", gib, 1),
                                               Param::number("comfort", c.sizing.comfort_factor, 2),
                                               Param::number("need", need.memory_gib, 1)}));
}

double rate_at(const Percentiles& p, const PlannerConfig& c) {
  Percentile used{};
  return at_percentile(p, c.sizing.percentile, &used).value_or(0);
}

void size_disks(const Host& host, const PlannerConfig& c, Requirement& need) {
  double used_total = 0;
  bool used_known = !host.disks.empty();
  for (const auto& disk : host.disks) {
    const double allocated = disk.size_bytes.value_or(0) / kGiB;
    need.allocated_disk_gib += allocated;
    if (!disk.size_bytes) need.assumed.push_back(say("assumed.disk_size", {{"disk", disk.name}}));
    double gib = allocated > 0 ? allocated : c.assume.disk_gib;
    if (c.sizing.disks_from_used && disk.used_bytes) {
      gib = *disk.used_bytes / kGiB * c.sizing.comfort_factor;
    }
    need.disk_gib.push_back(std::max(std::ceil(gib), c.sizing.min_disk_gib));
    used_known = used_known && disk.used_bytes.has_value();
    used_total += disk.used_bytes.value_or(disk.size_bytes.value_or(c.assume.disk_gib * kGiB));
  }
  if (host.disks.empty()) {
    need.assumed.push_back(say("assumed.disks"));
    need.disk_gib.push_back(std::max(c.assume.disk_gib, c.sizing.min_disk_gib));
    need.allocated_disk_gib = c.assume.disk_gib;
    used_total = c.assume.disk_gib * kGiB;
    need.reasons.push_back(say("sizing.no_disks", {Param::number("gib", c.assume.disk_gib)}));
  }
  need.transfer_gb = used_total / 1e9;
  if (!used_known && !host.disks.empty()) {
    need.reasons.push_back(say("sizing.used_unknown"));
  }
  if (host.utilisation && c.sizing.mode == SizingMode::kPerformance) {
    const auto& u = *host.utilisation;
    need.iops =
        (rate_at(u.disk_read_iops, c) + rate_at(u.disk_write_iops, c)) * c.sizing.comfort_factor;
    need.mbps =
        (rate_at(u.disk_read_bytes_per_second, c) + rate_at(u.disk_write_bytes_per_second, c)) /
        1e6 * c.sizing.comfort_factor;
  }
}

// The stars data coverage gives, as factors: coverage, then days of data (a 10-day window
// against 30 expected scales coverage by 1/3), then where the data comes from.
void coverage_factors(const Host& host, const PlannerConfig& c, Requirement& need) {
  auto& factors = need.confidence_factors;
  if (c.sizing.mode == SizingMode::kAsIs) {
    factors.push_back({"sizing_mode", "as-is", 0, {}});
    return;
  }
  if (!host.utilisation) {
    need.reasons.push_back(say("sizing.no_utilisation"));
    factors.push_back({"coverage", "no utilisation data", -4, {}});
    return;
  }
  const auto& u = *host.utilisation;
  const double coverage = u.coverage.value_or(0.5);
  if (!u.coverage) need.assumed.push_back(say("assumed.coverage", {Param::number("percent", 50)}));
  const int by_coverage = confidence_stars(coverage);
  if (u.coverage) {
    factors.push_back({"coverage", percent(coverage), by_coverage - 5, {}});
  } else {
    const Message assumed = say("factor.coverage_assumed", {percent_param("percent", coverage)});
    factors.push_back({"coverage", assumed.english, by_coverage - 5, assumed});
  }
  double effective = coverage;
  if (u.window_days) effective *= std::min(1.0, *u.window_days / c.sizing.window_days);
  factors.push_back({"days_of_data",
                     (u.window_days ? fixed(*u.window_days, 0) : std::string("unknown")) + " of " +
                         fixed(c.sizing.window_days, 0) + " days",
                     confidence_stars(effective) - by_coverage,
                     {}});
  if (u.data_points) factors.push_back({"data_points", fixed(*u.data_points, 0), 0, {}});
  if (u.source.empty()) {
    factors.push_back({"source", "not stated", 0, {}});
  } else if (measured_source(u.source, c)) {
    factors.push_back({"source", u.source, 0, {}});
  } else {
    // Imported percentiles cannot be checked (sampling, window, gaps): one star less.
    factors.push_back({"source", u.source, -1, {}});
    need.reasons.push_back(say("sizing.imported_utilisation", {{"source", u.source}}));
  }
}

}  // namespace

int confidence_stars(double coverage) {
  const double stars = std::ceil(std::clamp(coverage, 0.0, 1.0) * 5 - 1e-9);
  return std::clamp(static_cast<int>(stars), 1, 5);
}

bool measured_source(const std::string& source, const PlannerConfig& c) {
  std::string lower = source;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  const auto& list = c.idle.evidence_sources;
  return !lower.empty() && std::find(list.begin(), list.end(), lower) != list.end();
}

std::optional<double> at_percentile(const Percentiles& p, Percentile wanted, Percentile* used) {
  for (int i = static_cast<int>(wanted); i <= static_cast<int>(Percentile::kMax); ++i) {
    const auto which = static_cast<Percentile>(i);
    if (const auto& value = slot(p, which)) {
      *used = which;
      return value;
    }
  }
  return std::nullopt;
}

Requirement size_host(const Host& host, const PlannerConfig& c) {
  Requirement need;
  int cores = c.assume.cores;
  if (host.cpu_cores) {
    cores = *host.cpu_cores;
  } else {
    need.assumed.push_back(say("assumed.cores", {Param::number("cores", cores)}));
  }
  double memory_gib = c.assume.memory_gib;
  if (host.memory_bytes) {
    memory_gib = *host.memory_bytes / kGiB;
  } else {
    need.assumed.push_back(say("assumed.memory", {Param::number("gib", memory_gib, 1)}));
  }
  size_cpu(host, c, need, cores);
  size_memory(host, c, need, memory_gib);
  size_disks(host, c, need);
  if (host.utilisation) {
    need.egress_gib_month = rate_at(host.utilisation->network_transmit_bytes_per_second, c) *
                            c.costs.egress_share_of_p95 * 730 * 3600 / kGiB;
  }
  need.windows = contains(host.os_family, "windows") || contains(host.os_name, "windows");
  for (const auto& s : host.software) {
    need.sql_server =
        need.sql_server || contains(s.name, "sql server") || contains(s.name, "mssql");
  }
  coverage_factors(host, c, need);
  if (!need.assumed.empty()) {
    const Message assumed = say("sizing.assumed", {Param::list("values", need.assumed)});
    need.reasons.push_back(assumed);
    const Message values = say("assumed.values", {Param::list("values", need.assumed)});
    need.confidence_factors.push_back(
        {"assumed_values", values.english, -static_cast<int>(need.assumed.size()), values});
  }
  int stars = 5;
  for (const auto& f : need.confidence_factors) stars += f.effect;
  need.confidence = std::clamp(stars, 1, 5);
  return need;
}

namespace {

struct DiskChoice {
  std::string tier;
  double size_gib = 0;
  double monthly_price = 0;
};

std::optional<DiskChoice> cheapest_disk(const Provider& p, double gib, double iops, double mbps) {
  std::optional<DiskChoice> best;
  for (const auto& tier : p.disk_tiers) {
    std::optional<DiskChoice> choice;
    if (!tier.steps.empty()) {
      for (const auto& step : tier.steps) {
        if (step.size_gib >= gib && step.iops >= iops && step.mbps >= mbps) {
          choice = DiskChoice{tier.name, step.size_gib, step.monthly_price};
          break;
        }
      }
    } else if (gib <= tier.max_size_gib && iops <= tier.iops && mbps <= tier.mbps) {
      choice = DiskChoice{tier.name, std::ceil(gib), std::ceil(gib) * tier.price_per_gib_month};
    }
    if (choice && (!best || choice->monthly_price < best->monthly_price)) best = choice;
  }
  return best;
}

bool series_allowed(const PlannerConfig& c, const std::string& series) {
  const auto& allowed = c.providers.series;
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), series) != allowed.end();
}

}  // namespace

std::optional<Offer> price_on(const Requirement& need, const Provider& provider,
                              const PlannerConfig& c, const ManagedService* managed,
                              Message* why_not) {
  const double rate = to_plan_currency(c, 1.0, provider.currency);
  Offer offer;
  offer.target.provider = provider.name;
  // Disks first, as Azure Migrate does: a disk that cannot be met rules the provider out.
  double total_gib = 0;
  for (double gib : need.disk_gib) total_gib += gib;
  for (double gib : need.disk_gib) {
    const double share = gib / total_gib;  // IOPS and throughput spread over disks by size
    const auto disk = cheapest_disk(provider, gib, need.iops * share, need.mbps * share);
    if (!disk) {
      if (why_not)
        *why_not = say("offer.no_disk_tier", {{"provider", provider.name},
                                              Param::number("gib", gib),
                                              Param::number("iops", need.iops * share)});
      return std::nullopt;
    }
    offer.target.disks.push_back({disk->tier, disk->size_gib, disk->monthly_price * rate});
    offer.monthly.storage += disk->monthly_price * rate;
  }
  const InstanceType* instance = nullptr;
  for (const auto& type : provider.instances) {  // sorted by price: the first fit is the cheapest
    if (type.vcpu + 1e-9 >= need.vcpu && type.memory_gib + 1e-9 >= need.memory_gib &&
        series_allowed(c, type.series)) {
      instance = &type;
      break;
    }
  }
  if (!instance) {
    if (why_not)
      *why_not = say("offer.no_instance", {{"provider", provider.name},
                                           Param::number("vcpu", need.vcpu, 1),
                                           Param::number("gib", need.memory_gib, 1)});
    return std::nullopt;
  }
  offer.target.instance = instance->name;
  offer.target.series = instance->series;
  offer.target.vcpu = instance->vcpu;
  offer.target.memory_gib = instance->memory_gib;
  const double factor = managed ? managed->price_factor : 1.0;
  if (managed) offer.target.managed_service = managed->name;

  // Compute under each pricing option (on demand: 730 h; commitments: 744 h less the discount).
  auto compute = [&](const std::string& term) {
    if (term == "on-demand")
      return instance->hourly_price * factor * c.costs.hours_per_month * rate;
    const auto discount = provider.commitment_discounts.find(term);
    const double off = discount == provider.commitment_discounts.end() ? 0 : discount->second;
    return instance->hourly_price * factor * c.costs.hours_per_month_committed * (1 - off) * rate;
  };
  offer.monthly.compute = compute(c.costs.commitment);
  offer.monthly.egress = need.egress_gib_month * provider.egress_per_gib * rate;
  double licence_per_vcpu_hour = 0;
  if (need.windows && c.costs.windows_licence == "included") {
    licence_per_vcpu_hour += provider.windows_per_vcpu_hour;
  }
  if (need.sql_server && !managed && c.costs.sql_server_licence == "included") {
    licence_per_vcpu_hour += provider.sql_server_per_vcpu_hour;
  }
  offer.monthly.licences = licence_per_vcpu_hour * instance->vcpu * c.costs.hours_per_month * rate;
  const double rest = offer.monthly.storage + offer.monthly.egress + offer.monthly.licences;
  for (std::size_t t = 0; t < kCommitments.size(); ++t) {
    offer.monthly_by_commitment[t] = compute(kCommitments[t]) + rest;
  }
  offer.monthly_on_demand = offer.monthly_by_commitment[0];
  return offer;
}

}  // namespace sahab::planner
