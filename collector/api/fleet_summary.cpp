#include "collector/api/fleet_summary.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "collector/api/fleet_export.h"
#include "collector/api/router.h"
#include "collector/store/fingerprint.h"
#include "collector/store/fleet_rows.h"
#include "collector/store/hosts.h"
#include "collector/store/maintenance.h"
#include "collector/store/utilisation.h"
#include "common/bounded_json.h"
#include "common/timestamp.h"
#include "planner/end_of_support.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

// What the summary and the hosts table need of one host, whatever its source.
struct HostFigures {
  std::string id, hostname;
  json labels;
  std::string source;
  std::string state;
  std::optional<std::string> region, province;
  std::string os_name, os_version;  // name falls back to the family, as the UI labels it
  double cores = 0, memory_bytes = 0, storage_bytes = 0;
  std::optional<double> cpu_p95, memory_p95;
};

struct Totals {
  std::int64_t hosts = 0;
  double cores = 0, memory_bytes = 0, storage_bytes = 0;
  void add(const HostFigures& h) {
    ++hosts;
    cores += h.cores;
    memory_bytes += h.memory_bytes;
    storage_bytes += h.storage_bytes;
  }
  json to_json(const std::optional<std::string>& name) const {
    return {{"name", name ? json(*name) : json()},
            {"hosts", hosts},
            {"cores", cores},
            {"memory_bytes", memory_bytes},
            {"storage_bytes", storage_bytes}};
  }
};

constexpr int kBands = 10;  // 0-10 %, ..., 90-100 % (and above)
using Histogram = std::array<std::int64_t, kBands>;

void add_to(Histogram& histogram, const std::optional<double>& ratio) {
  if (!ratio || !std::isfinite(*ratio)) return;
  histogram[static_cast<size_t>(std::clamp(static_cast<int>(std::floor(*ratio * 10)), 0, 9))]++;
}

// What the summary shows of one host of the shared fleet: its figures as the planner reads them,
// its source and state from the store. The OS name falls back to the family, as the UI labels it.
HostFigures figures_of(const protocol::Host& host, const std::string& source,
                       const std::string& state) {
  HostFigures h;
  h.id = host.id;
  h.hostname = host.hostname;
  h.source = source;
  h.state = state;
  h.labels = host.labels;
  if (const auto& region = host.label("region"); !region.empty()) h.region = region;
  if (const auto& province = host.label("province"); !province.empty()) h.province = province;
  h.os_name = host.os_name.empty() ? host.os_family : host.os_name;
  h.os_version = host.os_version;
  h.cores = host.cpu_cores.value_or(0);
  h.memory_bytes = host.memory_bytes.value_or(0);
  for (const protocol::Disk& disk : host.disks) h.storage_bytes += disk.size_bytes.value_or(0);
  if (host.utilisation) {
    h.cpu_p95 = host.utilisation->cpu_ratio.p95;
    h.memory_p95 = host.utilisation->memory_ratio.p95;
  }
  return h;
}

json sorted_totals(const std::map<std::optional<std::string>, Totals>& groups) {
  std::vector<std::pair<std::optional<std::string>, Totals>> rows(groups.begin(), groups.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second.hosts != b.second.hosts ? a.second.hosts > b.second.hosts : a.first < b.first;
  });
  json out = json::array();
  for (const auto& [name, totals] : rows) out.push_back(totals.to_json(name));
  return out;
}

std::string os_label(const HostFigures& h) {
  if (h.os_name.empty()) return h.os_version;
  return h.os_version.empty() ? h.os_name : h.os_name + " " + h.os_version;
}

// The figures of every host, from the fleet the plan service reads too (FleetCache): imported
// hosts first, then agent hosts, each by id, as the Hosts table lists them.
std::vector<HostFigures> read_fleet(Context& ctx, const FleetCache::Snapshot& snapshot) {
  std::unordered_map<std::string, HostStatus> statuses;
  for (HostStatus& status : ctx.store.read([](Database& db) { return host_statuses(db); }))
    statuses.emplace(status.id, std::move(status));
  std::vector<HostFigures> hosts;
  hosts.reserve(snapshot.fleet.hosts.size());
  for (const protocol::Host& host : snapshot.fleet.hosts) {
    const auto it = statuses.find(host.id);
    if (it == statuses.end()) continue;  // removed since the fleet was read
    hosts.push_back(figures_of(host, it->second.source, it->second.state));
  }
  std::stable_partition(hosts.begin(), hosts.end(),
                        [](const HostFigures& h) { return h.source == "import"; });
  return hosts;
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(); }

json described_in_part_json(const std::vector<protocol::HostProblem>& hosts) {
  json out = json::array();
  for (const auto& h : hosts) out.push_back({{"id", h.id}, {"problem", h.problem}});
  return out;
}

}  // namespace

namespace {

json fleet_hosts_table(Context& ctx, FleetCache& fleets, std::int64_t window) {
  json rows = json::array();
  for (const HostFigures& h : read_fleet(ctx, *fleets.fleet(window))) {
    rows.push_back({{"id", h.id},
                    {"hostname", h.hostname},
                    {"labels", h.labels},
                    {"source", h.source},
                    {"state", h.state},
                    {"os", os_label(h)},
                    {"cores", h.cores},
                    {"memory_bytes", h.memory_bytes},
                    {"storage_bytes", h.storage_bytes},
                    {"cpu_p95", optional_number(h.cpu_p95)},
                    {"memory_p95", optional_number(h.memory_p95)}});
  }
  return {{"format", "sahab-fleet-hosts/1"}, {"hosts", std::move(rows)}};
}

}  // namespace

