// systemd: node_systemd_* from systemd's manager over D-Bus, as node_exporter 1.5's
// collector/systemd_linux.go: the version, unit counts per active state, the state of every unit
// the include/exclude patterns keep (with its service type), timers' last trigger, sockets'
// connections, whether the system is running; start times, tasks and restarts on request
// (--collector.systemd.enable-*-metrics, off by default as upstream). Off by default, as upstream.
// Without a system bus (containers, systemd not PID 1) it stays silent: success=0, nothing logged.
//
// libsystemd's sd-bus is opened (dlopen) when the collector is enabled, not linked: linked, it and
// its libraries (lzma, zstd, lz4, gcrypt, ...) would be mapped in every agent, collector on or
// off (docs/benchmarks.md). Each scrape opens its own connection, as upstream does.
#include <dlfcn.h>
#include <systemd/sd-bus.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <system_error>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"

namespace sahab::agent {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr std::uint64_t kCallTimeoutUsec = 5'000'000;  // sd-bus would wait 25 s by default
// Far above any real system (a few hundred units): past it the answer is refused, not exposed.
constexpr std::size_t kMaxUnits = 100'000;
// systemd 212 added the manager's SystemState and timers' LastTriggerUSec.
constexpr double kMinVersionSystemState = 212;

// The sd-bus functions the collector calls, from libsystemd.so.0.
struct SdBus {
  decltype(&sd_bus_open_system) open_system = nullptr;
  decltype(&sd_bus_set_method_call_timeout) set_timeout = nullptr;
  decltype(&sd_bus_flush_close_unref) close = nullptr;
  decltype(&sd_bus_call_method) call_method = nullptr;
  decltype(&sd_bus_get_property_string) get_string = nullptr;
  decltype(&sd_bus_get_property_trivial) get_trivial = nullptr;
  decltype(&sd_bus_message_enter_container) enter = nullptr;
  decltype(&sd_bus_message_exit_container) exit = nullptr;
  decltype(&sd_bus_message_read) read = nullptr;
  decltype(&sd_bus_message_unref) message_unref = nullptr;
  decltype(&sd_bus_error_free) error_free = nullptr;

  // nullptr when libsystemd is not installed.
  static const SdBus* load() {
    static const std::optional<SdBus> loaded = []() -> std::optional<SdBus> {
      void* library = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
      if (!library) return std::nullopt;
      SdBus bus;
      const bool all = resolve(library, "sd_bus_open_system", bus.open_system) &&
                       resolve(library, "sd_bus_set_method_call_timeout", bus.set_timeout) &&
                       resolve(library, "sd_bus_flush_close_unref", bus.close) &&
                       resolve(library, "sd_bus_call_method", bus.call_method) &&
                       resolve(library, "sd_bus_get_property_string", bus.get_string) &&
                       resolve(library, "sd_bus_get_property_trivial", bus.get_trivial) &&
                       resolve(library, "sd_bus_message_enter_container", bus.enter) &&
                       resolve(library, "sd_bus_message_exit_container", bus.exit) &&
                       resolve(library, "sd_bus_message_read", bus.read) &&
                       resolve(library, "sd_bus_message_unref", bus.message_unref) &&
                       resolve(library, "sd_bus_error_free", bus.error_free);
      if (!all) return std::nullopt;  // a libsystemd older than 240: kept loaded, unused
      return bus;
    }();
    return loaded ? &*loaded : nullptr;
  }

