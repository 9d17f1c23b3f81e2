// powersupplyclass: node_power_supply_* for each entry of /sys/class/power_supply (batteries, AC
// adapters, UPSes over USB), as node_exporter 1.5's collector/powersupplyclass_linux.go: numbers
// in node_exporter's units (sysfs µA, µV, µWh, µW become A, V, Wh, W; tenths of a degree become
// degrees) and the text attributes as node_power_supply_info's labels. Honours
// --collector.powersupply.ignored-supplies.
#include <array>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/exclude_pattern.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

struct Attribute {
  const char* metric;  // node_power_supply_<metric>
  const char* file;
  double divisor;
};

constexpr std::array<Attribute, 49> kAttributes = {{
    {"authentic", "authentic", 1},
    {"calibrate", "calibrate", 1},
    {"capacity", "capacity", 1},
    {"capacity_alert_max", "capacity_alert_max", 1},
    {"capacity_alert_min", "capacity_alert_min", 1},
    {"cyclecount", "cycle_count", 1},
    {"online", "online", 1},
    {"present", "present", 1},
    {"time_to_empty_seconds", "time_to_empty_now", 1},
    {"time_to_full_seconds", "time_to_full_now", 1},
    {"current_boot", "current_boot", 1e6},
    {"current_max", "current_max", 1e6},
    {"current_ampere", "current_now", 1e6},
    {"energy_empty", "energy_empty", 1e6},
    {"energy_empty_design", "energy_empty_design", 1e6},
    {"energy_full", "energy_full", 1e6},
    {"energy_full_design", "energy_full_design", 1e6},
    {"energy_watthour", "energy_now", 1e6},
    {"voltage_boot", "voltage_boot", 1e6},
    {"voltage_max", "voltage_max", 1e6},
    {"voltage_max_design", "voltage_max_design", 1e6},
    {"voltage_min", "voltage_min", 1e6},
    {"voltage_min_design", "voltage_min_design", 1e6},
    {"voltage_volt", "voltage_now", 1e6},
    {"voltage_ocv", "voltage_ocv", 1e6},
    {"charge_control_limit", "charge_control_limit", 1e6},
    {"charge_control_limit_max", "charge_control_limit_max", 1e6},
    {"charge_counter", "charge_counter", 1e6},
    {"charge_empty", "charge_empty", 1e6},
    {"charge_empty_design", "charge_empty_design", 1e6},
    {"charge_full", "charge_full", 1e6},
    {"charge_full_design", "charge_full_design", 1e6},
    {"charge_ampere", "charge_now", 1e6},
    {"charge_term_current", "charge_term_current", 1e6},
    {"constant_charge_current", "constant_charge_current", 1e6},
    {"constant_charge_current_max", "constant_charge_current_max", 1e6},
    {"constant_charge_voltage", "constant_charge_voltage", 1e6},
    {"constant_charge_voltage_max", "constant_charge_voltage_max", 1e6},
    {"precharge_current", "precharge_current", 1e6},
    {"input_current_limit", "input_current_limit", 1e6},
    {"power_watt", "power_now", 1e6},
    {"temp_celsius", "temp", 10},
    {"temp_alert_max_celsius", "temp_alert_max", 10},
    {"temp_alert_min_celsius", "temp_alert_min", 10},
    {"temp_ambient_celsius", "temp_ambient", 10},
    {"temp_ambient_max_celsius", "temp_ambient_max", 10},
    {"temp_ambient_min_celsius", "temp_ambient_min", 10},
    {"temp_max_celsius", "temp_max", 10},
    {"temp_min_celsius", "temp_min", 10},
}};

// Text attributes, as node_power_supply_info's labels (left out when empty or absent).
constexpr std::array<const char*, 11> kInfo = {
    "capacity_level", "charge_type", "health", "manufacturer", "model_name", "serial_number",
    "status",         "technology",  "type",   "usb_type",     "scope"};

class PowerSupplyClassCollector : public Collector {
 public:
  explicit PowerSupplyClassCollector(const Paths& paths)
      : dir_(paths.sys("class/power_supply")),
        ignored_(paths.options.powersupply_ignored_supplies) {}

  void collect(Exposition& out) const override {
    if (!std::filesystem::is_directory(dir_)) return out.no_data();
    const auto supplies = list_dir(dir_);
    if (supplies.empty()) return out.found_nothing();
    FamilySet families(out);
    for (const auto& supply : supplies) {
      if (ignored_.excludes(supply)) continue;
      const auto dir = dir_ / supply;
      for (const auto& attribute : kAttributes) {
        const auto text = read_text(dir / attribute.file);
        const auto value = text ? text::to_i64(*text) : std::nullopt;
        if (!value) continue;
        const std::string name = attribute.metric;
        families.add("node_power_supply_" + name,
                     name + " value of /sys/class/power_supply/<power_supply>.",
                     {{"power_supply", supply}}, static_cast<double>(*value) / attribute.divisor);
      }
      Labels info = {{"power_supply", supply}};
      for (const char* field : kInfo) {
        if (auto text = read_text(dir / field); text && !text->empty()) {
          info.push_back({field, std::move(*text)});
        }
      }
      families.add("node_power_supply_info", "info of /sys/class/power_supply/<power_supply>.",
                   std::move(info), 1);
    }
  }

 private:
  std::filesystem::path dir_;
  ExcludePattern ignored_;
};

}  // namespace

std::unique_ptr<Collector> make_powersupplyclass_collector(const Paths& paths) {
  return std::make_unique<PowerSupplyClassCollector>(paths);
}

}  // namespace sahab::agent
