#include "collector/sources/source_runner.h"

#include <malloc.h>

#include <algorithm>
#include <map>

#include "collector/api/import_apply.h"
#include "collector/api/import_plan.h"
#include "collector/sources/vcenter_inventory.h"
#include "collector/sources/vsphere_client.h"
#include "collector/store/agents.h"
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
  return {plan.take(), plan.counts()};
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
                    .Register(registry)) {
  store_.write([this](Database& db) { fail_interrupted_runs(db, now_()); });
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
    // One run at a time: a source's runs never overlap, and a large vCenter's run does not
    // compete with another's for the collector's memory.
    while (!requested_.empty() && !stop_) {
      const auto id = *requested_.begin();
      requested_.erase(requested_.begin());
      running_.insert(id);
      lock.unlock();
      run(id);
      lock.lock();
      running_.erase(id);
    }
    cv_.wait_for(lock, kSchedulePoll, [this] { return stop_ || !requested_.empty(); });
  }
}

void SourceRunner::run(std::int64_t id) {
  const auto source = store_.read([id](Database& db) { return find_source(db, id); });
  if (!source) return;  // deleted since it was asked for
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
    std::vector<std::string> ids;
    for (const auto& row : d.plan.hosts) ids.push_back(row.host["id"].get<std::string>());
    store_.write([&](Database& db) {
      const auto now = now_();
      const auto decisions = decide_import(db, d.plan);
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
