#include "common/sketch.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/byte_codec.h"
#include "common/text.h"

namespace sahab {
namespace {
// The natural logarithm and the integer powers the sketch needs, computed here rather than by
// libm: they were all the agent took from libm, which mapped costs it ~0.3 MiB resident (its
// relocations are resolved when it loads, docs/benchmarks.md). The agent and the collector use
// these same functions, so they agree on every bucket.

// 1/k for odd k: the coefficients of the series of atanh.
constexpr std::array<double, 12> kInverseOdd = {1.0,      1.0 / 3,  1.0 / 5,  1.0 / 7,
                                                1.0 / 9,  1.0 / 11, 1.0 / 13, 1.0 / 15,
                                                1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23};

// ln(x) for a finite x > 0. x = m * 2^e with m in [sqrt(1/2), sqrt(2)), and ln(m) = 2 atanh(s)
// with s = (m - 1) / (m + 1): |s| < 0.172, so twelve terms of the series reach double precision.
double natural_log(double x) {
  constexpr std::uint64_t kMantissa = (std::uint64_t{1} << 52) - 1;
  constexpr std::uint64_t kExponentOfOne = std::uint64_t{1023} << 52;
  int exponent = -1023;
  if (x < 0x1p-1022) {  // subnormal: scaled into the normal range first
    x *= 0x1p54;
    exponent -= 54;
  }
  const auto bits = std::bit_cast<std::uint64_t>(x);
  exponent += static_cast<int>(bits >> 52);
  double m = std::bit_cast<double>((bits & kMantissa) | kExponentOfOne);  // in [1, 2)
  if (m > std::numbers::sqrt2) {
    m /= 2;
    ++exponent;
  }
  const double s = (m - 1) / (m + 1);
  const double s2 = s * s;
  double series = 0;
  for (auto it = kInverseOdd.rbegin(); it != kInverseOdd.rend(); ++it) series = series * s2 + *it;
  return exponent * std::numbers::ln2 + 2 * s * series;
}

// base^exponent by squaring: within n units in the last place for an exponent n (1e-12 for the
// sketch's farthest buckets, against its relative error of 1e-2).
double integer_power(double base, int exponent) {
  double result = 1;
  double factor = base;
  for (unsigned n = static_cast<unsigned>(exponent < 0 ? -exponent : exponent); n != 0; n >>= 1) {
    if (n & 1) result *= factor;
    factor *= factor;
  }
  return exponent < 0 ? 1 / result : result;
}

const double kLogGamma = natural_log(Sketch::kGamma);
// Bucket indices for values between 1e-9 and 1e15 fit easily; reject anything wilder on input.
constexpr int kMaxAbsBucket = 4000;
// Far more values than any window holds (a sample a second for 30,000 years), and far from
// overflowing when many sketches are merged.
constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 40;

// gamma^bucket for every index a stored sketch can hold, computed once, when first asked for: the
// store asks for it for every bucket of every entry it encodes or decodes
// (collector/store/summary_block.cpp), where integer_power made encoding and decoding an hour
// block a quarter slower (docs/benchmarks.md, "Block format 2").
const std::array<double, 2 * kMaxAbsBucket + 1>& powers_of_gamma() {
  static const auto powers = [] {
    std::array<double, 2 * kMaxAbsBucket + 1> out{};
    for (int b = -kMaxAbsBucket; b <= kMaxAbsBucket; ++b)
      out[static_cast<std::size_t>(b + kMaxAbsBucket)] = integer_power(Sketch::kGamma, b);
    return out;
  }();
  return powers;
}
}  // namespace

int Sketch::bucket_of(double value) {
  return static_cast<int>(std::ceil(natural_log(value) / kLogGamma));
}

double Sketch::value_of(int bucket) { return 2.0 * integer_power(kGamma, bucket) / (kGamma + 1.0); }

double Sketch::upper_bound_of(int bucket) {
  if (bucket < -kMaxAbsBucket || bucket > kMaxAbsBucket) return integer_power(kGamma, bucket);
  return powers_of_gamma()[static_cast<std::size_t>(bucket + kMaxAbsBucket)];
}

void Sketch::add(double value, std::uint64_t count) {
  if (count == 0) return;
  if (!(value > kZeroThreshold)) {  // also catches NaN
    zeros_ += count;
  } else {
    buckets_[bucket_of(value)] += count;
  }
  count_ += count;
}

void Sketch::merge(const Sketch& other) {
  for (const auto& [bucket, n] : other.buckets_) buckets_[bucket] += n;
  zeros_ += other.zeros_;
  count_ += other.count_;
}

std::optional<double> Sketch::quantile(double q) const {
  if (count_ == 0) return std::nullopt;
  q = std::clamp(q, 0.0, 1.0);
  // Rank of the wanted value among count_ sorted values (nearest-rank, 0-based).
  const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(count_ - 1)));
  if (rank < zeros_) return 0.0;
  std::uint64_t seen = zeros_;
  for (const auto& [bucket, n] : buckets_) {
    seen += n;
    if (seen > rank) return value_of(bucket);
  }
  return value_of(buckets_.rbegin()->first);
}

