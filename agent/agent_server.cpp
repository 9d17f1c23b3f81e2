#include "agent/agent_server.h"

#include <iostream>

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
#include "common/settings.h"
#include "sahab/version.h"

namespace sahab::agent {
namespace {

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
class AgentInfo : public Collector {
 public:
  explicit AgentInfo(std::string host_id) : host_id_(std::move(host_id)) {}
  void collect(Exposition& out) const override {
    FamilyBuilder(out, "sahab_agent_info", "Sahab agent version and host identity.",
                  prometheus::MetricType::Gauge)
        .add({{"host_id", host_id_}, {"version", kVersion}}, 1);
  }

 private:
  std::string host_id_;
};

inventory::Context inventory_context(const AgentConfig& config) {
  return {config.paths, config.state_dir, config.labels, config.listen_address};
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

// Store and forward to the collector; null when no collector URL is configured.
std::unique_ptr<Reporting> start_reporting(const AgentConfig& config, const std::string& host_id,
                                           const std::string& host_name,
                                           std::shared_ptr<inventory::Inventory> inventory,
                                           std::shared_ptr<utilisation::Sampler> sampler) {
  if (config.collector_url.empty()) {
    log::info("no collector URL: serving metrics and inventory only, reporting nothing");
    return nullptr;
  }
  ReportContent content{host_id, [sampler] { return sampler->ring().hand_over(); },
                        [inventory] { return inventory->collect(); }};
  return std::make_unique<Reporting>(config, host_id, host_name, std::move(content));
}

std::string read_inventory_token(const AgentConfig& config) {
  return config.inventory_token_file.empty()
             ? ""
             : settings::read_token_file(config.inventory_token_file, "inventory token");
}

}  // namespace

int print_once(const AgentConfig& config) {
  const inventory::Inventory inventory(inventory_context(config));
  const nlohmann::json out = {{"inventory", inventory.collect()},
                              {"summary", utilisation::summary_of_one_second(config.paths)}};
  std::cout << inventory::to_text(out, 2) << "\n";
  return 0;
}

// Members in the order they are built; the server's handlers hold the others, and every metrics
// source is added before the server starts (serve() does not lock the list).
struct AgentServer::Parts {
  Parts(const AgentConfig& config, const std::string& host_name, const std::string& platform)
      : listen_address(config.listen_address),
        host_id(read_host_id(config.paths, config.state_dir)),
        inventory(std::make_shared<inventory::Inventory>(inventory_context(config))),
        private_access(read_inventory_token(config)),
        server(server_options(config)) {
    metrics->add(std::make_shared<NodeCollector>(enabled_collectors(config)));
    metrics->add(std::make_shared<AgentInfo>(host_id));
    const auto self = make_self_metrics();
    metrics->add(self.sample_duration);
    metrics->add(std::make_shared<ProcessMetrics>());
    // Each sample also reads the socket tables, so connections shorter than a report still count.
    sampler = std::make_shared<utilisation::Sampler>(
        config.paths, utilisation::SamplerOptions{config.sample_interval, config.report_interval},
        [inventory = inventory] {
          inventory::Problems ignored;  // reported by the network section of /inventory
          inventory->tracker().observe(nullptr, ignored);
        },
        self.sample_duration.get());
    metrics->add(std::make_shared<SummaryRingMetrics>(
        std::shared_ptr<const utilisation::SummaryRing>(sampler, &sampler->ring())));
    reporting = start_reporting(config, host_id, host_name, inventory, sampler);
    if (reporting) metrics->add(reporting->metrics());
    add_routes(platform);
  }

  void add_routes(const std::string& platform) {
    server.route("GET", "/metrics",
                 [metrics = metrics](const http::Request&) { return metrics->serve(); });
    server.route("GET", "/inventory",
                 private_access.guard([inventory = inventory](const http::Request&) {
                   return http::Response::json(200, inventory::to_text(inventory->collect()));
                 }));
    server.route("GET", "/utilisation",
                 private_access.guard([sampler = sampler](const http::Request&) {
                   return http::Response::json(
                       200, inventory::to_text({{"summaries", sampler->ring().pending_json()}}));
                 }));
    server.route("GET", "/healthz",
                 [](const http::Request&) { return http::Response::text(200, "ok"); });
    const std::string index =
        std::string("sahab-agent ") + kVersion + platform +
        "\n/metrics  Prometheus metrics\n/inventory  inventory (JSON)\n"
        "/utilisation  summaries not yet shipped (JSON)\n/healthz  liveness\n";
    server.route("GET", "/",
                 [index](const http::Request&) { return http::Response::text(200, index); });
  }

  std::string listen_address;
  std::string host_id;
  std::shared_ptr<MetricsEndpoint> metrics = std::make_shared<MetricsEndpoint>();
  std::shared_ptr<inventory::Inventory> inventory;
  std::shared_ptr<utilisation::Sampler> sampler;
  std::unique_ptr<Reporting> reporting;
  const PrivateEndpointAccess private_access;
  http::Server server;
};

AgentServer::AgentServer(const AgentConfig& config, const std::string& host_name,
                         const std::string& platform)
    : parts_(std::make_unique<Parts>(config, host_name, platform)) {}

AgentServer::~AgentServer() = default;

void AgentServer::start() {
  parts_->server.start();
  parts_->sampler->start();
  log::info("listening on " + parts_->listen_address + " (port " +
            std::to_string(parts_->server.port()) + ")");
}

void AgentServer::stop() {
  parts_->sampler->stop();
  parts_->reporting.reset();
  parts_->server.stop();
}

}  // namespace sahab::agent
