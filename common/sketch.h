#pragma once
// A mergeable quantile sketch (DDSketch-style log buckets) shared by the agent, which builds one
// per metric per report, and the collector, which merges them to answer percentiles over any
// window. With gamma = 1.02 every quantile is within 1% relative error of the exact one over the
// raw values. Wire format: docs/agent-report-format.md ("sketch").
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

namespace sahab {
namespace bytes {
class Reader;
}

class Sketch {
 public:
  static constexpr double kGamma = 1.02;
  static constexpr double kZeroThreshold = 1e-9;
  static constexpr double kRelativeError = (kGamma - 1) / (kGamma + 1);  // ~0.0099

  void add(double value, std::uint64_t count = 1);
  void merge(const Sketch& other);

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // q in [0, 1]; nullopt when empty. Negative values are not supported (treated as zero).
  std::optional<double> quantile(double q) const;

  // {"z": zeros, "<index>": count, ...}
  nlohmann::json to_json() const;
  // Throws std::invalid_argument naming the bad key or count.
  static Sketch from_json(const nlohmann::json& json);

  // The compact binary form kept in the store (docs/storage.md): varints of the zero count, the
  // number of buckets, the first index (zigzag), the gaps to the next ones and the counts.
  void append_bytes(std::string& out) const;
  // Reads one sketch written by append_bytes; throws bytes::Error naming the bad bucket or count.
  static Sketch from_bytes(bytes::Reader& in);

  static int bucket_of(double value);
  static double value_of(int bucket);
  // The largest value bucket_of puts in `bucket` (gamma^bucket): its values are in
  // (upper_bound_of(bucket) / kGamma, upper_bound_of(bucket)].
  static double upper_bound_of(int bucket);

  const std::map<int, std::uint64_t>& buckets() const { return buckets_; }
  std::uint64_t zeros() const { return zeros_; }

 private:
  std::map<int, std::uint64_t> buckets_;
  std::uint64_t zeros_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace sahab
