#include "collector/api/fleet_summary.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "collector/api/end_of_life.h"
#include "collector/api/fleet_export.h"
#include "collector/api/router.h"
#include "collector/store/fingerprint.h"
#include "collector/store/fleet_rows.h"
#include "collector/store/hosts.h"
#include "collector/store/maintenance.h"
#include "collector/store/utilisation.h"
#include "common/bounded_json.h"
#include "common/timestamp.h"

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

// id, hostname, state and labels, and the region and province labels.
HostFigures host_row(const HostListRow& row, const char* source) {
  HostFigures h;
  h.id = row.id;
  h.hostname = row.hostname;
  h.source = source;
  h.state = row.state;
  h.labels = bounded_json::parse_stored_or(row.labels_json, "host labels", json::object());
  if (!h.labels.is_object()) h.labels = json::object();
  const auto label = [&](const char* name) -> std::optional<std::string> {
    const auto it = h.labels.find(name);
    return it != h.labels.end() && it->is_string() ? std::optional(it->get<std::string>())
                                                   : std::nullopt;
  };
  h.region = label("region");
  h.province = label("province");
  return h;
}

// Imported hosts: everything is in the imported document (imported_host_figures).
void read_imported(Database& db, std::vector<HostFigures>& out) {
  const auto text = [](const json& v) -> std::optional<std::string> {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    return std::nullopt;
  };
  const auto number = [](const json& v) -> std::optional<double> {
    return v.is_number() ? std::optional(v.get<double>()) : std::nullopt;
  };
  for (const auto& row : imported_host_figures(db)) {
    const json v = bounded_json::parse_stored_or(row.figures_json, "imported host figures", json());
    if (!v.is_array() || v.size() != 8) continue;
    HostFigures h = host_row(row.host, "import");
    h.os_name = text(v[0]).value_or(text(v[1]).value_or(""));
    h.os_version = text(v[2]).value_or("");
    h.cores = number(v[3]).value_or(0);
    h.memory_bytes = number(v[4]).value_or(0);
    h.cpu_p95 = number(v[5]);
    h.memory_p95 = number(v[6]);
    if (v[7].is_array()) {
      for (const auto& disk : v[7]) {
        if (disk.is_object())
          h.storage_bytes += number(disk.value("size_bytes", json())).value_or(0);
      }
    }
    out.push_back(std::move(h));
  }
}

