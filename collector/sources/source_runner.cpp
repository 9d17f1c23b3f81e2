#include "collector/sources/source_runner.h"

#include <malloc.h>

#include <algorithm>
#include <map>

#include "collector/api/import_apply.h"
#include "collector/api/import_plan.h"
#include "collector/sources/vcenter_inventory.h"
#include "collector/sources/vsphere_client.h"
#include "collector/sources/vsphere_perf.h"
#include "collector/store/agents.h"
#include "collector/store/batch_writer.h"
#include "common/log.h"

namespace sahab::collector {
namespace {

// Row errors kept on the source (the rest are counted): enough to see what is wrong.
constexpr std::size_t kMaxKeptErrors = 20;
// VMs whose details one request asks for: a few MB of answer.
constexpr std::size_t kDetailBatch = 250;
// How often the schedule is looked at; runs asked for through the API start at once.
constexpr std::chrono::seconds kSchedulePoll{5};

vsphere::SoapTransport transport_for(const SourceConfig& config,
                                     std::chrono::steady_clock::time_point deadline,
                                     const std::atomic<bool>* cancel = nullptr) {
  vsphere::TransportOptions options;
  options.url = config.url;
  options.ca_file = config.ca_file;
  options.insecure = config.insecure;
  options.deadline = deadline;
  options.cancel = cancel;
  return vsphere::curl_transport(options);
}

struct Discovery {
  ImportPlan plan;
  vsphere::InventoryCounts counts;
  // By plan row - 1: the VM's managed object id, and whether it runs (templates and VMs powered
  // off have no samples to read).
  std::vector<std::string> vm_ids;
  std::vector<bool> running;
};

// The inventory first (every object's place and each VM's own figures), then the VMs' details a
// batch at a time, each batch mapped and dropped before the next is asked for: the collector never
// holds a large vCenter's whole answer (vcsim, for one, does not page).
Discovery discover(const Source& source, const std::string& password,
                   std::chrono::steady_clock::time_point deadline,
                   const std::atomic<bool>& cancel) {
  vsphere::VsphereSession session(transport_for(source.config, deadline, &cancel));
  session.login(source.config.username, password);
  const auto inventory = session.retrieve_all(vsphere::inventory_requests());
  const auto fields =
      session.retrieve_service_object(vsphere::kCustomFieldsManager, vsphere::custom_field_paths());
  vsphere::VcenterPlan plan(inventory, fields, source.config.name);
  const auto& vms = plan.vms();
  for (std::size_t first = 0; first < vms.size(); first += kDetailBatch) {
    const std::size_t last = std::min(vms.size(), first + kDetailBatch);
    std::vector<std::string> ids;
    for (std::size_t i = first; i < last; ++i) ids.push_back(vms[i]->id);
    std::map<std::string, vsphere::ObjectContent> details;
    for (auto& d : session.retrieve_objects("VirtualMachine", ids, vsphere::vm_detail_paths()))
      details.emplace(d.id, std::move(d));
    for (std::size_t i = first; i < last; ++i) {
      vsphere::ObjectContent vm = *vms[i];
      if (auto it = details.find(vm.id); it != details.end())
        vm.properties.merge(it->second.properties);
      plan.add(i + 1, vm);
    }
  }
  session.logout();
  Discovery d{plan.take(), plan.counts(), {}, {}};
  for (const auto* vm : vms) {
    d.vm_ids.push_back(vm->id);
    d.running.push_back(vm->text("runtime.powerState") == "poweredOn" &&
                        vm->text("config.template") != "true");
  }
  return d;
}

// Sample budget of one QueryPerf: its answer stays a few MB of XML however long the windows.
constexpr std::size_t kPerfSamplesPerQuery = 20'000;
constexpr std::size_t kPerfVmsPerQuery = 250;

struct PerfTarget {
  std::string vm, host;
  std::optional<std::int64_t> since;
};

// The QueryPerf calls of one sampling level: VMs grouped while their windows fit the budget.
struct PerfQuery {
  std::int64_t interval = 0;
  std::vector<std::size_t> targets;  // into the run's targets
  std::vector<vsphere::PerfWindow> windows;
  std::size_t samples = 0;
};

std::vector<PerfQuery> plan_perf_queries(const std::vector<PerfTarget>& targets, std::int64_t now,
                                         const std::vector<vsphere::PerfInterval>& levels) {
  std::map<std::int64_t, std::vector<PerfQuery>> by_interval;
  for (std::size_t t = 0; t < targets.size(); ++t) {
    for (const auto& w : vsphere::perf_windows(targets[t].since, now, levels)) {
      auto& queries = by_interval[w.interval];
      const auto samples = static_cast<std::size_t>(w.max_samples());
      if (queries.empty() || queries.back().samples + samples > kPerfSamplesPerQuery ||
          queries.back().targets.size() == kPerfVmsPerQuery)
        queries.push_back({w.interval, {}, {}, 0});
      queries.back().targets.push_back(t);
      queries.back().windows.push_back(w);
      queries.back().samples += samples;
    }
  }
  std::vector<PerfQuery> out;
  for (auto& [interval, queries] : by_interval)
    for (auto& q : queries) out.push_back(std::move(q));
  return out;
}

// One QueryPerf, its VMs' windows each a querySpec.
std::string perf_request(const std::string& perf_manager, const PerfQuery& q,
                         const std::vector<PerfTarget>& targets,
                         const std::map<std::string, int>& keys) {
  std::string body = "<QueryPerf>" + perf_manager;
  for (std::size_t i = 0; i < q.targets.size(); ++i)
    body += vsphere::perf_query_spec(targets[q.targets[i]].vm, q.windows[i], keys);
  return body + "</QueryPerf>";
}

// What the server measures: its counter keys and sampling levels (realtime first).
struct PerfSetup {
  std::string manager;  // the PerformanceManager's <_this>
  std::map<std::string, int> keys;
  std::vector<vsphere::PerfInterval> levels;
};

PerfSetup perf_setup(vsphere::VsphereSession& session) {
  PerfSetup setup{session.reference("perfManager"), {}, {}};
  if (setup.manager.empty()) throw vsphere::VsphereError("protocol", "no PerformanceManager");
  const auto manager =
      session.retrieve_service_object("perfManager", {"perfCounter", "historicalInterval"});
  const vsphere::ObjectContent* pm = manager.empty() ? nullptr : &manager.front();
  setup.keys = vsphere::counter_keys(pm ? pm->find("perfCounter") : nullptr);
  if (setup.keys.empty()) throw vsphere::VsphereError("protocol", "no known performance counter");
  setup.levels = vsphere::historical_intervals(pm ? pm->find("historicalInterval") : nullptr);
  setup.levels.insert(setup.levels.begin(), vsphere::kRealtime);
  return setup;
}

// The VMs (managed object id, fleet host) to measure with where each one's samples start: the
// imported hosts only, an agent's host being measured by its agent.
std::vector<PerfTarget> perf_targets(Store& store,
                                     const std::vector<std::pair<std::string, std::string>>& vms) {
  std::vector<std::string> hosts;
  for (const auto& vm : vms) hosts.push_back(vm.second);
  const auto measured =
      store.read([&hosts](Database& db) { return measured_until_of_imported(db, hosts); });
  std::vector<PerfTarget> targets;
  for (const auto& [vm, host] : vms)
    if (const auto it = measured.find(host); it != measured.end())
      targets.push_back({vm, host, it->second});
  return targets;
}

// One QueryPerf asked, read within its limits and written; adds to `status` and to
// `first_measured` (the hosts whose first samples it stored).
void measure_query(Store& store, vsphere::VsphereSession& session, const PerfSetup& setup,
                   const PerfQuery& q, const std::vector<PerfTarget>& targets,
                   std::int64_t report_seconds, PerformanceStatus& status,
                   std::set<std::string>& first_measured) {
  std::map<std::string, std::size_t> asked;  // VM -> index in the query
  std::int64_t most = 0;
  for (std::size_t i = 0; i < q.targets.size(); ++i) {
    asked.emplace(targets[q.targets[i]].vm, i);
    most = std::max(most, q.windows[i].max_samples());
  }
  const auto answer =
      vsphere::read_perf_answer(session.call(perf_request(setup.manager, q, targets, setup.keys)),
                                {q.targets.size(), static_cast<std::size_t>(most)});
  std::vector<std::pair<std::string, std::vector<SummaryEntry>>> writes;
  for (const auto& samples : answer) {
    const auto it = asked.find(samples.vm);
    if (it == asked.end())
      throw vsphere::VsphereError(
          "protocol", "QueryPerf: samples of " + samples.vm.substr(0, 64) + ", not asked for");
    auto entries =
        vsphere::summary_entries(samples, setup.keys, report_seconds, q.windows[it->second].from);
    if (entries.empty()) continue;
    status.entries += static_cast<std::int64_t>(entries.size());
    const PerfTarget& target = targets[q.targets[it->second]];
    if (!target.since) first_measured.insert(target.host);
    writes.emplace_back(target.host, std::move(entries));
  }
  store.write([&writes](Database& db) {
    for (const auto& [host, entries] : writes) add_utilisation(db, host, entries);
  });
}

// The VMs' samples since the newest stored for each (the longest history on a VM's first run),
// written a query at a time. The coarsest levels first: a run cut short leaves each VM's newest
// stored sample where its next run must start.
PerformanceStatus measure(Store& store, const Source& source, const std::string& password,
                          const std::vector<std::pair<std::string, std::string>>& vms,
                          std::int64_t report_seconds, std::int64_t now,
                          std::chrono::steady_clock::time_point deadline,
                          const std::atomic<bool>& cancel) {
  vsphere::VsphereSession session(transport_for(source.config, deadline, &cancel));
  session.login(source.config.username, password);
  const PerfSetup setup = perf_setup(session);
  const auto targets = perf_targets(store, vms);
  PerformanceStatus status;
  status.vms = static_cast<std::int64_t>(targets.size());
  std::set<std::string> first_measured;
  const auto queries = plan_perf_queries(targets, now, setup.levels);
  for (auto q = queries.rbegin(); q != queries.rend(); ++q)
    measure_query(store, session, setup, *q, targets, report_seconds, status, first_measured);
  session.logout();
  // VMs sized on their configuration until now are sized on their use: a change of the fleet,
  // which the plans' cache follows (collector/store/fingerprint.h). Later samples move the
  // utilisation like an agent's reports do, without an audit line.
  if (!first_measured.empty()) {
    store.write([&](Database& db) {
      audit(db, now, "import", std::nullopt, "", "source " + std::to_string(source.id),
            "vcenter performance: " + std::to_string(first_measured.size()) +
                " hosts measured for the first time");
    });
  }
  status.state = "ok";
  return status;
}

std::string message_of(const ImportError& e) {
  return (e.id.empty() ? "" : e.id + ": ") + e.message;
}

}  // namespace

ConnectionTest test_source_connection(const SourceConfig& config, const std::string& password,
                                      std::chrono::seconds timeout) {
  ConnectionTest result;
  try {
    vsphere::VsphereSession session(
        transport_for(config, std::chrono::steady_clock::now() + timeout));
    session.login(config.username, password);
    result.about = session.about();
    session.logout();
    result.ok = true;
  } catch (const vsphere::VsphereError& e) {
    result.reason = e.reason;
    result.error = e.what();
  }
  return result;
}

SourceRunner::SourceRunner(Store& store, const SecretBox& secrets, prometheus::Registry& registry,
                           SourceRunnerOptions options, std::function<std::int64_t()> now)
    : store_(store),
      secrets_(secrets),
      options_(options),
      now_(std::move(now)),
      runs_(prometheus::BuildCounter()
                .Name("sahab_collector_source_runs_total")
                .Help("Discovery runs of each source, by outcome (ok, failed).")
                .Register(registry)),
      errors_(prometheus::BuildCounter()
                  .Name("sahab_collector_source_errors_total")
                  .Help("Failed discovery runs by reason (login, unreachable, tls, timeout, "
                        "too_large, protocol, store), and VMs a run could not map (vm).")
                  .Register(registry)),
      vms_(prometheus::BuildGauge()
               .Name("sahab_collector_source_vms")
               .Help("VMs the source's last successful run found.")
               .Register(registry)),
      last_success_(prometheus::BuildGauge()
                        .Name("sahab_collector_source_last_success_timestamp_seconds")
                        .Help("When the source's last successful run finished (unix seconds).")
                        .Register(registry)),
      duration_(prometheus::BuildGauge()
                    .Name("sahab_collector_source_run_duration_seconds")
                    .Help("How long the source's last run took.")
                    .Register(registry)),
      perf_runs_(prometheus::BuildCounter()
                     .Name("sahab_collector_source_performance_runs_total")
                     .Help("Performance runs of each source (its VMs' samples), by outcome.")
                     .Register(registry)) {
  fail_interrupted_runs();
}

namespace {
// Each source's runs on one PostgreSQL are one collector's at a time: the run's advisory lock.
std::int64_t source_run_lock(std::int64_t id) { return (std::int64_t{1935762020} << 24) + id; }
}  // namespace

void SourceRunner::fail_interrupted_runs() {
  for (const auto& s : store_.read([](Database& db) { return list_sources(db); })) {
    if (s.run.state != "running") continue;
    store_.run_exclusive(source_run_lock(s.id), [&] {
      store_.write([&](Database& db) { fail_interrupted_run(db, s.id, now_()); });
    });
  }
}

SourceRunner::~SourceRunner() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cancel_ = true;  // a run under way must not hold the collector's stop for its whole time limit
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SourceRunner::start() {
  thread_ = std::thread([this] { loop(); });
}

bool SourceRunner::request_run(std::int64_t id) {
  {
    std::lock_guard lock(mutex_);
    if (running_.contains(id) || !requested_.insert(id).second) return false;
    asked_.insert(id);
  }
  cv_.notify_all();
  return true;
}

void SourceRunner::loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    // Sources whose scheduled run is due join the ones asked for.
    std::vector<std::int64_t> due;
    try {
      const auto now = now_();
      for (const auto& s : store_.read([](Database& db) { return list_sources(db); }))
        if (s.run.next_run_at && *s.run.next_run_at <= now) due.push_back(s.id);
    } catch (const std::exception& e) {
      log::error(std::string("sources: cannot read the schedule: ") + e.what());
    }
    lock.lock();
    for (const auto id : due) requested_.insert(id);
    lock.unlock();
    // Performance runs take their turn between inventory runs.
    for (const auto id : performance_due(now_())) run_performance(id);
    lock.lock();
    // One run at a time: a source's runs never overlap, and a large vCenter's run does not
    // compete with another's for the collector's memory.
    while (!requested_.empty() && !stop_) {
      const auto id = *requested_.begin();
      requested_.erase(requested_.begin());
      const bool asked = asked_.erase(id) > 0;
      running_.insert(id);
      lock.unlock();
      run(id, asked);
      lock.lock();
      running_.erase(id);
    }
    cv_.wait_for(lock, kSchedulePoll, [this] { return stop_ || !requested_.empty(); });
  }
}