nlohmann::json Sketch::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  if (zeros_ > 0) out["z"] = zeros_;
  for (const auto& [bucket, n] : buckets_) out[std::to_string(bucket)] = n;
  return out;
}

void Sketch::append_bytes(std::string& out) const {
  bytes::append_varint(out, zeros_);
  bytes::append_varint(out, buckets_.size());
  int previous = 0;
  for (const auto& [bucket, n] : buckets_) {
    if (bucket == buckets_.begin()->first) {
      bytes::append_zigzag(out, bucket);
    } else {
      bytes::append_varint(out, static_cast<std::uint64_t>(bucket - previous));
    }
    previous = bucket;
  }
  for (const auto& [bucket, n] : buckets_) bytes::append_varint(out, n);
}

Sketch Sketch::from_bytes(bytes::Reader& in) {
  Sketch sketch;
  sketch.zeros_ = in.bounded("sketch zeros", kMaxCount);
  sketch.count_ = sketch.zeros_;
  const auto n = in.bounded("sketch buckets", 2 * kMaxAbsBucket + 1);
  std::vector<int> indexes;
  indexes.reserve(n);
  std::int64_t bucket = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    bucket = i == 0 ? in.zigzag("sketch bucket")
                    : bucket + static_cast<std::int64_t>(
                                   in.bounded("sketch bucket gap", 2 * kMaxAbsBucket));
    if (std::llabs(bucket) > kMaxAbsBucket || (i > 0 && bucket == indexes.back())) {
      throw bytes::Error("sketch bucket " + std::to_string(bucket) + " is not a bucket index");
    }
    indexes.push_back(static_cast<int>(bucket));
  }
  for (const int index : indexes) {
    const auto count = in.bounded("sketch count", kMaxCount - sketch.count_);
    sketch.buckets_.emplace_hint(sketch.buckets_.end(), index, count);
    sketch.count_ += count;
  }
  return sketch;
}

Sketch Sketch::from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("sketch must be an object");
  Sketch sketch;
  for (const auto& [key, value] : json.items()) {
    if (!value.is_number_unsigned() &&
        !(value.is_number_integer() && value.get<long long>() >= 0)) {
      throw std::invalid_argument("sketch count for '" + key + "' must be a non-negative integer");
    }
    const auto n = value.get<std::uint64_t>();
    if (n > kMaxCount - sketch.count_) {
      throw std::invalid_argument("sketch holds more than " + std::to_string(kMaxCount) +
                                  " values");
    }
    if (key == "z") {
      sketch.zeros_ += n;
    } else {
      const auto bucket = text::to_i64(key);
      if (!bucket || std::llabs(*bucket) > kMaxAbsBucket) {
        throw std::invalid_argument("sketch bucket '" + key + "' is not a bucket index");
      }
      sketch.buckets_[static_cast<int>(*bucket)] += n;
    }
    sketch.count_ += n;
  }
  return sketch;
}

}  // namespace sahab
