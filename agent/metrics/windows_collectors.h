#pragma once
// The Windows agent's collectors (agent/metrics/*_windows.cpp, built only for Windows), named
// after windows_exporter's; registry_windows.cpp lists them for the Windows sahab-agent.exe.
#include <memory>

#include "agent/metrics/collector.h"

namespace sahab::agent::windows {

std::unique_ptr<Collector> make_cpu_collector(const Paths& paths);
std::unique_ptr<Collector> make_memory_collector(const Paths& paths);
std::unique_ptr<Collector> make_os_collector(const Paths& paths);
std::unique_ptr<Collector> make_logical_disk_collector(const Paths& paths);
std::unique_ptr<Collector> make_net_collector(const Paths& paths);
std::unique_ptr<Collector> make_system_collector(const Paths& paths);
std::unique_ptr<Collector> make_service_collector(const Paths& paths);

}  // namespace sahab::agent::windows
