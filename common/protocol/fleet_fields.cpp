// The field table of sahab-fleet/1: every field's name, type, unit, range and presence, in one
// place (common/protocol/fleet.h says how the reader and the writer use it).
#include <algorithm>
#include <array>
#include <utility>

#include "common/protocol/fleet.h"
#include "common/protocol/report.h"

namespace sahab::protocol {
namespace {

using HostField = Field<Host>;
using ConnectionField = Field<Connection>;

// The utilisation metrics a fleet host carries percentiles of (the report's metrics marked
// in_fleet), with where they live in Utilisation.
struct UtilisationMetric {
  const report::UtilisationMetric& metric;
  Percentiles Utilisation::*member;
};
constexpr std::array<UtilisationMetric, 8> kUtilisationMetrics{{
    {report::metric::kCpuRatio, &Utilisation::cpu_ratio},
    {report::metric::kMemoryRatio, &Utilisation::memory_ratio},
    {report::metric::kDiskReadIops, &Utilisation::disk_read_iops},
    {report::metric::kDiskWriteIops, &Utilisation::disk_write_iops},
    {report::metric::kDiskReadBytes, &Utilisation::disk_read_bytes_per_second},
    {report::metric::kDiskWriteBytes, &Utilisation::disk_write_bytes_per_second},
    {report::metric::kNetworkReceiveBytes, &Utilisation::network_receive_bytes_per_second},
    {report::metric::kNetworkTransmitBytes, &Utilisation::network_transmit_bytes_per_second},
}};
static_assert(static_cast<std::size_t>(std::count_if(report::kUtilisationMetrics.begin(),
                                                     report::kUtilisationMetrics.end(),
                                                     [](const auto& m) { return m.in_fleet; })) ==
                  kUtilisationMetrics.size(),
              "every metric the report marks in_fleet has a place in the fleet's Utilisation");

constexpr std::array<std::optional<double> Percentiles::*, kPercentileNames.size()> kPercentiles{
    &Percentiles::p50, &Percentiles::p90, &Percentiles::p95, &Percentiles::p99, &Percentiles::max};

// The slot of utilisation.METRIC.PERCENTILE; the reader opens "utilisation" before any of them.
template <std::size_t M, std::size_t P>
FieldSlot percentile_slot(Host& h, std::size_t) {
  Percentiles& metric = (*h.utilisation).*kUtilisationMetrics[M].member;
  return &(metric.*kPercentiles[P]);
}

template <std::size_t M, std::size_t... P>
void add_metric(std::vector<HostField>& fields, std::index_sequence<P...>) {
  const report::UtilisationMetric& m = kUtilisationMetrics[M].metric;
  const std::string prefix = std::string(kUtilisationObject) + "." + std::string(m.name) + ".";
  (fields.push_back({prefix + std::string(kPercentileNames[P]), FieldType::kNumber, m.unit, 0,
                     m.max, nullptr, false, &percentile_slot<M, P>}),
   ...);
}

template <std::size_t... M>
void add_utilisation_metrics(std::vector<HostField>& fields, std::index_sequence<M...>) {
  (add_metric<M>(fields, std::make_index_sequence<kPercentiles.size()>()), ...);
}

std::vector<HostField> make_host_fields() {
  using T = FieldType;
  std::vector<HostField> fields = {
      {"id", T::kText, "", 0, 0, "every host needs a stable id", true,
       [](Host& h, std::size_t) -> FieldSlot { return &h.id; }},
      {"hostname", T::kText, "", 0, 0, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.hostname; }},
      {"labels", T::kLabels, "", 0, 0, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.labels; }},
      {"os.family", T::kText, "", 0, 0, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.os_family; }},
      {"os.name", T::kText, "", 0, 0, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.os_name; }},
      {"os.version", T::kText, "", 0, 0, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.os_version; }},
      {"os.arch", T::kText, "", 0, 0, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.arch; }},
      {"cpu.cores", T::kWholeNumber, "cores", 1, 65536, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.cpu_cores; }},
      {"cpu.model", T::kText, "", 0, 0, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.cpu_model; }},
      {"cpu.mhz", T::kNumber, "MHz", 0, kAnyNumber, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.cpu_mhz; }},
      {"memory_bytes", T::kNumber, "bytes", 0, 1e16, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.memory_bytes; }},
      {"site.uplink_mbps", T::kNumber, "Mbit/s", 0.001, 1e6, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.uplink_mbps; }},
      {"disks[].name", T::kText, "", 0, 0, nullptr, true,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.disks[i].name; }},
      {"disks[].size_bytes", T::kNumber, "bytes", 0, kAnyNumber, nullptr, false,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.disks[i].size_bytes; }},
      {"disks[].used_bytes", T::kNumber, "bytes", 0, kAnyNumber, nullptr, false,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.disks[i].used_bytes; }},
      {"software[].name", T::kText, "", 0, 0, nullptr, true,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.software[i].name; }},
      {"software[].version", T::kText, "", 0, 0, nullptr, true,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.software[i].version; }},
      {"software[].evidence", T::kText, "", 0, 0, nullptr, false,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.software[i].evidence; }},
      {"services[].name", T::kText, "", 0, 0, nullptr, true,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.services[i].name; }},
      {"services[].state", T::kText, "", 0, 0, nullptr, true,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.services[i].state; }},
      {"listening[].port", T::kWholeNumber, "TCP/UDP port", 0, 65535, nullptr, true,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.listening[i].port; }},
      {"listening[].protocol", T::kText, "", 0, 0, nullptr, true,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.listening[i].protocol; }},
      {"listening[].process", T::kText, "", 0, 0, nullptr, true,
       [](Host& h, std::size_t i) -> FieldSlot { return &h.listening[i].process; }},
      {"utilisation.window_days", T::kNumber, "days", 0, 3660, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.utilisation->window_days; }},
      {"utilisation.coverage", T::kNumber, "0..1", 0, 1, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.utilisation->coverage; }},
      {"utilisation.data_points", T::kNumber, "report intervals", 0, 1e12, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.utilisation->data_points; }},
      {"utilisation.source", T::kText, "", 0, 0, nullptr, false,
       [](Host& h, std::size_t) -> FieldSlot { return &h.utilisation->source; }},
  };
  add_utilisation_metrics(fields, std::make_index_sequence<kUtilisationMetrics.size()>());
  return fields;
}

}  // namespace

