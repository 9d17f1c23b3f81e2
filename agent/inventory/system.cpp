// system section: OS, kernel, architecture, boot time, timezone, firmware, virtualisation, DMI.
#include <sys/utsname.h>

#include <array>
#include <filesystem>

#include "agent/inventory/inventory.h"
#include "common/file.h"
#include "common/protocol/inventory.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::agent::inventory {
namespace {

std::string line_or_empty(const std::filesystem::path& path) {
  const auto line = try_read_line(path);
  return line ? std::string(text::trim(*line)) : std::string();
}

nlohmann::json os_of(const Context& ctx, Problems& problems) {
  // os-release(5): /etc/os-release, falling back to /usr/lib/os-release.
  auto path = ctx.paths.root("etc/os-release");
  auto content = try_read_file(path);
  if (!content) {
    path = ctx.paths.root("usr/lib/os-release");
    content = try_read_file(path);
  }
  namespace f = protocol::inventory::os;
  nlohmann::json os = {{f::kFamily.name, "linux"}};
  if (!content) {
    problems.add("cannot read os-release under " + ctx.paths.rootfs.string());
    return os;
  }
  Problems parse_problems;
  auto values = parse_os_release(*content, parse_problems);
  for (const auto& message : parse_problems.messages())
    problems.add(path.string() + ": " + message);
  os[f::kName.name] = values["NAME"];
  os[f::kVersion.name] = values["VERSION_ID"];
  os[f::kId.name] = values["ID"];
  os[f::kPrettyName.name] = values["PRETTY_NAME"];
  os[f::kIdLike.name] = values["ID_LIKE"];
  os[f::kVersionCodename.name] = values["VERSION_CODENAME"];
  return os;
}

std::string boot_time(const Context& ctx, Problems& problems) {
  const auto stat = try_read_file(ctx.paths.proc("stat"));
  std::string result;
  if (stat) {
    text::for_each_line(*stat, [&](std::string_view line) {
      const auto f = text::fields(line);
      if (f.size() == 2 && f[0] == "btime") {
        if (auto seconds = text::to_i64(f[1])) result = format_rfc3339(*seconds);
      }
    });
  }
  if (result.empty()) problems.add("no btime in " + ctx.paths.proc("stat").string());
  return result;
}

// Debian writes /etc/timezone; everyone links /etc/localtime into the zoneinfo database.
std::string timezone_of(const Context& ctx) {
  if (auto zone = line_or_empty(ctx.paths.root("etc/timezone")); !zone.empty()) return zone;
  std::error_code error;
  const auto target =
      std::filesystem::read_symlink(ctx.paths.root("etc/localtime"), error).string();
  if (const auto at = target.find("zoneinfo/"); !error && at != std::string::npos) {
    return target.substr(at + 9);
  }
  return "";
}

// Containers, as systemd-detect-virt --container does, from cheapest to most indirect evidence.
std::string container_of(const Context& ctx) {
  if (auto environ = try_read_file(ctx.paths.proc("1/environ"))) {
    for (auto entry : text::split(*environ, '\0')) {
      if (entry.starts_with("container=") && entry.size() > 10)
        return std::string(entry.substr(10));
    }
  }
  if (auto name = line_or_empty(ctx.paths.root("run/systemd/container")); !name.empty())
    return name;
  std::error_code error;
  if (std::filesystem::exists(ctx.paths.root(".dockerenv"), error)) return "docker";
  if (std::filesystem::exists(ctx.paths.root("run/.containerenv"), error)) return "podman";
  if (auto cgroup = try_read_file(ctx.paths.proc("1/cgroup"))) {
    if (cgroup->find("/docker") != std::string::npos) return "docker";
    if (cgroup->find("/lxc") != std::string::npos) return "lxc";
    if (cgroup->find("kubepods") != std::string::npos) return "container-other";
  }
  const auto kernel = line_or_empty(ctx.paths.proc("sys/kernel/osrelease"));
  if (kernel.find("Microsoft") != std::string::npos || kernel.find("WSL") != std::string::npos) {
    return "wsl";
  }
  return "";
}

// Virtual machines from the DMI strings, systemd's table (src/basic/virt.c), then Xen's sysfs
// marks, then the CPU's hypervisor flag for anything else.
std::string vm_of(const Context& ctx) {
  static const std::array<std::pair<const char*, const char*>, 17> kDmiVendors{{
      {"KVM", "kvm"},
      {"OpenStack", "kvm"},
      {"KubeVirt", "kvm"},
      {"Amazon EC2", "amazon"},
      {"QEMU", "qemu"},
      {"VMware", "vmware"},
      {"VMW", "vmware"},
      {"innotek GmbH", "oracle"},
      {"VirtualBox", "oracle"},
      {"Oracle Corporation", "oracle"},
      {"Xen", "xen"},
      {"Bochs", "bochs"},
      {"Parallels", "parallels"},
      {"BHYVE", "bhyve"},
      {"Hyper-V", "microsoft"},
      {"Google Compute Engine", "google"},
      {"Apple Virtualization", "apple"},
  }};
  for (const char* file :
       {"product_name", "sys_vendor", "board_vendor", "bios_vendor", "product_version"}) {
    const auto value = line_or_empty(ctx.paths.sys(std::string("class/dmi/id/") + file));
    for (const auto& [prefix, name] : kDmiVendors) {
      if (!value.empty() && value.starts_with(prefix)) return name;
    }
  }
  // Hyper-V writes a generic vendor with a telling product name.
  if (line_or_empty(ctx.paths.sys("class/dmi/id/sys_vendor")) == "Microsoft Corporation" &&
      line_or_empty(ctx.paths.sys("class/dmi/id/product_name")) == "Virtual Machine") {
    return "microsoft";
  }
  if (line_or_empty(ctx.paths.sys("hypervisor/type")) == "xen") return "xen";
  std::error_code error;
  if (std::filesystem::exists(ctx.paths.proc("xen"), error)) return "xen";
  Problems ignored;
  const auto cpuinfo = try_read_file(ctx.paths.proc("cpuinfo"));
  if (cpuinfo && parse_cpuinfo(*cpuinfo, ignored).hypervisor) return "vm-other";
  return "";
}

}  // namespace

