#pragma once
// The agent's inventory (`sahab-inventory/1`, docs/agent-report-format.md and docs/inventory.md):
// identity, system, hardware, software and network sections, each with the sha256 of its
// canonical JSON so an unchanged section need not be sent again.
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/inventory/parsers.h"
#include "agent/inventory/processes.h"

namespace sahab::agent::inventory {

struct Context {
  Paths paths;
  std::filesystem::path state_dir;  // where a generated host id is persisted
  std::map<std::string, std::string> labels;
  // --web.listen-address, reported so the collector's http_sd endpoint gives Prometheus the
  // agent's real port.
  std::string listen_address;
};

class ConnectionTracker;

// One function per section; each reads its files under ctx.paths and returns the section's data.
// Problems (unreadable or malformed files) are noted and the rest of the section is kept.
nlohmann::json collect_identity(const Context& ctx, Problems& problems);
nlohmann::json collect_system(const Context& ctx, Problems& problems);
nlohmann::json collect_hardware(const Context& ctx, Problems& problems);
// `listening` is the network section's listening list, for recognising software by port.
nlohmann::json collect_software(const Context& ctx, const ProcessScan& processes,
                                const nlohmann::json& listening, Problems& problems);
// Reads the socket tables once more (into `tracker`) and reports listening sockets and the
// connection edges the tracker accumulated.
nlohmann::json collect_network(const Context& ctx, ConnectionTracker& tracker,
                               const ProcessScan& processes, Problems& problems);

// sha256 (lower-case hex) of the canonical JSON of `data`: nlohmann's objects keep keys sorted,
// and every list the sections produce is sorted, so equal content gives an equal hash.
std::string section_hash(const nlohmann::json& data);

// Assembles every section: {"format": "sahab-inventory/1", "collected_at", "full": true,
// "sections": {name: {"hash", "data"}}}. Thread-safe; sections are collected on each call.
class Inventory {
 public:
  explicit Inventory(Context ctx);
  ~Inventory();
  nlohmann::json collect() const;
  // The tracker the sampler feeds between inventories, so short-lived connections are seen.
  ConnectionTracker& tracker() { return *tracker_; }

 private:
  Context ctx_;
  std::unique_ptr<ConnectionTracker> tracker_;
};

// JSON text that never throws on invalid UTF-8 (process names and package fields are bytes from
// the system): bad sequences become U+FFFD. Used for output and for hashing.
std::string to_text(const nlohmann::json& json, int indent = -1);

}  // namespace sahab::agent::inventory