std::span<const Field<Host>> host_fields() {
  static const std::vector<HostField> fields = make_host_fields();
  return fields;
}

std::span<const HostList> host_lists() {
  static const std::array<HostList, 4> lists{{
      {"disks", [](Host& h) { h.disks.emplace_back(); },
       [](const Host& h) { return h.disks.size(); }},
      {"software", [](Host& h) { h.software.emplace_back(); },
       [](const Host& h) { return h.software.size(); }},
      {"services", [](Host& h) { h.services.emplace_back(); },
       [](const Host& h) { return h.services.size(); }},
      {"listening", [](Host& h) { h.listening.emplace_back(); },
       [](const Host& h) { return h.listening.size(); }},
  }};
  return lists;
}

const HostList* host_list(std::string_view name) {
  for (const HostList& list : host_lists()) {
    if (list.name == name) return &list;
  }
  return nullptr;
}

std::span<const Field<Connection>> connection_fields() {
  using T = FieldType;
  static const std::array<ConnectionField, 5> fields{{
      {"source", T::kText, "host id", 0, 0, "", true,
       [](Connection& c, std::size_t) -> FieldSlot { return &c.source; }},
      {"target", T::kText, "host id", 0, 0, "", true,
       [](Connection& c, std::size_t) -> FieldSlot { return &c.target; }},
      {"port", T::kWholeNumber, "TCP/UDP port", 0, 65535, nullptr, true,
       [](Connection& c, std::size_t) -> FieldSlot { return &c.port; }},
      {"connections_per_day", T::kNumber, "connections/day", 0, kAnyNumber, nullptr, true,
       [](Connection& c, std::size_t) -> FieldSlot { return &c.connections_per_day; }},
      {"bytes_per_day", T::kNumber, "bytes/day", 0, kAnyNumber, nullptr, true,
       [](Connection& c, std::size_t) -> FieldSlot { return &c.bytes_per_day; }},
  }};
  return fields;
}

}  // namespace sahab::protocol
