// software section: packages (dpkg or rpm), systemd services, recognised software.
#include <cstdio>
#include <filesystem>
#include <set>

#include "agent/inventory/inventory.h"
#include "agent/inventory/recognised.h"
#include "common/file.h"
#include "common/protocol/inventory.h"
#include "common/text.h"

namespace sahab::agent::inventory {
namespace {

constexpr std::size_t kMaxRpmOutputBytes = 64 << 20;

// rpm's database format changed three times (Berkeley DB, NDB, SQLite blobs of binary headers);
// its own CLI reads all of them, so the agent asks `rpm -qa` rather than parse the headers. It runs
// only when the inventory is collected, never on the sampling path.
std::optional<std::string> rpm_query(const Paths& paths) {
  std::string root = paths.rootfs.string();
  std::string quoted = "'";
  for (char c : root) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const std::string command = "rpm --root " + quoted +
                              " -qa --queryformat '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}"
                              "\\t%{ARCH}\\n' 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string output;
  char buffer[8192];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0 &&
         output.size() < kMaxRpmOutputBytes) {
    output.append(buffer, n);
  }
  return ::pclose(pipe) == 0 ? std::optional(output) : std::nullopt;
}

bool rpm_available() {
  std::error_code error;
  for (const char* dir : {"/usr/bin/rpm", "/bin/rpm"}) {
    if (std::filesystem::exists(dir, error)) return true;
  }
  return false;
}

std::vector<Package> packages_of(const Context& ctx, std::string& manager, Problems& problems) {
  const auto dpkg_status = ctx.paths.root("var/lib/dpkg/status");
  std::vector<Package> packages;
  std::error_code error;
  if (auto content = try_read_file(dpkg_status)) {
    manager = "dpkg";
    Problems parse_problems;
    packages = parse_dpkg_status(*content, parse_problems);
    for (const auto& m : parse_problems.messages()) problems.add(dpkg_status.string() + ": " + m);
  } else if (std::filesystem::exists(ctx.paths.root("var/lib/rpm"), error) && rpm_available()) {
    manager = "rpm";
    if (auto output = rpm_query(ctx.paths)) {
      packages = parse_rpm_query(*output, problems);
    } else {
      problems.add("rpm -qa failed");
    }
  }
  std::sort(packages.begin(), packages.end());
  return packages;
}

void add_unit_names(const std::filesystem::path& dir, const std::string& strip_prefix,
                    std::set<std::string>& names) {
  std::error_code error;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    auto name = it->path().filename().string();
    if (!strip_prefix.empty()) {
      if (!name.starts_with(strip_prefix)) continue;
      name.erase(0, strip_prefix.size());
    }
    if (name.ends_with(".service")) names.insert(name);
  }
}

// Without D-Bus: enabled units are the symlinks in /etc/systemd/system/*.wants/; running units
// have a cgroup under system.slice (v2 or v1 layout) or an invocation id in /run/systemd/units/.
nlohmann::json services_of(const Context& ctx) {
  std::set<std::string> enabled, running;
  std::error_code error;
  const auto etc = ctx.paths.root("etc/systemd/system");
  for (std::filesystem::directory_iterator it(etc, error), end; !error && it != end;
       it.increment(error)) {
    if (it->path().filename().string().ends_with(".wants")) add_unit_names(it->path(), "", enabled);
  }
  add_unit_names(ctx.paths.sys("fs/cgroup/system.slice"), "", running);
  add_unit_names(ctx.paths.sys("fs/cgroup/systemd/system.slice"), "", running);
  add_unit_names(ctx.paths.root("run/systemd/units"), "invocation:", running);
  std::set<std::string> all = enabled;
  all.insert(running.begin(), running.end());
  nlohmann::json services = nlohmann::json::array();
  for (const auto& name : all) {
    const bool is_running = running.contains(name);
    namespace f = protocol::inventory::service;
    services.push_back({{f::kName.name, name},
                        {f::kState.name, is_running ? "running" : "enabled"},
                        {f::kEnabled.name, enabled.contains(name)},
                        {f::kRunning.name, is_running}});
  }
  return services;
}

}  // namespace

nlohmann::json collect_software(const Context& ctx, const ProcessScan& processes,
                                const nlohmann::json& listening, Problems& problems) {
  std::string manager;
  const auto packages = packages_of(ctx, manager, problems);
  namespace f = protocol::inventory::software;
  namespace package = protocol::inventory::package;
  nlohmann::json data;
  data[f::kPackageManager.name] = manager;
  nlohmann::json& list = data[f::kPackages.name] = nlohmann::json::array();
  for (const auto& p : packages) {
    list.push_back({{package::kName.name, p.name},
                    {package::kVersion.name, p.version},
                    {package::kArch.name, p.arch},
                    {package::kStatus.name, p.status}});
  }
  data[f::kServices.name] = services_of(ctx);
  data[f::kRecognised.name] = recognise_software(packages, processes, listening);
  // Windows features and roles (inventory_windows.cpp); Linux has none, but the section's shape
  // is the same on both.
  data[f::kFeatures.name] = nlohmann::json::array();
  return data;
}

}  // namespace sahab::agent::inventory
