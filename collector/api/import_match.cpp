#include "collector/api/import_match.h"

#include <cctype>

#include "collector/api/import_plan.h"
#include "common/bounded_json.h"

namespace sahab::collector::import {
namespace {
using nlohmann::json;

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string short_name(const std::string& hostname) {
  return hostname.substr(0, hostname.find('.'));
}

json labels_of(const std::string& text) {
  return bounded_json::parse_stored_or(text, "host labels", json::object());
}

}  // namespace

std::string normalised_uuid(std::string_view text) {
  std::string hex;
  for (const char c : text) {
    if (c == '-' || c == '{' || c == '}' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 32 || hex.find_first_not_of('0') == std::string::npos ||
      hex.find_first_not_of('f') == std::string::npos)
    return "";
  return hex;
}

std::string byte_swapped_uuid(const std::string& hex) {
  if (hex.size() != 32) return "";
  std::string out = hex;
  // Fields of 4, 2 and 2 bytes, each with its bytes (pairs of digits) reversed.
  for (const auto& [start, bytes] : {std::pair{0, 4}, {8, 2}, {12, 2}}) {
    for (int i = 0; i < bytes; ++i)
      out.replace(static_cast<std::size_t>(start + 2 * i), 2, hex,
                  static_cast<std::size_t>(start + 2 * (bytes - 1 - i)), 2);
  }
  return out;
}

std::string primary_ip(const json& labels) {
  if (!labels.is_object()) return "";
  for (const char* key : {"vmware.primary_ip", "gcp.primary_ip", "azure.ip_addresses",
                          "aws.ip_addresses", "inventory.ip_addresses"}) {
    const auto it = labels.find(key);
    if (it == labels.end() || !it->is_string()) continue;
    const std::string list = it->get<std::string>();
    // Lists are written with commas, semicolons, slashes or spaces between addresses.
    const auto start = list.find_first_not_of(",;/ ");
    if (start == std::string::npos) continue;
    return list.substr(start, list.find_first_of(",;/ ", start) - start);
  }
  return "";
}

HostDirectory::HostDirectory(std::vector<StoredIdentity> hosts) : hosts_(std::move(hosts)) {
  // emplace keeps the first host of a key (hosts come ordered by id): a stable choice.
  for (const auto& h : hosts_) {
    by_id_.emplace(h.id, &h);
    const json labels = labels_of(h.labels_json);
    const std::string uuid =
        normalised_uuid(h.source == "agent" ? h.dmi_uuid : labels.value(kUuidLabel, std::string()));
    if (!uuid.empty()) by_uuid_.emplace(uuid, &h);
    // An agent without /etc/machine-id takes the SMBIOS UUID, dashes dropped, as its host id.
    if (const auto id_uuid = normalised_uuid(h.id); h.source == "agent" && !id_uuid.empty())
      by_uuid_.emplace(id_uuid, &h);
    if (!h.hostname.empty()) {
      by_name_.emplace(lower(h.hostname), &h);
      by_short_name_.emplace(lower(short_name(h.hostname)), &h);
    }
    if (const auto ip = primary_ip(labels); !ip.empty()) by_ip_.emplace(ip, &h);
    for (const auto& address : h.addresses) by_ip_.emplace(address, &h);
  }
}

std::optional<Match> HostDirectory::find(const Index& index, const std::string& key,
                                         const char* rule) const {
  if (key.empty()) return std::nullopt;
  const auto it = index.find(key);
  if (it == index.end()) return std::nullopt;
  return Match{it->second->id, it->second->source, rule};
}

std::optional<Match> HostDirectory::match(const json& host) const {
  const json labels = host.value("labels", json::object());
  const std::string hostname = lower(host.value("hostname", std::string()));
  const std::string uuid =
      normalised_uuid(labels.is_object() ? labels.value(kUuidLabel, std::string()) : "");
  for (auto found :
       {find(by_id_, host.value("id", std::string()), "id"), find(by_uuid_, uuid, "uuid"),
        find(by_uuid_, byte_swapped_uuid(uuid), "uuid (byte-swapped)"),
        find(by_name_, hostname, "hostname"),
        // An FQDN imported for a server whose agent reports its short name, and the other way.
        find(by_name_, short_name(hostname), "short hostname"),
        find(by_short_name_, hostname, "short hostname"),
        find(by_ip_, primary_ip(labels), "primary ip")}) {
    if (found) return found;
  }
  return std::nullopt;
}

json merged_host(const json& stored, const json& imported) {
  if (!stored.is_object()) return imported;
  json out = stored;
  for (const auto& [key, value] : imported.items()) {
    if (key == "labels" && out.contains("labels") && out["labels"].is_object() &&
        value.is_object()) {
      out["labels"].update(value);
    } else if (key != "hostname" || !value.get_ref<const std::string&>().empty()) {
      out[key] = value;
    }
  }
  return out;
}

}  // namespace sahab::collector::import