 private:
  template <typename Function>
  static bool resolve(void* library, const char* name, Function& out) {
    out = reinterpret_cast<Function>(::dlsym(library, name));
    return out != nullptr;
  }
};

struct Unit {
  std::string name;
  std::string load_state;
  std::string active_state;
  std::string path;  // the unit's object path
};

// One connection to the system bus, with the calls the collector makes.
class Connection {
 public:
  explicit Connection(const SdBus& sd) : sd_(sd) {
    const int r = sd_.open_system(&bus_);
    if (r == -ENOENT || r == -ECONNREFUSED || r == -ENOTDIR) {
      throw NoDataError("no system bus");  // no D-Bus here: nothing to report, nothing to log
    }
    if (r < 0) throw CollectorError("cannot connect to the system bus: " + errno_text(r));
    sd_.set_timeout(bus_, kCallTimeoutUsec);
  }
  ~Connection() { sd_.close(bus_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::optional<std::string> string_property(const char* path, const char* interface,
                                             const char* member) const {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    char* value = nullptr;
    const int r = sd_.get_string(bus_, kService, path, interface, member, &error, &value);
    sd_.error_free(&error);
    if (r < 0) return std::nullopt;
    std::string text(value);
    ::free(value);
    return text;
  }

  // A 'u' (uint32) or 't' (uint64) property.
  std::optional<double> number_property(const std::string& path, const char* interface,
                                        const char* member, char type) const {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    std::uint64_t wide = 0;
    std::uint32_t narrow = 0;
    void* target = type == 't' ? static_cast<void*>(&wide) : static_cast<void*>(&narrow);
    const int r =
        sd_.get_trivial(bus_, kService, path.c_str(), interface, member, &error, type, target);
    sd_.error_free(&error);
    if (r < 0) return std::nullopt;
    if (type == 't' && wide == std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
    return type == 't' ? static_cast<double>(wide) : static_cast<double>(narrow);
  }

  // Manager.ListUnits: a(ssssssouso), of which the name, load and active states and the path.
  std::vector<Unit> list_units() const {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    int r =
        sd_.call_method(bus_, kService, kManagerPath, kManager, "ListUnits", &error, &reply, "");
    const std::string message = error.message ? error.message : "";
    sd_.error_free(&error);
    if (r < 0)
      throw CollectorError("ListUnits failed: " + (message.empty() ? errno_text(r) : message));
    const std::unique_ptr<sd_bus_message, Unref> owned(reply, Unref{sd_});
    r = sd_.enter(reply, 'a', "(ssssssouso)");
    if (r < 0) throw CollectorError("ListUnits answered something else than a(ssssssouso)");
    std::vector<Unit> units;
    for (;;) {
      const char *name, *description, *load, *active, *sub, *following, *path, *job_type, *job_path;
      std::uint32_t job_id = 0;
      r = sd_.read(reply, "(ssssssouso)", &name, &description, &load, &active, &sub, &following,
                   &path, &job_id, &job_type, &job_path);
      if (r < 0) throw CollectorError("ListUnits: malformed unit entry: " + errno_text(r));
      if (r == 0) break;
      if (units.size() == kMaxUnits) {
        throw CollectorError("ListUnits: more than " + std::to_string(kMaxUnits) + " units");
      }
      units.push_back({name, load, active, path});
    }
    sd_.exit(reply);
    return units;
  }

 private:
  struct Unref {
    const SdBus& sd;
    void operator()(sd_bus_message* m) const { sd.message_unref(m); }
  };
  static std::string errno_text(int negative_errno) {
    return std::error_code(-negative_errno, std::generic_category()).message();
  }

  const SdBus& sd_;
  sd_bus* bus_ = nullptr;
};

// "252.39-1~deb12u1" -> 252.39, as upstream's [0-9]{3,}(\.[0-9]+)?; 0 when there is none.
double version_number(const std::string& version) {
  static const std::regex number(R"([0-9]{3,}(\.[0-9]+)?)");
  std::smatch m;
  if (!std::regex_search(version, m, number)) return 0;
  return std::stod(m.str());
}

class SystemdCollector : public Collector {
 public:
  explicit SystemdCollector(const Paths& paths)
      : include_("^(?:" + paths.options.systemd_unit_include + ")$"),
        exclude_("^(?:" + paths.options.systemd_unit_exclude + ")$"),
        options_(paths.options) {}

  void collect(Exposition& out) const override {
    const SdBus* sd = SdBus::load();
    if (!sd) return out.no_data();
    const Connection bus(*sd);

    const std::string version = bus.string_property(kManagerPath, kManager, "Version").value_or("");
    const double version_value = version_number(version);
    FamilyBuilder(out, "node_systemd_version", "Detected systemd version",
                  prometheus::MetricType::Gauge)
        .add({{"version", version_value > 0 ? version : ""}}, version_value);

    auto units = bus.list_units();
    add_summary(out, units);
    std::erase_if(units, [this](const Unit& u) { return !kept(u); });
    std::sort(units.begin(), units.end(),
              [](const Unit& a, const Unit& b) { return a.name < b.name; });

    add_unit_states(out, bus, units);
    if (options_.systemd_enable_start_time_metrics) add_start_times(out, bus, units);
    if (options_.systemd_enable_task_metrics) add_tasks(out, bus, units);
    if (version_value >= kMinVersionSystemState) add_timers(out, bus, units);
    add_sockets(out, bus, units);
    if (version_value >= kMinVersionSystemState) {
      const auto state = bus.string_property(kManagerPath, kManager, "SystemState");
      if (!state) throw CollectorError("cannot read the manager's SystemState");
      add_gauge(out, "node_systemd_system_running",
                "Whether the system is operational (see 'systemctl is-system-running')",
                *state == "running" ? 1 : 0);
    }
  }

 private:
  bool kept(const Unit& unit) const {
    return unit.load_state == "loaded" && std::regex_match(unit.name, include_) &&
           !std::regex_match(unit.name, exclude_);
  }

  // Every unit, before the patterns, per active state; the five usual states always present.
  static void add_summary(Exposition& out, const std::vector<Unit>& units) {
    std::map<std::string, double> counts;
    for (const char* state : kStates) counts[state] = 0;
    for (const auto& unit : units) counts[unit.active_state] += 1;
    FamilyBuilder summary(out, "node_systemd_units", "Summary of systemd unit states",
                          prometheus::MetricType::Gauge);
    for (const auto& [state, count] : counts) summary.add({{"state", state}}, count);
  }

  void add_unit_states(Exposition& out, const Connection& bus,
                       const std::vector<Unit>& units) const {
    FamilyBuilder state(out, "node_systemd_unit_state", "Systemd unit",
                        prometheus::MetricType::Gauge);
    FamilyBuilder restarts(out, "node_systemd_service_restart_total",
                           "Service unit count of Restart triggers",
                           prometheus::MetricType::Counter);
    for (const auto& unit : units) {
      const bool service = unit.name.ends_with(".service");
      const std::string type =
          service
              ? bus.string_property(unit.path.c_str(), "org.freedesktop.systemd1.Service", "Type")
                    .value_or("")
              : "";
      for (const char* name : kStates) {
        state.add({{"name", unit.name}, {"state", name}, {"type", type}},
                  unit.active_state == name ? 1 : 0);
      }
      if (service && options_.systemd_enable_restarts_metrics) {
        if (const auto n = bus.number_property(unit.path, "org.freedesktop.systemd1.Service",
                                               "NRestarts", 'u')) {
          restarts.add({{"name", unit.name}}, *n);
        }
      }
    }
  }

  static void add_start_times(Exposition& out, const Connection& bus,
                              const std::vector<Unit>& units) {
    FamilyBuilder start(out, "node_systemd_unit_start_time_seconds",
                        "Start time of the unit since unix epoch in seconds.",
                        prometheus::MetricType::Gauge);
    for (const auto& unit : units) {
      if (unit.active_state != "active") {
        start.add({{"name", unit.name}}, 0);
      } else if (const auto usec = bus.number_property(unit.path, "org.freedesktop.systemd1.Unit",
                                                       "ActiveEnterTimestamp", 't')) {
        start.add({{"name", unit.name}}, *usec / 1e6);
      }
    }
  }

  static void add_tasks(Exposition& out, const Connection& bus, const std::vector<Unit>& units) {
    FamilyBuilder current(out, "node_systemd_unit_tasks_current",
                          "Current number of tasks per Systemd unit",
                          prometheus::MetricType::Gauge);
    FamilyBuilder max(out, "node_systemd_unit_tasks_max",
                      "Maximum number of tasks per Systemd unit", prometheus::MetricType::Gauge);
    for (const auto& unit : units) {
      if (!unit.name.ends_with(".service")) continue;
      const char* service = "org.freedesktop.systemd1.Service";
      if (const auto n = bus.number_property(unit.path, service, "TasksCurrent", 't')) {
        current.add({{"name", unit.name}}, *n);
      }
      if (const auto n = bus.number_property(unit.path, service, "TasksMax", 't')) {
        max.add({{"name", unit.name}}, *n);
      }
    }
  }

  static void add_timers(Exposition& out, const Connection& bus, const std::vector<Unit>& units) {
    FamilyBuilder last(out, "node_systemd_timer_last_trigger_seconds",
                       "Seconds since epoch of last trigger.", prometheus::MetricType::Gauge);
    for (const auto& unit : units) {
      if (!unit.name.ends_with(".timer")) continue;
      if (const auto usec = bus.number_property(unit.path, "org.freedesktop.systemd1.Timer",
                                                "LastTriggerUSec", 't')) {
        last.add({{"name", unit.name}}, *usec / 1e6);
      }
    }
  }

  static void add_sockets(Exposition& out, const Connection& bus, const std::vector<Unit>& units) {
    FamilyBuilder accepted(out, "node_systemd_socket_accepted_connections_total",
                           "Total number of accepted socket connections",
                           prometheus::MetricType::Counter);
    FamilyBuilder current(out, "node_systemd_socket_current_connections",
                          "Current number of socket connections", prometheus::MetricType::Gauge);
    FamilyBuilder refused(out, "node_systemd_socket_refused_connections_total",
                          "Total number of refused socket connections",
                          prometheus::MetricType::Gauge);
    const char* socket = "org.freedesktop.systemd1.Socket";
    for (const auto& unit : units) {
      if (!unit.name.ends_with(".socket")) continue;
      const auto n_accepted = bus.number_property(unit.path, socket, "NAccepted", 'u');
      if (!n_accepted) continue;
      accepted.add({{"name", unit.name}}, *n_accepted);
      const auto n_connections = bus.number_property(unit.path, socket, "NConnections", 'u');
      if (!n_connections) continue;
      current.add({{"name", unit.name}}, *n_connections);
      // NRefused came with systemd 239.
      if (const auto n = bus.number_property(unit.path, socket, "NRefused", 'u')) {
        refused.add({{"name", unit.name}}, *n);
      }
    }
  }

  static constexpr const char* kStates[] = {"active", "activating", "deactivating", "inactive",
                                            "failed"};
  std::regex include_;
  std::regex exclude_;
  CollectorOptions options_;
};

}  // namespace

std::unique_ptr<Collector> make_systemd_collector(const Paths& paths) {
  return std::make_unique<SystemdCollector>(paths);
}

}  // namespace sahab::agent
