// sahab-agent: node_exporter-compatible metrics and inventory for one server.
#include <malloc.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "agent/config.h"
#include "agent/identity.h"
#include "agent/inventory/connections.h"
#include "agent/inventory/inventory.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/node_collector.h"
#include "agent/metrics/registry.h"
#include "agent/metrics_endpoint.h"
#include "agent/push/reporting.h"
#include "agent/self_metrics.h"
#include "agent/utilisation/sampler.h"
#include "agent/web_access.h"
#include "common/http_server.h"
#include "common/log.h"
#include "sahab/version.h"

namespace {
using namespace sahab;
using namespace sahab::agent;

std::vector<NodeCollector::Entry> enabled_collectors(const AgentConfig& config) {
  std::vector<NodeCollector::Entry> entries;
  std::string names;
  for (const auto& info : known_collectors()) {
    if (!config.collector_enabled(info.name, info.enabled_by_default)) continue;
    entries.push_back({info.name, info.make(config.paths)});
    names += (names.empty() ? "" : ",") + info.name;
  }
  log::info("enabled collectors: " + names);
  return entries;
}

// sahab_agent_info{version,host_id} 1, so dashboards can join on the host's identity.
class AgentInfo : public prometheus::Collectable {
 public:
  explicit AgentInfo(std::string host_id) : host_id_(std::move(host_id)) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    FamilyBuilder(out, "sahab_agent_info", "Sahab agent version and host identity.",
                  prometheus::MetricType::Gauge)
        .add({{"host_id", host_id_}, {"version", kVersion}}, 1);
    return out;
  }

 private:
  std::string host_id_;
};

// SIGINT and SIGTERM are blocked before any thread starts (threads inherit the mask), and the main
// thread waits for them with sigwait, so no thread is interrupted and shutdown runs in order.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

inventory::Context inventory_context(const AgentConfig& config) {
  return {config.paths, config.state_dir, config.labels, config.listen_address};
}

// --once: one inventory and one utilisation summary on stdout, then exit.
int run_once(const AgentConfig& config) {
  const inventory::Inventory inventory(inventory_context(config));
  const nlohmann::json out = {{"inventory", inventory.collect()},
                              {"summary", utilisation::summary_of_one_second(config.paths)}};
  std::cout << inventory::to_text(out, 2) << "\n";
  return 0;
}

std::string local_hostname() {
  char name[256] = "";
  ::gethostname(name, sizeof name - 1);
  return name;
}

// Store and forward to the collector; null when no --collector.url is configured.
std::unique_ptr<Reporting> start_reporting(const AgentConfig& config, const std::string& host_id,
                                           std::shared_ptr<inventory::Inventory> inventory,
                                           std::shared_ptr<utilisation::Sampler> sampler) {
  if (config.collector_url.empty()) {
    log::info("no --collector.url: serving metrics and inventory only, reporting nothing");
    return nullptr;
  }
  ReportContent content{host_id, [sampler] { return sampler->ring().hand_over(); },
                        [inventory] { return inventory->collect(); }};
  return std::make_unique<Reporting>(config, host_id, local_hostname(), std::move(content));
}

// By default enough threads that 32 idle or trickling sockets leave Prometheus's scrape a free
// one, and timeouts that free them soon (docs/security.md).
http::Options server_options(const AgentConfig& config) {
  http::Options options;
  options.listen = config.listen_address;
  options.threads = config.max_connections;
  options.max_body_bytes = 0;       // the agent accepts no request bodies
  options.max_header_bytes = 8192;  // GETs with a few headers; CivetWeb allocates it per thread
  options.request_timeout_ms = 5'000;
  options.keep_alive_timeout_ms = 20'000;  // longer than a 15 s scrape interval
  options.max_connections_per_address = 8;
  options.release_worker_stacks = true;  // 40 workers x ~40 KiB of touched stack otherwise
  return options;
}