double number_or_zero(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::optional<double> p95_over(Database& db, const std::string& id, std::string_view metric,
                               const UtilisationQuery& window) {
  UtilisationQuery q = window;
  q.host_id = id;
  q.metric = std::string(metric);
  const auto stats = query_window(db, q);
  if (stats.empty()) return std::nullopt;
  return stats.sketch.quantile(0.95);
}

// Agent hosts: their inventory as the fleet export reads it, and p95s over the window.
void read_agents(Database& db, const UtilisationQuery& window, std::vector<HostFigures>& out) {
  static const std::vector<std::string> kSections = {"system", "hardware"};
  std::vector<HostFigures> hosts;
  for (const auto& row : agent_host_rows(db)) hosts.push_back(host_row(row, "agent"));
  for (HostFigures& h : hosts) {
    json sections = json::object();
    for (const auto& [section, data] : inventory_data(db, h.id, kSections)) {
      sections[section] = bounded_json::parse_stored_or(data, "inventory section", json::object());
    }
    const json host = host_from_inventory(sections);
    const json os = host.value("os", json::object());
    h.os_name = os.contains("name") && os["name"].is_string() ? os["name"].get<std::string>()
                : os.contains("family") && os["family"].is_string()
                    ? os["family"].get<std::string>()
                    : "";
    h.os_version =
        os.contains("version") && os["version"].is_string() ? os["version"].get<std::string>() : "";
    h.cores = number_or_zero(host.value("cpu", json::object()), "cores");
    h.memory_bytes = number_or_zero(host, "memory_bytes");
    for (const auto& disk : host.value("disks", json::array()))
      h.storage_bytes += number_or_zero(disk, "size_bytes");
    h.cpu_p95 = p95_over(db, h.id, protocol::report::metric::kCpuRatio.name, window);
    h.memory_p95 = p95_over(db, h.id, protocol::report::metric::kMemoryRatio.name, window);
    out.push_back(std::move(h));
  }
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

// The figures of every host, recomputed when the fleet changes (its fingerprint, stale count or
// the window) or after kMaxAge, since utilisation moves without changing the fingerprint. Reading
// 10,000 imported documents takes a moment; the Overview asks for it on every visit.
constexpr auto kMaxAge = std::chrono::seconds(60);

struct CachedFleet {
  std::string key;
  std::chrono::steady_clock::time_point computed;
  std::shared_ptr<const std::vector<HostFigures>> hosts;
};

std::shared_ptr<const std::vector<HostFigures>> read_fleet(Context& ctx, std::int64_t window) {
  static std::mutex mutex;
  static CachedFleet cache;
  const std::int64_t now = ctx.now();
  const std::string key = ctx.store.read([&](Database& db) {
    return ctx.store.path().string() + "|" + fleet_fingerprint(db) + "|" +
           std::to_string(host_counts_by_state(db)["stale"]) + "|" + std::to_string(window);
  });
  std::lock_guard lock(mutex);
  if (cache.key == key && std::chrono::steady_clock::now() - cache.computed < kMaxAge) {
    return cache.hosts;
  }
  auto hosts = std::make_shared<std::vector<HostFigures>>();
  ctx.store.read([&](Database& db) {
    hosts->clear();
    read_imported(db, *hosts);
    read_agents(db, {"", "", now - window, now, raw_from(ctx.config.retention, now)}, *hosts);
  });
  cache = {key, std::chrono::steady_clock::now(), hosts};
  return hosts;
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(); }

}  // namespace

json fleet_hosts_table(Context& ctx, std::int64_t window) {
  json rows = json::array();
  for (const HostFigures& h : *read_fleet(ctx, window)) {
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

json fleet_summary(Context& ctx, std::int64_t window) {
  const std::int64_t now = ctx.now();
  const auto fleet = read_fleet(ctx, window);
  const std::vector<HostFigures>& hosts = *fleet;

  Totals all;
  std::map<std::string, std::int64_t> by_source, by_state;
  std::map<std::optional<std::string>, Totals> by_region, by_province;
  struct OsRow {
    std::int64_t hosts = 0;
    EndOfLifeStatus eol;
  };
  std::map<std::string, OsRow> by_os;
  std::map<std::string, std::int64_t> eol_counts = {
      {"supported", 0}, {"ending_soon", 0}, {"ended", 0}, {"unknown", 0}};
  Histogram cpu{}, memory{};
  std::int64_t agents_reporting = 0, agents_stale = 0;
  for (const HostFigures& h : hosts) {
    all.add(h);
    by_source[h.source]++;
    by_state[h.state]++;
    if (h.source == "agent") (h.state == "stale" ? agents_stale : agents_reporting)++;
    by_region[h.region].add(h);
    by_province[h.province].add(h);
    OsRow& os = by_os[os_label(h)];
    if (os.hosts++ == 0) os.eol = end_of_life(h.os_name, h.os_version, now);
    eol_counts[end_of_life_name(os.eol.status)]++;
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
                       {"status", end_of_life_name(row.eol.status)}});
  }
  return {{"format", "sahab-fleet-summary/1"},
          {"generated_at", format_rfc3339(now)},
          {"window_days", static_cast<double>(window) / 86'400.0},
          {"hosts", all.hosts},
          {"cores", all.cores},
          {"memory_bytes", all.memory_bytes},
          {"storage_bytes", all.storage_bytes},
          {"by_source", by_source},
          {"by_state", by_state},
          {"stale", by_state.contains("stale") ? by_state["stale"] : 0},
          {"agents", {{"reporting", agents_reporting}, {"stale", agents_stale}}},
          {"by_region", sorted_totals(by_region)},
          {"by_province", sorted_totals(by_province)},
          {"by_os", os_json},
          {"end_of_life", eol_counts},
          {"utilisation", {{"bands", kBands}, {"cpu_p95", cpu}, {"memory_p95", memory}}}};
}

namespace {

// GET PATH?window=30d answered by `compute`.
ApiHandler windowed_json(nlohmann::json (*compute)(Context&, std::int64_t)) {
  return windowed([compute](Context& ctx, const http::Request&, std::int64_t window) {
    return json_response(200, compute(ctx, window));
  });
}

}  // namespace

void register_fleet_summary_routes(http::Server& server, Context& ctx) {
  add_api_routes(
      server, ctx,
      {{"GET", "/api/v1/fleet/summary", MinRole::kViewer, windowed_json(fleet_summary)},
       {"GET", "/api/v1/fleet/hosts", MinRole::kViewer, windowed_json(fleet_hosts_table)}});
}

}  // namespace sahab::collector
