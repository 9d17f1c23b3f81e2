#pragma once
// The sahab-fleet/1 document (BRIEF §3, docs/fleet-format.md): what runs where, how loaded it is,
// and what talks to what. This file owns it: its typed form, its field table (fleet_fields.cpp)
// and the reader and writer made from that table. The collector writes it, the planner reads it.
// Every field but a host's id may be absent; absent values stay empty optionals so the planner
// can say what it assumed instead of inventing numbers silently.
#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sahab::protocol {

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
  // The data points the percentiles were computed from, when the source gives a series (an
  // import's time series: Migration Center's perfInfo; a vCenter's performance history: its
  // summaries); shown with the plan's confidence.
  std::optional<int> samples;
  // Who measured it: "agent" (sahab-agent, through the collector), "vcenter" (a discovery
  // source's performance history, docs/sources.md) or anything else an import
  // says ("import", "azure-migrate", ...); empty = not stated. Only agent data is retirement
  // evidence for production or high-criticality servers (docs/planner.md).
  std::string source;
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
  std::string evidence;  // the agent's clues, e.g. "package postgresql-15; port 5432/tcp"
};

// A system service (systemd unit, Windows service) and its state as the agent saw it.
struct Service {
  std::string name;
  std::string state;  // "running", "enabled", "stopped", ...
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
  std::vector<Service> services;

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

// A host a reader kept with only part of its description, and why.
struct HostProblem {
  std::string id;
  std::string problem;  // "field 'cpu.cores': expected a number between 1 and 4096, got 0"
};

struct Fleet {
  std::string generated_at;
  std::vector<Host> hosts;
  std::vector<Connection> connections;
};

inline constexpr const char* kFleetFormat = "sahab-fleet/1";
// A fleet file larger than this is refused before parsing (about 2 KB per host for 250k hosts).
inline constexpr std::uintmax_t kMaxFleetFileBytes = 512ull << 20;
// Objects and arrays nested in a fleet document, from its root; a real one nests 5 levels.
inline constexpr std::size_t kMaxFleetDepth = 64;

// ---- The field table -------------------------------------------------------------------------
// One row per field of a host or a connection. The reader checks and fills fields from it, the
// writer writes them from it, docs/fleet-format.md lists it; adding a field is one row here (and
// its member in the struct above).

inline constexpr double kAnyNumber = std::numeric_limits<double>::max();

enum class FieldType {
  kText,
  kNumber,
  kWholeNumber,
  kLabels,  // an object of strings: any member name, each value a string
};

// Where a field's value lives in a record: the reader writes through it, the writer reads it.
using FieldSlot = std::variant<std::string*, std::optional<double>*, std::optional<int>*, int*,
                               double*, std::map<std::string, std::string>*>;

template <class Record>
struct Field {
  std::string path;  // "cpu.cores"; a field of a list's elements: "disks[].size_bytes"
  FieldType type;
  std::string_view unit;  // "bytes", "MHz", "Mbit/s", "0..1", "" for text
  double min = 0;         // numbers only: the accepted range
  double max = kAnyNumber;
  const char* required = nullptr;   // why the field must be present; nullptr when optional
  bool written_when_empty = false;  // the writer writes "" or 0 rather than leave it out
  // The value in `record`; for a list's field, in its element `element`.
  FieldSlot (*slot)(Record& record, std::size_t element) = nullptr;
};

// A list of objects in a host ("disks": [{...}]): its fields are the rows named "disks[].…".
struct HostList {
  std::string_view name;
  void (*append)(Host&);
  std::size_t (*size)(const Host&);
};

std::span<const Field<Host>> host_fields();
std::span<const HostList> host_lists();
// The list named `name` ("disks"), or nullptr.
const HostList* host_list(std::string_view name);
std::span<const Field<Connection>> connection_fields();
// The host object whose presence is itself data (an empty "utilisation": {} says "measured,
// nothing usable"), and the paths under it.
inline constexpr std::string_view kUtilisationObject = "utilisation";
// The percentiles of each utilisation metric ("utilisation.cpu_ratio.p95"), in Percentiles order.
inline constexpr std::array<std::string_view, 5> kPercentileNames{"p50", "p90", "p95", "p99",
                                                                  "max"};

// ---- Reading and writing ---------------------------------------------------------------------

// Parses and validates a sahab-fleet/1 document. Throws FleetError naming the host and field.
Fleet fleet_from_json(const nlohmann::json& document);
Fleet fleet_from_text(std::string_view text);
Fleet load_fleet_file(const std::filesystem::path& file);
// Reads one host object as a fleet's reader would. Throws FleetError "field 'cpu.cores': ...".
Host host_from_json(const nlohmann::json& host);

// Builds a Fleet host by host and connection by connection, for callers that hold a fleet as
// records rather than as one document (the collector's database): no document is written or
// parsed, yet the reader of fleet_from_text sees the very events the document
// {"format", "generated_at", "hosts": [...], "connections": [...]} would give once written and
// read back, so every check, error message and assumption is the same.
class FleetBuilder {
 public:
  explicit FleetBuilder(const std::string& generated_at);
  ~FleetBuilder();
  FleetBuilder(const FleetBuilder&) = delete;
  FleetBuilder& operator=(const FleetBuilder&) = delete;

  // A host: the JSON object `fields` over the JSON object text `base` (may be empty): the members
  // of `fields` replace those of `base` with the same names, as json::update() does. `base` must
  // list its members in key order, as nlohmann::json::dump() writes them, for the events (and
  // so which of two problems is reported first) to match the merged object's exactly.
  void add_host(const nlohmann::json& fields, std::string_view base = {});
  // The same, but a host with a problem is left out rather than stopping the fleet: returns its
  // problem ("field 'cpu.cores': expected ..."), and the builder takes the next host as usual.
  // Problems of the text itself (not JSON) still throw.
  std::optional<std::string> add_host_or_refuse(const nlohmann::json& fields,
                                                std::string_view base = {});
  // A written document lists its connections before its hosts (keys in order): add them first
  // for the same first error when both a connection and a host are invalid.
  void add_connection(const nlohmann::json& connection);
  // The fleet, once every host id is known to be unique. Throws FleetError as fleet_from_text.
  Fleet finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

nlohmann::json fleet_to_json(const Fleet& fleet);
nlohmann::json host_to_json(const Host& host);
// A number as the writer writes it: a whole number below 2^53 as a JSON integer (17179869184,
// not 17179869184.0), so that sizes read from CSV files and spreadsheets come back as given.
nlohmann::json number_json(double value);

}  // namespace sahab::protocol
