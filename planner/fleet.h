#pragma once
// The sahab-fleet/1 document: what runs where, how loaded it is, and what talks to what.
// Every field but a host's id may be absent; absent values stay empty optionals so the planner
// can say what it assumed instead of inventing numbers silently.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::planner {

// A fleet document that is not valid: the message names the host (or connection) and the field.
class FleetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Percentiles {
  std::optional<double> p50, p90, p95, p99, max;
};

struct Utilisation {
  std::optional<double> window_days;
  std::optional<double> coverage;  // share of expected data points present, 0..1
  Percentiles cpu_ratio;
  Percentiles memory_ratio;
  Percentiles disk_read_iops, disk_write_iops;
  Percentiles disk_read_bytes_per_second, disk_write_bytes_per_second;
  Percentiles network_receive_bytes_per_second, network_transmit_bytes_per_second;
};

struct Disk {
  std::string name;
  std::optional<double> size_bytes;
  std::optional<double> used_bytes;
};

struct Software {
  std::string name;
  std::string version;
};

struct Listening {
  int port = 0;
  std::string protocol;
  std::string process;
};

struct Host {
  std::string id;
  std::string hostname;
  std::map<std::string, std::string> labels;
  std::string os_family, os_name, os_version, arch;
  std::optional<int> cpu_cores;
  std::string cpu_model;
  std::optional<double> cpu_mhz;
  std::optional<double> memory_bytes;
  std::vector<Disk> disks;
  std::optional<double> uplink_mbps;
  std::optional<Utilisation> utilisation;
  std::vector<Software> software;
  std::vector<Listening> listening;

  // The label's value, or "" when absent.
  const std::string& label(const std::string& key) const;
};

struct Connection {
  std::string source;  // host id of the client
  std::string target;  // host id of the server it talks to
  int port = 0;
  double connections_per_day = 0;
  double bytes_per_day = 0;
};

struct Fleet {
  std::string generated_at;
  std::vector<Host> hosts;
  std::vector<Connection> connections;
};

inline constexpr const char* kFleetFormat = "sahab-fleet/1";
// A fleet file larger than this is refused before parsing (about 2 KB per host for 250k hosts).
inline constexpr std::uintmax_t kMaxFleetFileBytes = 512ull << 20;

// Parses and validates a sahab-fleet/1 document. Throws FleetError naming the host and field.
Fleet fleet_from_json(const nlohmann::json& document);
Fleet fleet_from_text(std::string_view text);
Fleet load_fleet_file(const std::filesystem::path& file);

nlohmann::json fleet_to_json(const Fleet& fleet);
nlohmann::json host_to_json(const Host& host);

}  // namespace sahab::planner