namespace {

// The summary's figures that depend only on the fleet read and on the day (end of life): the
// same for every visit while the fleet is unchanged.
json fleet_figures(const FleetCache::Snapshot& snapshot, std::int64_t now) {
  Totals all;
  std::map<std::optional<std::string>, Totals> by_region, by_province;
  struct OsRow {
    std::int64_t hosts = 0;
    planner::EndOfLifeStatus eol;
  };
  std::map<std::string, OsRow> by_os;
  std::map<std::string, std::int64_t> eol_counts = {
      {"supported", 0}, {"ending_soon", 0}, {"ended", 0}, {"unknown", 0}};
  Histogram cpu{}, memory{};
  for (const protocol::Host& host : snapshot.fleet.hosts) {
    const HostFigures h = figures_of(host, "", "");
    all.add(h);
    by_region[h.region].add(h);
    by_province[h.province].add(h);
    OsRow& os = by_os[os_label(h)];
    if (os.hosts++ == 0) os.eol = planner::end_of_life(h.os_name, h.os_version, now);
    eol_counts[planner::end_of_life_name(os.eol.status)]++;
    add_to(cpu, h.cpu_p95);
    add_to(memory, h.memory_p95);
  }

  std::vector<std::pair<std::string, OsRow>> os_rows(by_os.begin(), by_os.end());
  std::sort(os_rows.begin(), os_rows.end(), [](const auto& a, const auto& b) {
    return a.second.hosts != b.second.hosts ? a.second.hosts > b.second.hosts : a.first < b.first;
  });
  json os_json = json::array();
  for (const auto& [label, row] : os_rows) {
    os_json.push_back({{"name", label.empty() ? json() : json(label)},
                       {"hosts", row.hosts},
                       {"end_of_life", row.eol.date ? json(*row.eol.date) : json()},
                       {"status", planner::end_of_life_name(row.eol.status)}});
  }
  return {{"window_days", static_cast<double>(snapshot.window) / 86'400.0},
          {"hosts", all.hosts},
          {"cores", all.cores},
          {"memory_bytes", all.memory_bytes},
          {"storage_bytes", all.storage_bytes},
          {"by_region", sorted_totals(by_region)},
          {"by_province", sorted_totals(by_province)},
          {"by_os", os_json},
          {"end_of_life", eol_counts},
          {"utilisation", {{"bands", kBands}, {"cpu_p95", cpu}, {"memory_p95", memory}}},
          {"described_in_part", described_in_part_json(snapshot.described_in_part)}};
}

// Hosts by source and by state, and agents reporting or stale: read fresh, since an agent going
// silent changes no fleet fingerprint.
json state_figures(Database& db) {
  std::map<std::string, std::int64_t> by_source, by_state;
  std::int64_t agents_reporting = 0, agents_stale = 0;
  for (const auto& [source, state, hosts] : host_state_counts(db)) {
    by_source[source] += hosts;
    by_state[state] += hosts;
    if (source == "agent") (state == "stale" ? agents_stale : agents_reporting) += hosts;
  }
  return {{"by_source", by_source},
          {"by_state", by_state},
          {"stale", by_state.contains("stale") ? by_state["stale"] : 0},
          {"agents", {{"reporting", agents_reporting}, {"stale", agents_stale}}}};
}

}  // namespace

FleetSummary::FleetSummary(Context& ctx, FleetCache& fleets) : ctx_(ctx), fleets_(fleets) {}

json FleetSummary::summary(std::int64_t window) {
  const std::int64_t now = ctx_.now();
  const auto snapshot = fleets_.fleet(window);
  json out = {{"format", "sahab-fleet-summary/1"}, {"generated_at", format_rfc3339(now)}};
  out.update(figures(snapshot, now));
  out.update(ctx_.store.read([](Database& db) { return state_figures(db); }));
  return out;
}

json FleetSummary::figures(const std::shared_ptr<const FleetCache::Snapshot>& snapshot,
                           std::int64_t now) {
  const std::int64_t day = now / 86'400;
  std::lock_guard lock(mutex_);
  std::erase_if(memo_, [](const Memo& m) { return m.snapshot.expired(); });
  for (const Memo& m : memo_)
    if (m.snapshot.lock() == snapshot && m.day == day) return m.figures;
  memo_.push_back({snapshot, day, fleet_figures(*snapshot, now)});
  if (memo_.size() > FleetCache::kKept) memo_.erase(memo_.begin());
  return memo_.back().figures;
}

json FleetSummary::hosts_table(std::int64_t window) {
  return fleet_hosts_table(ctx_, fleets_, window);
}

void register_fleet_summary_routes(http::Server& server, Context& ctx, FleetCache& fleets) {
  auto summary = std::make_shared<FleetSummary>(ctx, fleets);
  const auto answer = [summary](nlohmann::json (FleetSummary::*compute)(std::int64_t)) {
    return windowed([summary, compute](Context&, const http::Request&, std::int64_t window) {
      try {
        return json_response(200, ((*summary).*compute)(window));
      } catch (const protocol::FleetError& e) {
        return stored_fleet_error(e);
      }
    });
  };
  add_api_routes(
      server, ctx,
      {{"GET", "/api/v1/fleet/summary", MinRole::kViewer, answer(&FleetSummary::summary)},
       {"GET", "/api/v1/fleet/hosts", MinRole::kViewer, answer(&FleetSummary::hosts_table)}});
}

}  // namespace sahab::collector
