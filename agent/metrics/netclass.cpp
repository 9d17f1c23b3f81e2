// netclass: node_network_* properties of every interface in /sys/class/net (up, info, carrier,
// mtu, speed, flags, ...), as node_exporter 1.5's collector/netclass_linux.go with its
// --collector.netclass.ignored-devices filter. Attributes the kernel refuses to read (speed of a
// down link, duplex of loopback) are left out, as upstream does. On the host's /sys, the
// attributes rtnetlink gives come from one RTM_GETLINK dump (link_dump.h), the rest from sysfs.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/exclude_pattern.h"
#include "agent/metrics/link_dump.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

struct Property {
  const char* metric;  // node_network_<metric>
  const char* file;    // in /sys/class/net/<device>/
  prometheus::MetricType type;
  double scale;
};

constexpr auto kGauge = prometheus::MetricType::Gauge;
constexpr auto kCounter = prometheus::MetricType::Counter;
constexpr std::array<Property, 17> kProperties = {{
    {"address_assign_type", "addr_assign_type", kGauge, 1},
    {"carrier", "carrier", kGauge, 1},
    {"carrier_changes_total", "carrier_changes", kCounter, 1},
    {"carrier_up_changes_total", "carrier_up_count", kCounter, 1},
    {"carrier_down_changes_total", "carrier_down_count", kCounter, 1},
    {"device_id", "dev_id", kGauge, 1},
    {"dormant", "dormant", kGauge, 1},
    {"flags", "flags", kGauge, 1},
    {"iface_id", "ifindex", kGauge, 1},
    {"iface_link", "iflink", kGauge, 1},
    {"iface_link_mode", "link_mode", kGauge, 1},
    {"mtu_bytes", "mtu", kGauge, 1},
    {"name_assign_type", "name_assign_type", kGauge, 1},
    {"net_dev_group", "netdev_group", kGauge, 1},
    {"speed_bytes", "speed", kGauge, 1000.0 * 1000 / 8},  // Mbit/s; -1 when unknown, kept as is
    {"transmit_queue_length", "tx_queue_len", kGauge, 1},
    {"protocol_type", "type", kGauge, 1},
}};

// One device's attributes: those its rtnetlink message stands for from it, the others from sysfs.
class DeviceAttributes {
 public:
  DeviceAttributes(const std::filesystem::path& dir, const LinkAttributes* link)
      : sysfs_(dir), link_(link) {}

  std::optional<std::string> read_text(const char* file) const {
    if (const auto* value = link_ ? link_->find(file) : nullptr) return *value;
    return sysfs_.read_text(file);
  }

 private:
  AttributeDir sysfs_;
  const LinkAttributes* link_;
};

// sysfs writes these in decimal or, like flags and dev_id, as 0x-prefixed hexadecimal.
std::optional<double> read_integer(const DeviceAttributes& dir, const char* file) {
  const auto text = dir.read_text(file);
  if (!text || text->empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text->c_str(), &end, 0);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return static_cast<double>(value);
}

class NetclassCollector : public Collector {
 public:
  explicit NetclassCollector(const Paths& paths)
      : dir_(paths.sys("class/net")),
        ignored_(paths.options.netclass_ignored_devices),
        links_(shows_own_namespace(paths.sysfs) ? std::make_unique<LinkDump>() : nullptr) {}

  void collect(Exposition& out) const override {
    std::vector<std::string> devices;
    // bonding_masters and other plain files sit beside the device links.
    for (const auto& name : list_dir(dir_, Listing::kNoRegularFiles)) {
      if (!ignored_.excludes(name)) devices.push_back(name);
    }
    if (devices.empty() && !std::filesystem::exists(dir_)) return out.no_data();

    const auto links = links_ ? links_->links() : std::nullopt;
    std::vector<std::unique_ptr<DeviceAttributes>> attributes;
    for (const auto& device : devices) {
      attributes.push_back(std::make_unique<DeviceAttributes>(dir_ / device, find(links, device)));
    }

    FamilyBuilder up(out, "node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.",
                     kGauge);
    FamilyBuilder info(out, "node_network_info",
                       "Non-numeric data from /sys/class/net/<iface>, value is always 1.", kGauge);
    for (size_t d = 0; d < devices.size(); ++d) {
      const auto text = [&](const char* file) {
        return attributes[d]->read_text(file).value_or("");
      };
      const std::string operstate = text("operstate");
      up.add({{"device", devices[d]}}, operstate == "up" ? 1 : 0);
      info.add({{"address", text("address")},
                {"broadcast", text("broadcast")},
                {"device", devices[d]},
                {"duplex", text("duplex")},
                {"ifalias", text("ifalias")},
                {"operstate", operstate}},
               1);
    }
    for (const auto& property : kProperties) {
      FamilyBuilder family(out, std::string("node_network_") + property.metric,
                           std::string("Network device property: ") + property.metric,
                           property.type);
      for (size_t d = 0; d < devices.size(); ++d) {
        if (const auto value = read_integer(*attributes[d], property.file)) {
          family.add({{"device", devices[d]}}, *value * property.scale);
        }
      }
    }
  }

 private:
  // rtnetlink answers for the agent's own network namespace, which the host's /sys shows (a
  // container mounts a /sys of its own namespace). Any other root is read as files alone: a
  // fixture tree, or a host's /sys bind-mounted into a container (--path.sysfs=/host/sys), whose
  // interfaces are not the agent's.
  static bool shows_own_namespace(const std::filesystem::path& sysfs) {
    return sysfs.lexically_normal() == "/sys";
  }

  // A device missing from the dump (created since, or in another namespace) is read from sysfs.
  static const LinkAttributes* find(const std::optional<std::vector<LinkAttributes>>& links,
                                    const std::string& device) {
    if (!links) return nullptr;
    const auto it = std::find_if(links->begin(), links->end(),
                                 [&](const LinkAttributes& link) { return link.name == device; });
    return it == links->end() ? nullptr : &*it;
  }

  std::filesystem::path dir_;
  ExcludePattern ignored_;
  std::unique_ptr<LinkDump> links_;  // null: sysfs alone
};

}  // namespace

std::unique_ptr<Collector> make_netclass_collector(const Paths& paths) {
  return std::make_unique<NetclassCollector>(paths);
}

}  // namespace sahab::agent
