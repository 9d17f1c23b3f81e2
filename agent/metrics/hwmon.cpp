// hwmon: node_hwmon_* from /sys/class/hwmon (what lm-sensors shows: temperatures, fans, voltages,
// currents, power), as node_exporter 1.5's collector/hwmon_linux.go. Each chip is named from its
// device path ("platform_coretemp_0"), else its name file, else hwmonN; node_hwmon_chip_names and
// node_hwmon_sensor_label carry the human-readable names. Without /sys/class/hwmon there is no
// data (silently).
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

constexpr std::array<std::string_view, 13> kSensorTypes = {
    "vrm",  "beep_enable", "update_interval", "in",     "cpu",      "fan",      "pwm",
    "temp", "curr",        "power",           "energy", "humidity", "intrusion"};

// Lower case, anything but [a-z0-9:_] made '_', then '_' trimmed from both ends.
std::string clean_name(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_') ? c : '_';
  }
  const auto first = out.find_first_not_of('_');
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of('_') - first + 1);
}

struct SensorFile {
  std::string type;      // "temp"
  std::string sensor;    // "temp1"
  std::string property;  // "input", "" for a bare "pwm1"
};

// Splits "<type><number>_<property>" as upstream's ^([^0-9]+)([0-9]*)?(_(.+))?$ does.
std::optional<SensorFile> split_sensor_file(const std::string& name) {
  static const std::regex format(R"(^([^0-9]+)([0-9]*)(_(.+))?$)");
  std::smatch m;
  if (!std::regex_match(name, m, format)) return std::nullopt;
  const std::string type = m[1];
  if (std::find(kSensorTypes.begin(), kSensorTypes.end(), type) == kSensorTypes.end()) {
    return std::nullopt;
  }
  const std::string number = m[2].length() ? std::string(m[2]) : "0";
  return SensorFile{type, type + std::to_string(std::stoi(number)), m[4]};
}

// A sysfs read of at most 128 bytes, as upstream: some broken drivers answer EAGAIN forever.
std::optional<std::string> read_attribute(const std::filesystem::path& path) {
  const auto content = try_read_pseudo_file(path);
  if (!content) return std::nullopt;
  std::string value = content->substr(0, 128);
  while (value.ends_with('\n')) value.pop_back();
  while (value.starts_with('\n')) value.erase(0, 1);
  return value;
}

using SensorData = std::map<std::string, std::map<std::string, std::string>>;  // sensor -> property

void collect_sensor_files(const std::filesystem::path& dir, SensorData& data) {
  for (const auto& name : list_dir(dir)) {
    const auto file = split_sensor_file(name);
    if (!file) continue;
    if (const auto value = read_attribute(dir / name)) data[file->sensor][file->property] = *value;
  }
}

std::string chip_name(const std::filesystem::path& dir) {
  std::error_code error;
  const auto device = std::filesystem::canonical(dir / "device", error);
  if (!error) {
    const std::string name = clean_name(device.filename().string());
    const std::string type = clean_name(device.parent_path().filename().string());
    if (!type.empty() && !name.empty()) return type + "_" + name;
    if (!name.empty()) return name;
  }
  if (const auto name = try_read_pseudo_file(dir / "name")) {
    if (auto clean = clean_name(*name); !clean.empty()) return clean;
  }
  const auto real = std::filesystem::canonical(dir, error);
  return clean_name((error ? dir : real).filename().string());
}