nlohmann::json collect_system(const Context& ctx, Problems& problems) {
  namespace f = protocol::inventory::system;
  namespace dmi = protocol::inventory::dmi;
  nlohmann::json data;
  data[f::kOs.name] = os_of(ctx, problems);
  const std::string kernel = line_or_empty(ctx.paths.proc("sys/kernel/osrelease"));
  if (kernel.empty()) problems.add("cannot read the kernel release");
  data[f::kKernel.name] = kernel;
  struct utsname names {};
  data[f::kArch.name] = uname(&names) == 0 ? names.machine : "";
  data[f::kBootTime.name] = boot_time(ctx, problems);
  data[f::kTimezone.name] = timezone_of(ctx);
  std::error_code error;
  data[f::kFirmware.name] =
      std::filesystem::exists(ctx.paths.sys("firmware/efi"), error) ? "uefi" : "bios";
  const auto container = container_of(ctx);
  const auto vm = vm_of(ctx);
  data[f::kVirtualisation.name] = !container.empty() ? container : (!vm.empty() ? vm : "none");
  data[f::kVirtualisationKind.name] =
      !container.empty() ? "container" : (!vm.empty() ? "vm" : "none");
  // product_serial and product_uuid are readable by root only: empty without privileges, which
  // is not a problem (an import is then matched on the host's name or address).
  data[f::kDmi.name] = {
      {dmi::kVendor.name, line_or_empty(ctx.paths.sys("class/dmi/id/sys_vendor"))},
      {dmi::kProduct.name, line_or_empty(ctx.paths.sys("class/dmi/id/product_name"))},
      {dmi::kSerial.name, line_or_empty(ctx.paths.sys("class/dmi/id/product_serial"))},
      {dmi::kUuid.name, line_or_empty(ctx.paths.sys("class/dmi/id/product_uuid"))}};
  return data;
}

}  // namespace sahab::agent::inventory
