#include "agent/config.h"

#include "agent/metrics/registry.h"
#include "common/log.h"
#include "sahab/version.h"

namespace sahab::agent {
namespace {
using settings::BadValue;
using settings::Kind;

// Label names follow Prometheus rules so they can become metric labels unchanged.
void check_label_name(const std::string& name) {
  bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
  if (!ok) throw BadValue("label name '" + name + "' must be letters, digits, '_' or '.'");
}

}  // namespace

bool AgentConfig::collector_enabled(const std::string& name, bool enabled_by_default) const {
  const auto it = collector_choices.find(name);
  return it == collector_choices.end() ? enabled_by_default : it->second;
}

settings::Schema agent_schema(AgentConfig& c) {
  settings::Schema schema(
      "sahab-agent",
      "Exports this server's metrics (node_exporter-compatible) and inventory, and reports them "
      "to a Sahab collector.",
      kVersion);
  set_platform_defaults(c);
  const auto value = schema.value_adder();
  const auto path = settings::store_path;

  value("web.listen-address", "web.listen_address",
        "address to serve /metrics, /inventory, /healthz on", c.listen_address,
        settings::store_listen_address(c.listen_address));
  value("web.inventory-token-file", "web.inventory_token_file",
        "file holding a bearer token that lets callers off loopback read /inventory and "
        "/utilisation",
        "none: loopback only", path(c.inventory_token_file));
  value("web.max-connections", "web.max_connections",
        "connections served at once (one thread each, ~70 KiB of memory each once used); idle or "
        "slow clients beyond it wait",
        std::to_string(c.max_connections), [&c](const std::string& v) {
          c.max_connections = static_cast<int>(settings::parse_integer(v, 4, 1000));
        });
  value("collector.url", "collector.url", "base URL of the Sahab collector to report to", "none",
        [&c](const std::string& v) {
          if (!v.starts_with("http://") && !v.starts_with("https://")) {
            throw BadValue("expected an http:// or https:// URL, got '" + v + "'");
          }
          c.collector_url = v;
        });
  value("enrolment-token-file", "enrolment_token_file",
        "file holding the collector's enrolment token", "none", path(c.enrolment_token_file));
  value("state.dir", "state.dir", "directory for the agent's identity and credentials",
        c.state_dir.string(), path(c.state_dir));
  value("spool.dir", "spool.dir", "directory for reports waiting to reach the collector",
        c.spool_dir.string(), path(c.spool_dir));
  value("spool.max-bytes", "spool.max_bytes",
        "size bound of the spool; oldest batches are dropped past it", "64MiB",
        [&c](const std::string& v) { c.spool_limits.max_bytes = settings::parse_size(v); });
  value("spool.max-age", "spool.max_age", "age bound of the spool; older batches are dropped",
        "14d", [&c](const std::string& v) {
          c.spool_limits.max_age = std::chrono::duration_cast<std::chrono::seconds>(
              settings::parse_positive_duration(v));
        });
  auto client_file = [](std::string& target) {
    return [&target](const std::string& v) {
      if (v.empty()) throw BadValue("expected a path");
      target = v;
    };
  };
  value("collector.ca-file", "collector.ca_file",
        "PEM CA bundle to verify the collector's certificate", "system trust store",
        client_file(c.client.ca_file));
  value("collector.client-cert", "collector.client_cert", "PEM client certificate for mutual TLS",
        "none", client_file(c.client.client_cert));
  value("collector.client-key", "collector.client_key", "PEM key of the client certificate", "none",
        client_file(c.client.client_key));
  value("collector.proxy", "collector.proxy",
        "http:// proxy URL for reaching the collector (https through CONNECT)",
        "https_proxy/no_proxy environment", [&c](const std::string& v) { c.client.proxy = v; });
  value("collector.timeout", "collector.timeout", "timeout of one request to the collector", "60s",
        [&c](const std::string& v) { c.client.timeout = settings::parse_positive_duration(v); });
  value("sample.interval", "sample.interval", "how often utilisation is sampled", "15s",
        [&c](const std::string& v) { c.sample_interval = settings::parse_positive_duration(v); });
  value("report.interval", "report.interval", "how often samples are summarised and reported",
        "60s",
        [&c](const std::string& v) { c.report_interval = settings::parse_positive_duration(v); });
  value("log.level", "log.level", "debug, info, warn or error", c.log_level,
        [&c](const std::string& v) {
          if (!log::set_level(v)) throw BadValue("expected debug, info, warn or error");
          c.log_level = v;
        });
  schema.add({"label", "labels",
              "a label describing this server (region, province, commune, environment, "
              "criticality, sensitivity, application, owner, site.uplink_mbps, ...)",
              "", Kind::kKeyValue, [&c](const std::string& k, const std::string& v) {
                check_label_name(k);
                c.labels[k] = v;
              }});
  schema.add(
      {"once", "", "print one inventory and utilisation sample as JSON and exit", "", Kind::kSwitch,
       [&c](const std::string& v, const std::string&) { c.once = settings::parse_bool(v); }});
  for (const auto& info : known_collectors()) {
    const std::string name = info.name;
    schema.add({"collector." + name, "collectors." + name,
                "collector '" + name + "': " + info.description,
                info.enabled_by_default ? "enabled" : "disabled", Kind::kSwitch,
                [&c, name](const std::string& v, const std::string&) {
                  c.collector_choices[name] = settings::parse_bool(v);
                }});
  }
  add_platform_settings(schema, c);
  return schema;
}

}  // namespace sahab::agent
