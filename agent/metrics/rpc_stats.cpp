#include "agent/metrics/rpc_stats.h"

#include "agent/metrics/collector.h"
#include "common/text.h"

namespace sahab::agent {

RpcStats parse_rpc_stats(const std::string& content, const std::filesystem::path& path) {
  RpcStats stats;
  text::for_each_line(content, [&](std::string_view line) {
    const auto f = text::fields(line);
    if (f.empty()) return;
    if (f.size() < 2)
      throw CollectorError(path.string() + ": no values in '" + std::string(line) + "'");
    const size_t end = f[0] == "th" ? std::min<size_t>(3, f.size()) : f.size();
    auto& values = stats[std::string(f[0])];
    for (size_t i = 1; i < end; ++i) {
      const auto value = text::to_u64(f[i]);
      if (!value) {
        throw CollectorError(path.string() + ": bad number '" + std::string(f[i]) + "' in " +
                             std::string(f[0]));
      }
      values.push_back(static_cast<double>(*value));
    }
  });
  return stats;
}

const std::vector<double>* fixed_values(const RpcStats& stats, const std::string& key, size_t size,
                                        const std::filesystem::path& path) {
  const auto it = stats.find(key);
  if (it == stats.end()) return nullptr;
  if (it->second.size() != size) throw CollectorError(path.string() + ": bad " + key + " line");
  return &it->second;
}

std::optional<std::vector<double>> procedure_values(const RpcStats& stats, const std::string& key,
                                                    size_t minimum,
                                                    const std::filesystem::path& path) {
  const auto it = stats.find(key);
  if (it == stats.end()) return std::nullopt;
  const auto& v = it->second;
  if (v.empty() || static_cast<size_t>(v[0]) != v.size() - 1 || v.size() - 1 < minimum) {
    throw CollectorError(path.string() + ": bad " + key + " line");
  }
  return std::vector<double>(v.begin() + 1, v.end());
}

}  // namespace sahab::agent
