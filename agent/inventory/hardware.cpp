// hardware section: CPU, memory, swap, block devices, filesystems, NICs.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "agent/inventory/filesystems.h"
#include "agent/inventory/inventory.h"
#include "common/file.h"
#include "common/protocol/inventory.h"
#include "common/text.h"

namespace sahab::agent::inventory {
namespace {

std::string line_or_empty(const std::filesystem::path& path) {
  const auto line = try_read_line(path);
  return line ? std::string(text::trim(*line)) : std::string();
}

// Sorted names of the entries of a sysfs directory (empty if it cannot be listed).
std::vector<std::string> directory_names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

nlohmann::json cpu_of(const Context& ctx, Problems& problems) {
  const auto content = try_read_file(ctx.paths.proc("cpuinfo"));
  if (!content) {
    problems.add("cannot read " + ctx.paths.proc("cpuinfo").string());
    return nlohmann::json::object();
  }
  const auto cpu = parse_cpuinfo(*content, problems);
  namespace f = protocol::inventory::cpu;
  return {{f::kModel.name, cpu.model},
          {f::kSockets.name, cpu.sockets},
          {f::kCores.name, cpu.cores},
          {f::kThreads.name, cpu.threads},
          {f::kMhz.name, cpu.mhz}};
}

void add_memory(const Context& ctx, nlohmann::json& data, Problems& problems) {
  namespace f = protocol::inventory::hardware;
  data[f::kMemoryBytes.name] = 0;
  data[f::kSwapBytes.name] = 0;
  const auto content = try_read_file(ctx.paths.proc("meminfo"));
  if (!content) {
    problems.add("cannot read " + ctx.paths.proc("meminfo").string());
    return;
  }
  bool found = false;
  text::for_each_line(*content, [&](std::string_view line) {
    const auto f = text::fields(line);
    if (f.size() != 3 || f[2] != "kB") return;
    const auto kib = text::to_u64(f[1]);
    if (!kib) return;
    if (f[0] == "MemTotal:") {
      data[f::kMemoryBytes.name] = *kib * 1024;
      found = true;
    } else if (f[0] == "SwapTotal:") {
      data[f::kSwapBytes.name] = *kib * 1024;
    }
  });
  if (!found) problems.add("no MemTotal in " + ctx.paths.proc("meminfo").string());
}

// Whole disks from /sys/block; loop, ram and zram devices are not storage to migrate.
nlohmann::json block_devices_of(const Context& ctx) {
  namespace f = protocol::inventory::block_device;
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& name : directory_names(ctx.paths.sys("block"))) {
    if (name.starts_with("loop") || name.starts_with("ram") || name.starts_with("zram")) continue;
    const auto sectors = text::to_u64(line_or_empty(ctx.paths.sys("block/" + name + "/size")));
    if (!sectors || *sectors == 0) continue;
    devices.push_back(
        {{f::kName.name, name},
         {f::kSizeBytes.name, *sectors * 512},  // sysfs counts 512-byte sectors always
         {f::kRotational.name,
          line_or_empty(ctx.paths.sys("block/" + name + "/queue/rotational")) == "1"},
         {f::kModel.name, line_or_empty(ctx.paths.sys("block/" + name + "/device/model"))},
         {f::kVendor.name, line_or_empty(ctx.paths.sys("block/" + name + "/device/vendor"))}});
  }
  return devices;
}

nlohmann::json filesystems_of(const Context& ctx, Problems& problems) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& mount : local_filesystems(ctx.paths, problems)) {
    const auto usage = filesystem_usage(ctx.paths, mount);
    if (!usage) {
      problems.add("statvfs " + mount.mountpoint + " failed");
      continue;
    }
    namespace f = protocol::inventory::filesystem;
    out.push_back({{f::kDevice.name, mount.device},
                   {f::kMountpoint.name, mount.mountpoint},
                   {f::kFstype.name, mount.fstype},
                   {f::kSizeBytes.name, usage->size_bytes},
                   {f::kUsedBytes.name, usage->used_bytes},
                   {f::kAvailableBytes.name, usage->available_bytes}});
  }
  return out;
}

// Addresses come from getifaddrs(3): the agent's network namespace, as /proc/net shows it.
std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> addresses() {
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (const ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || !a->ifa_name) continue;
    char text_address[INET6_ADDRSTRLEN] = {};
    const int family = a->ifa_addr->sa_family;
    if (family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr, text_address,
                sizeof text_address);
      out[a->ifa_name].first.insert(text_address);
    } else if (family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a->ifa_addr)->sin6_addr,
                text_address, sizeof text_address);
      out[a->ifa_name].second.insert(text_address);
    }
  }
  freeifaddrs(list);
  return out;
}

nlohmann::json nics_of(const Context& ctx) {
  const auto addrs = addresses();
  nlohmann::json nics = nlohmann::json::array();
  for (const auto& name : directory_names(ctx.paths.sys("class/net"))) {
    if (name == "lo" || name == "bonding_masters") continue;
    const auto base = "class/net/" + name + "/";
    // speed is unreadable (EINVAL) on links that are down and on most virtual NICs.
    const auto speed = text::to_i64(line_or_empty(ctx.paths.sys(base + "speed")));
    std::error_code error;
    namespace f = protocol::inventory::nic;
    nlohmann::json nic = {
        {f::kName.name, name},
        {f::kMac.name, line_or_empty(ctx.paths.sys(base + "address"))},
        {f::kMtu.name, text::to_u64(line_or_empty(ctx.paths.sys(base + "mtu"))).value_or(0)},
        {f::kSpeedMbps.name, speed && *speed > 0 ? *speed : 0},
        {f::kOperstate.name, line_or_empty(ctx.paths.sys(base + "operstate"))},
        {f::kVirtual.name, !std::filesystem::exists(ctx.paths.sys(base + "device"), error)},
        {f::kIpv4.name, nlohmann::json::array()},
        {f::kIpv6.name, nlohmann::json::array()}};
    if (const auto it = addrs.find(name); it != addrs.end()) {
      nic[f::kIpv4.name] = it->second.first;
      nic[f::kIpv6.name] = it->second.second;
    }
    nics.push_back(std::move(nic));
  }
  return nics;
}

}  // namespace

nlohmann::json collect_hardware(const Context& ctx, Problems& problems) {
  namespace f = protocol::inventory::hardware;
  nlohmann::json data;
  data[f::kCpu.name] = cpu_of(ctx, problems);
  add_memory(ctx, data, problems);
  data[f::kBlockDevices.name] = block_devices_of(ctx);
  data[f::kFilesystems.name] = filesystems_of(ctx, problems);
  data[f::kNics.name] = nics_of(ctx);
  return data;
}

}  // namespace sahab::agent::inventory
