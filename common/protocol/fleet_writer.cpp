// Writes sahab-fleet/1 from the field table: what the reader accepts, the writer writes.
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "common/protocol/fleet.h"

namespace sahab::protocol {
namespace {
using nlohmann::json;

// The JSON value of a field, or null when the field is left out (absent, or empty and not
// written when empty).
json value_of(const FieldSlot& slot, bool written_when_empty) {
  return std::visit(
      [written_when_empty](const auto* value) -> json {
        using T = std::remove_cvref_t<decltype(*value)>;
        if constexpr (std::is_same_v<T, std::optional<double>>) {
          return *value ? number_json(**value) : json();
        } else if constexpr (std::is_same_v<T, std::optional<int>>) {
          return *value ? json(**value) : json();
        } else if constexpr (std::is_same_v<T, std::string> ||
                             std::is_same_v<T, std::map<std::string, std::string>>) {
          return value->empty() && !written_when_empty ? json() : json(*value);
        } else {
          return *value == 0 && !written_when_empty ? json() : json(*value);
        }
      },
      slot);
}

// Sets `value` at the dotted `path` under `object`, creating the objects on the way.
void put(json& object, std::string_view path, json value) {
  json* at = &object;
  for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
    at = &(*at)[std::string(path.substr(0, dot))];
    path.remove_prefix(dot + 1);
  }
  (*at)[std::string(path)] = std::move(value);
}

template <class Record>
void put_field(json& out, const Field<Record>& f, Record& record, std::size_t element,
               std::string_view path) {
  json value = value_of(f.slot(record, element), f.written_when_empty);
  if (!value.is_null()) put(out, path, std::move(value));
}

}  // namespace

json number_json(double value) {
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  return value == std::floor(value) && std::fabs(value) < kExactIntegers
             ? json(static_cast<std::int64_t>(value))
             : json(value);
}

json host_to_json(const Host& host) {
  // The slots give write access for the reader's sake; nothing is written through them here.
  Host& record = const_cast<Host&>(host);
  json out = json::object();
  for (const Field<Host>& f : host_fields()) {
    const std::string_view path = f.path;
    if (path.starts_with(kUtilisationObject) && !host.utilisation) continue;
    const auto brackets = path.find("[]");
    if (brackets == std::string_view::npos) {
      put_field(out, f, record, 0, path);
      continue;
    }
    const std::string_view list = path.substr(0, brackets);
    const std::size_t n = host_list(list)->size(host);
    if (n == 0) continue;  // an empty list is left out
    json& elements = out[std::string(list)];
    if (elements.is_null()) elements = json::array();
    for (std::size_t i = 0; i < n; ++i) {
      if (elements.size() <= i) elements.push_back(json::object());
      put_field(elements[i], f, record, i, path.substr(brackets + 3));
    }
  }
  if (host.utilisation && !out.contains(kUtilisationObject))
    out[std::string(kUtilisationObject)] = json::object();
  return out;
}

json fleet_to_json(const Fleet& fleet) {
  json document = {{"format", kFleetFormat}};
  if (!fleet.generated_at.empty()) document["generated_at"] = fleet.generated_at;
  json hosts = json::array();
  for (const auto& host : fleet.hosts) hosts.push_back(host_to_json(host));
  document["hosts"] = std::move(hosts);
  json connections = json::array();
  for (const auto& c : fleet.connections) {
    Connection& record = const_cast<Connection&>(c);
    json connection = json::object();
    for (const Field<Connection>& f : connection_fields())
      put_field(connection, f, record, 0, f.path);
    connections.push_back(std::move(connection));
  }
  document["connections"] = std::move(connections);
  return document;
}

}  // namespace sahab::protocol
