#pragma once
// Which stored host an imported server is (docs/imports.md#matching): a server known to two
// sources is one host. The rules, in order: the same host id; the same SMBIOS/VM UUID (in either
// of the byte orders VMware shows it in); the same hostname, then the same short name; the same
// primary IP address. Matching is against the hosts stored before the import, so the rows of one
// file never match each other and importing the same file again finds the same hosts.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/imports.h"

namespace sahab::collector::import {

struct Match {
  std::string id, source;  // the stored host; source "agent" or "import"
  std::string rule;        // "id", "uuid", "uuid (byte-swapped)", "hostname", "short hostname",
                           // "primary ip"
};

// A UUID as 32 lower-case hex digits (dashes and braces dropped); "" when it is none or a
// placeholder (all zeros, all F).
std::string normalised_uuid(std::string_view text);
// The same UUID with its first three fields in the other byte order: the SMBIOS UUID of a VM
// of hardware version 13 or older as Linux (dmidecode, sysfs) shows it, against vCenter's VM
// UUID (RVTools), or the other way round.
std::string byte_swapped_uuid(const std::string& normalised);
// The address an imported host was reached at: the source's primary IP, else the first of its
// list of addresses; "" when it gives none.
std::string primary_ip(const nlohmann::json& labels);

class HostDirectory {
 public:
  explicit HostDirectory(std::vector<StoredIdentity> hosts);
  // The indexes point into hosts_: never copied.
  HostDirectory(const HostDirectory&) = delete;
  HostDirectory& operator=(const HostDirectory&) = delete;
  // The stored host that `host` (a sahab-fleet/1 host object) is, by the first rule that finds
  // one.
  std::optional<Match> match(const nlohmann::json& host) const;

 private:
  using Index = std::map<std::string, const StoredIdentity*>;
  std::optional<Match> find(const Index& index, const std::string& key, const char* rule) const;
  std::vector<StoredIdentity> hosts_;
  Index by_id_, by_uuid_, by_name_, by_short_name_, by_ip_;
};

// The host an import writes over `stored` (what the import knows of it, null when new): the
// import's values replace the stored ones field by field, labels label by label, and what only
// the stored host has is kept. Importing the same host again gives the same document.
nlohmann::json merged_host(const nlohmann::json& stored, const nlohmann::json& imported);

}  // namespace sahab::collector::import