void SourceRunner::run(std::int64_t id, bool asked) {
  try {
    if (!store_.run_exclusive(source_run_lock(id), [&] { run_locked(id, asked); })) {
      // A due run is tried again at every schedule poll while the other collector runs it.
      const std::string why = "source " + std::to_string(id) + ": another collector is running it";
      asked ? log::info(why) : log::debug(why);
    }
  } catch (const std::exception& e) {
    log::error("source " + std::to_string(id) + ": cannot run: " + e.what());
  }
}

void SourceRunner::run_locked(std::int64_t id, bool asked) {
  const auto source = store_.read([id](Database& db) { return find_source(db, id); });
  if (!source) return;  // deleted since it was asked for
  // Due when this collector read the schedule, but another collector on the same PostgreSQL
  // may have run it since (and moved its next run on).
  if (!asked && source->run.next_run_at && *source->run.next_run_at > now_()) return;
  const auto started = std::chrono::steady_clock::now();
  std::int64_t run_number = 0;
  store_.write([&](Database& db) { run_number = start_source_run(db, id, now_()); });
  log::info("source " + std::to_string(id) + " (" + source->config.name + "): run started");
  SourceRun result;
  std::string reason;
  std::size_t written = 0, gone = 0;
  try {
    const auto password = secrets_.open(source->config.password_sealed);
    const auto d = discover(*source, password, started + options_.run_timeout, cancel_);
    std::vector<std::pair<std::string, std::string>> measured;  // VM -> its fleet host
    store_.write([&](Database& db) {
      const auto now = now_();
      const auto decisions = decide_import(db, d.plan);
      // The hosts the VMs are in the fleet: their own, or the stored host each matched.
      std::vector<std::string> ids;
      for (std::size_t i = 0; i < decisions.size(); ++i) {
        if (decisions[i].action.empty()) continue;
        ids.push_back(decisions[i].target);
        const auto row = static_cast<std::size_t>(d.plan.hosts[i].row) - 1;
        if (row < d.running.size() && d.running[row])
          measured.emplace_back(d.vm_ids[row], decisions[i].target);
      }
      const auto counts = count_import(d.plan, decisions);
      written = static_cast<std::size_t>(counts.created + counts.updated);
      // A run that changed hosts is an import of the history (rollback included) and of the
      // audit log, which the fleet's fingerprint follows; an unchanged run leaves no trace.
      if (written > 0) {
        write_import(db, d.plan, decisions,
                     {0, now, "source " + std::to_string(id), source->config.name, "",
                      d.plan.format, counts, std::nullopt, ""});
      }
      const auto sighting = record_source_hosts(db, id, run_number, ids, now);
      gone = sighting.gone.size();
      if (gone > 0 || sighting.back > 0) {
        audit(db, now, "import", std::nullopt, "", "source " + std::to_string(id),
              d.plan.format + ": " + std::to_string(gone) + " hosts gone, " +
                  std::to_string(sighting.back) + " back");
      }
    });
    result.state = "ok";
    {
      // The VMs' performance is read right after, then every performance_interval.
      std::lock_guard lock(mutex_);
      perf_targets_[id] = std::move(measured);
      perf_status_[id].next_run_at = now_();
    }
    result.vms = static_cast<std::int64_t>(d.counts.vms);
    result.hosts = static_cast<std::int64_t>(d.counts.hosts);
    for (const auto& e : d.plan.errors) {
      if (result.errors.size() < kMaxKeptErrors) result.errors.push_back(message_of(e));
      errors_.Add({{"source", source->config.name}, {"reason", "vm"}}).Increment();
    }
  } catch (const vsphere::VsphereError& e) {
    reason = e.reason;
    result.errors = {e.what()};
  } catch (const SecretBoxError& e) {
    reason = "password";
    result.errors = {e.what()};
  } catch (const std::exception& e) {
    reason = "store";
    result.errors = {e.what()};
  }
  if (!reason.empty()) result.state = "failed";
  const auto now = now_();
  result.finished_at = now;
  if (result.state == "ok") result.last_success_at = now;
  result.next_run_at = next_run_after(now);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  try {
    store_.write([&](Database& db) { finish_source_run(db, id, result); });
  } catch (const std::exception& e) {
    log::error("source " + std::to_string(id) + ": cannot record its run: " + e.what());
  }
  record_metrics(*source, result, seconds, reason);
  // A large run leaves hundreds of MB of small freed blocks in the runner's and the store
  // writer's malloc arenas: hand them back rather than keep them until the next run (10,000 VMs:
  // 268 MB kept after a run without this, 45 MB with it; docs/benchmarks.md).
  malloc_trim(0);
  if (result.state == "ok") {
    log::info("source " + std::to_string(id) + " (" + source->config.name +
              "): " + std::to_string(*result.vms) + " VMs, " + std::to_string(written) +
              " written, " + std::to_string(gone) + " gone, in " + std::to_string(seconds) + " s");
  } else {
    log::warn("source " + std::to_string(id) + " (" + source->config.name + "): run failed (" +
              reason + "): " + result.errors.front());
  }
}

