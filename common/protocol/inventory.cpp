// The tables of sahab-inventory/1's sections and their checks (common/protocol/inventory.h).
#include "common/protocol/inventory.h"

#include <nlohmann/json.hpp>

namespace sahab::protocol::inventory {
namespace {
using nlohmann::json;

constexpr std::array kSystemNested{Nested{system::kOs, os::kFields},
                                   Nested{system::kDmi, dmi::kFields}};
constexpr std::array kHardwareNested{
    Nested{hardware::kCpu, cpu::kFields}, Nested{hardware::kBlockDevices, block_device::kFields},
    Nested{hardware::kFilesystems, filesystem::kFields}, Nested{hardware::kNics, nic::kFields}};
constexpr std::array kSoftwareNested{Nested{software::kPackages, package::kFields},
                                     Nested{software::kServices, service::kFields},
                                     Nested{software::kRecognised, recognised::kFields},
                                     Nested{software::kFeatures, feature::kFields}};
constexpr std::array kNetworkNested{Nested{network::kListening, listening::kFields},
                                    Nested{network::kConnections, connection::kFields},
                                    Nested{network::kEstablished, connection::kFields}};

constexpr std::array kSections{
    Section{identity::kSection, identity::kFields, {}},
    Section{system::kSection, system::kFields, kSystemNested},
    Section{hardware::kSection, hardware::kFields, kHardwareNested},
    Section{software::kSection, software::kFields, kSoftwareNested},
    Section{network::kSection, network::kFields, kNetworkNested},
};

constexpr std::array kReadings{
    Reading{hardware::kSection, hardware::kFilesystems.name, filesystem::kUsedBytes.name},
    Reading{hardware::kSection, hardware::kFilesystems.name, filesystem::kAvailableBytes.name},
    Reading{network::kSection, network::kConnections.name, connection::kCount.name},
    Reading{network::kSection, "", network::kEstablished.name},
    Reading{network::kSection, "", network::kEdgesDropped.name},
};

constexpr std::array kEverySection{kProblems, kProblemsDropped};

void check_nested(const json& data, const Nested& nested, const std::string& where) {
  const auto it = data.find(nested.holder.name);
  if (it == data.end() || it->is_null()) return;
  const std::string at = report::field_path(where, nested.holder.name);
  if (nested.holder.kind == Kind::kObject) return report::check_fields(*it, nested.fields, at);
  for (std::size_t i = 0; i < it->size(); ++i)
    report::check_fields((*it)[i], nested.fields, at + "[" + std::to_string(i) + "]");
}

}  // namespace

std::span<const Section> sections() { return kSections; }

const Section* section(std::string_view name) {
  for (const Section& s : kSections)
    if (s.name == name) return &s;
  return nullptr;
}

std::span<const Reading> readings() { return kReadings; }

void check_section(std::string_view name, const json& data, const std::string& where) {
  report::check_fields(data, kEverySection, where);
  const Section* known = section(name);
  if (!known) return;
  report::check_fields(data, known->fields, where);
  for (const Nested& nested : known->nested) check_nested(data, nested, where);
}

}  // namespace sahab::protocol::inventory
