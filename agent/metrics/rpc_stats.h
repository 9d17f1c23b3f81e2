#pragma once
// The /proc/net/rpc/{nfs,nfsd} files that the nfs and nfsd collectors read: one line per key
// ("net 18628 0 18628 6", "proc3 22 1 4084749 ..."), and the NFS procedure names of the
// "procN <count> <value>..." lines, in kernel order, as prometheus/procfs 0.8 names them.
#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/metrics/metric_builder.h"

namespace sahab::agent {

using RpcStats = std::map<std::string, std::vector<double>>;

// Key -> numbers. Only the first two numbers of "th" count (the rest are decimals). A line that is
// not numbers is a CollectorError naming `path`. Keys this code does not know are kept and ignored.
RpcStats parse_rpc_stats(const std::string& content, const std::filesystem::path& path);

// The numbers of a line that has exactly `size` of them; nullptr when the line is absent.
const std::vector<double>* fixed_values(const RpcStats& stats, const std::string& key, size_t size,
                                        const std::filesystem::path& path);

// The values of a "procN" line after its count, checked against the count; nullopt when the line
// is absent. Shorter lines than `minimum` are errors.
std::optional<std::vector<double>> procedure_values(const RpcStats& stats, const std::string& key,
                                                    size_t minimum,
                                                    const std::filesystem::path& path);

inline constexpr std::array<const char*, 18> kNfsV2Procedures = {
    "Null",   "GetAttr", "SetAttr", "Root", "Lookup",  "ReadLink", "Read",  "WrCache", "Write",
    "Create", "Remove",  "Rename",  "Link", "SymLink", "MkDir",    "RmDir", "ReadDir", "FsStat"};

inline constexpr std::array<const char*, 22> kNfsV3Procedures = {
    "Null",    "GetAttr",     "SetAttr", "Lookup", "Access",   "ReadLink", "Read",   "Write",
    "Create",  "MkDir",       "SymLink", "MkNod",  "Remove",   "RmDir",    "Rename", "Link",
    "ReadDir", "ReadDirPlus", "FsStat",  "FsInfo", "PathConf", "Commit"};

// Adds `values` (in `names` order) as `family` samples labelled {method, <proto_label>=proto}.
template <size_t N>
void add_procedures(FamilyBuilder& family, const std::array<const char*, N>& names,
                    const std::vector<double>& values, const std::string& proto_label,
                    const std::string& proto) {
  for (size_t i = 0; i < N && i < values.size(); ++i) {
    family.add({{"method", names[i]}, {proto_label, proto}}, values[i]);
  }
}

}  // namespace sahab::agent