// One property of one sensor, named and scaled as upstream does.
void add_property(FamilySet& families, const std::string& type, const std::string& element,
                  bool has_bare_value, double value, const Labels& labels) {
  std::string name = "node_hwmon_" + type;
  if (element == "input") {
    if (has_bare_value) name += "_input";
  } else if (!element.empty()) {
    name += "_" + clean_name(element);
  }
  if (element == "fault" || element == "alarm") {
    return families.add(name, "Hardware sensor " + element + " status (" + type + ")", labels,
                        value);
  }
  if (element == "beep") {
    return families.add(name + "_enabled", "Hardware monitor sensor has beeping enabled", labels,
                        value);
  }
  if (type == "in" || type == "cpu") {
    return families.add(name + "_volts", "Hardware monitor for voltage (" + element + ")", labels,
                        value * 0.001);
  }
  if (type == "temp" && element != "type") {
    return families.add(name + "_celsius",
                        "Hardware monitor for temperature (" +
                            (element.empty() ? std::string("input") : element) + ")",
                        labels, value * 0.001);
  }
  if (type == "curr") {
    return families.add(name + "_amps", "Hardware monitor for current (" + element + ")", labels,
                        value * 0.001);
  }
  if (type == "energy") {
    return families.add(name + "_joule_total",
                        "Hardware monitor for joules used so far (" + element + ")", labels,
                        value / 1e6, prometheus::MetricType::Counter);
  }
  if (type == "power" && element == "accuracy") {
    return families.add(name, "Hardware monitor power meter accuracy, as a ratio", labels,
                        value / 1e6);
  }
  if (type == "power" && (element == "average_interval" || element == "average_interval_min" ||
                          element == "average_interval_max")) {
    return families.add(name + "_seconds",
                        "Hardware monitor power usage update interval (" + element + ")", labels,
                        value * 0.001);
  }
  if (type == "power") {
    return families.add(name + "_watt",
                        "Hardware monitor for power usage in watts (" + element + ")", labels,
                        value / 1e6);
  }
  if (type == "humidity") {
    return families.add(name,
                        "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the "
                        "humidity as a percentage) (" +
                            element + ")",
                        labels, value / 1e6);
  }
  if (type == "fan" &&
      (element == "input" || element == "min" || element == "max" || element == "target")) {
    return families.add(name + "_rpm",
                        "Hardware monitor for fan revolutions per minute (" + element + ")", labels,
                        value);
  }
  families.add(name, "Hardware monitor " + type + " element " + element, labels, value);
}

void add_chip(FamilySet& families, const std::filesystem::path& dir) {
  const std::string chip = chip_name(dir);
  SensorData data;
  collect_sensor_files(dir, data);
  if (std::filesystem::exists(dir / "device")) collect_sensor_files(dir / "device", data);
  if (const auto name = try_read_pseudo_file(dir / "name")) {
    if (auto clean = clean_name(*name); !clean.empty()) {
      families.add("node_hwmon_chip_names", "Annotation metric for human-readable chip names",
                   {{"chip", chip}, {"chip_name", clean}}, 1);
    }
  }
  for (const auto& [sensor, properties] : data) {
    const std::string type = split_sensor_file(sensor)->type;
    const Labels labels = {{"chip", chip}, {"sensor", sensor}};
    if (const auto label = properties.find("label"); label != properties.end()) {
      families.add("node_hwmon_sensor_label", "Label for given chip and sensor",
                   {{"chip", chip}, {"label", label->second}, {"sensor", sensor}}, 1);
    }
    const auto bare = properties.find("");
    if (type == "beep_enable") {
      families.add("node_hwmon_beep_enabled", "Hardware beep enabled", labels,
                   bare != properties.end() && bare->second == "1" ? 1 : 0);
      continue;
    }
    if (type == "vrm" || type == "update_interval") {
      // A NaN for "absent", not an optional: GCC 12 at -O2 warns that a checked optional's value
      // may be uninitialised.
      const double value =
          bare == properties.end()
              ? std::numeric_limits<double>::quiet_NaN()
              : text::to_double(bare->second).value_or(std::numeric_limits<double>::quiet_NaN());
      if (std::isnan(value)) continue;
      if (type == "vrm") {
        families.add("node_hwmon_voltage_regulator_version", "Hardware voltage regulator", labels,
                     value);
      } else {
        families.add("node_hwmon_update_interval_seconds", "Hardware monitor update interval",
                     labels, value * 0.001);
      }
      continue;
    }
    for (const auto& [element, text] : properties) {
      if (element == "label") continue;
      if (const auto value = text::to_double(text)) {
        add_property(families, type, element, bare != properties.end(), *value, labels);
      }
    }
  }
}

class HwmonCollector : public Collector {
 public:
  explicit HwmonCollector(const Paths& paths) : dir_(paths.sys("class/hwmon")) {}

  void collect(Exposition& out) const override {
    if (!std::filesystem::is_directory(dir_)) return out.no_data();
    FamilySet families(out);
    for (const auto& name : list_dir(dir_)) {
      if (std::filesystem::is_directory(dir_ / name)) add_chip(families, dir_ / name);
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_hwmon_collector(const Paths& paths) {
  return std::make_unique<HwmonCollector>(paths);
}

}  // namespace sahab::agent