std::optional<PerformanceStatus> SourceRunner::performance(std::int64_t id) {
  std::lock_guard lock(mutex_);
  const auto it = perf_status_.find(id);
  if (it == perf_status_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::int64_t> SourceRunner::performance_due(std::int64_t now) {
  std::lock_guard lock(mutex_);
  std::vector<std::int64_t> due;
  for (const auto& [id, status] : perf_status_)
    if (status.next_run_at && *status.next_run_at <= now) due.push_back(id);
  return due;
}

void SourceRunner::run_performance(std::int64_t id) {
  const auto source = store_.read([id](Database& db) { return find_source(db, id); });
  std::vector<std::pair<std::string, std::string>> vms;
  {
    std::lock_guard lock(mutex_);
    if (!source) {  // deleted since its last inventory
      perf_targets_.erase(id);
      perf_status_.erase(id);
      return;
    }
    vms = perf_targets_[id];
  }
  const auto started = std::chrono::steady_clock::now();
  PerformanceStatus status;
  try {
    status = measure(store_, *source, secrets_.open(source->config.password_sealed), vms,
                     options_.report_seconds, now_(), started + options_.run_timeout, cancel_);
  } catch (const vsphere::VsphereError& e) {
    status.state = "failed";
    status.error = e.reason + ": " + e.what();
  } catch (const std::exception& e) {
    status.state = "failed";
    status.error = e.what();
  }
  const auto now = now_();
  status.finished_at = now;
  status.next_run_at = now + options_.performance_interval.count();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  perf_runs_.Add({{"source", source->config.name}, {"outcome", status.state}}).Increment();
  if (status.state == "ok") {
    log::info("source " + std::to_string(id) + " (" + source->config.name + "): performance of " +
              std::to_string(status.vms) + " VMs, " + std::to_string(status.entries) +
              " summary entries, in " + std::to_string(seconds) + " s");
  } else {
    log::warn("source " + std::to_string(id) + " (" + source->config.name +
              "): performance run failed: " + status.error);
  }
  // As after an inventory run: a first performance run's parsed answers and entries leave
  // hundreds of MB of small freed blocks in the arenas (10,000 VMs: 198 MB kept, and the next
  // inventory run peaking at 319 MB instead of 263 MB; docs/benchmarks.md).
  malloc_trim(0);
  std::lock_guard lock(mutex_);
  perf_status_[id] = status;
}

void SourceRunner::record_metrics(const Source& source, const SourceRun& result, double seconds,
                                  const std::string& reason) {
  const std::string& name = source.config.name;
  runs_.Add({{"source", name}, {"outcome", result.state}}).Increment();
  duration_.Add({{"source", name}}).Set(seconds);
  if (!reason.empty()) {
    errors_.Add({{"source", name}, {"reason", reason}}).Increment();
    return;
  }
  vms_.Add({{"source", name}}).Set(static_cast<double>(result.vms.value_or(0)));
  last_success_.Add({{"source", name}}).Set(static_cast<double>(*result.last_success_at));
}

}  // namespace sahab::collector