int run(const AgentConfig& config) {
  if (config.once) return run_once(config);
  const sigset_t stop_signals = block_stop_signals();
  auto metrics = std::make_shared<MetricsEndpoint>();
  metrics->add(std::make_shared<NodeCollector>(enabled_collectors(config)));
  const std::string host_id = read_host_id(config.paths, config.state_dir);
  metrics->add(std::make_shared<AgentInfo>(host_id));
  auto inventory = std::make_shared<inventory::Inventory>(inventory_context(config));
  const auto self = make_self_metrics();
  metrics->add(self.sample_duration);
  metrics->add(std::make_shared<ProcessMetrics>());
  // Each sample also reads the socket tables, so connections shorter than a report still count.
  auto sampler = std::make_shared<utilisation::Sampler>(
      config.paths, utilisation::SamplerOptions{config.sample_interval, config.report_interval},
      [inventory] {
        inventory::Problems ignored;  // reported by the network section of /inventory
        inventory->tracker().observe(nullptr, ignored);
      },
      self.sample_duration.get());
  metrics->add(std::make_shared<SummaryRingMetrics>(
      std::shared_ptr<const utilisation::SummaryRing>(sampler, &sampler->ring())));

  http::Server server(server_options(config));
  const PrivateEndpointAccess private_access(
      config.inventory_token_file.empty()
          ? ""
          : settings::read_token_file(config.inventory_token_file, "inventory token"));
  server.route("GET", "/metrics", [metrics](const http::Request&) { return metrics->serve(); });
  server.route("GET", "/inventory", private_access.guard([inventory](const http::Request&) {
    return http::Response::json(200, inventory::to_text(inventory->collect()));
  }));
  server.route("GET", "/utilisation", private_access.guard([sampler](const http::Request&) {
    return http::Response::json(
        200, inventory::to_text({{"summaries", sampler->ring().pending_json()}}));
  }));
  server.route("GET", "/healthz",
               [](const http::Request&) { return http::Response::text(200, "ok"); });
  server.route("GET", "/", [](const http::Request&) {
    http::Response r = http::Response::text(
        200, std::string("sahab-agent ") + kVersion +
                 "\n/metrics  Prometheus metrics\n/inventory  inventory (JSON)\n/utilisation  "
                 "summaries not yet shipped (JSON)\n/healthz  liveness\n");
    return r;
  });
  // Every metrics source is added before the server starts: serve() does not lock the list.
  const auto reporting = start_reporting(config, host_id, inventory, sampler);
  if (reporting) metrics->add(reporting->metrics());
  server.start();
  sampler->start();
  log::info("listening on " + config.listen_address + " (port " + std::to_string(server.port()) +
            ")");

  int signal = 0;
  sigwait(&stop_signals, &signal);
  log::info(std::string("shutting down on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
  sampler->stop();
  server.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives each thread that allocates its own malloc arena; with 40 HTTP threads serving
  // scrapes in turn, that is 16 arenas of scattered, retained pages (RSS 17 MiB instead of 13).
  // The agent allocates little and rarely in parallel: one arena is enough.
  mallopt(M_ARENA_MAX, 1);
  // Fixed thresholds (glibc otherwise raises its mmap threshold after each large free, up to
  // 32 MiB): a report's large transient buffers (inventory JSON, gzip) are mapped and unmapped
  // rather than left in the heap, and free memory at the heap's top goes back past 64 KiB.
  // Measured with push active: 1.2 MiB less resident (docs/benchmarks.md).
  mallopt(M_MMAP_THRESHOLD, 64 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024);
  AgentConfig config;
  try {
    auto schema = agent_schema(config);
    if (schema.parse(argc, argv, std::cout) != settings::Outcome::kRun) return 0;
    return run(config);
  } catch (const settings::ConfigError& e) {
    std::cerr << "sahab-agent: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sahab-agent: " << e.what() << "\n";
    return 1;
  }
}
