#include "common/sketch.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/byte_codec.h"

using sahab::Sketch;

namespace {
double exact_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
}
}  // namespace

TEST_CASE("sketch: quantiles within the documented relative error of exact ones") {
  std::mt19937 rng(7);
  std::lognormal_distribution<double> load(-2.0, 0.8);
  std::vector<double> values;
  Sketch a, b;
  for (int i = 0; i < 20000; ++i) {
    const double v = std::min(1.0, load(rng));
    values.push_back(v);
    (i % 2 ? a : b).add(v);
  }
  a.merge(b);  // merged halves answer as one sketch over everything
  CHECK(a.count() == values.size());
  for (double q : {0.5, 0.9, 0.95, 0.99, 1.0}) {
    const double exact = exact_quantile(values, q);
    const double approx = *a.quantile(q);
    CHECK(std::abs(approx - exact) <= exact * Sketch::kRelativeError * 1.0001);
  }
}

// The sketch computes its logarithm and powers itself (the agent does without libm): the buckets
// are libm's for every value but those within a few units in the last place of a bucket's edge,
// and the buckets' values agree with libm's, the extremes of the
// bucket range included (powers by squaring: a relative error of n units in the last place for a
// bucket n, 1e-12 at the extremes, against the sketch's 1e-2). Subnormal and huge values are not
// thrown off either.
TEST_CASE("sketch: buckets and their values agree with libm's log and pow") {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> exponent(-9.0, 15.0);
  const double log_gamma = std::log(Sketch::kGamma);
  int differing = 0;
  for (int i = 0; i < 200000; ++i) {
    const double value = std::pow(10.0, exponent(rng));
    const double libm = std::log(value) / log_gamma;
    const int bucket = Sketch::bucket_of(value);
    if (bucket != static_cast<int>(std::ceil(libm))) {
      ++differing;
      CHECK(std::abs(libm - std::round(libm)) < 1e-9);  // only right at an edge
    }
  }
  CHECK(differing <= 1);
  for (const int bucket : {-4000, -1047, -1, 0, 1, 2, 37, 1047, 1745, 4000}) {
    const double libm = 2.0 * std::pow(Sketch::kGamma, bucket) / (Sketch::kGamma + 1.0);
    CHECK(std::abs(Sketch::value_of(bucket) - libm) <= libm * 1e-12);
  }
  CHECK(Sketch::bucket_of(1.0) == 0);
  CHECK(Sketch::bucket_of(4e-320) == static_cast<int>(std::ceil(std::log(4e-320) / log_gamma)));
  CHECK(Sketch::bucket_of(1e300) == static_cast<int>(std::ceil(std::log(1e300) / log_gamma)));
}

// The store places means and maxima within (upper_bound_of(b) / kGamma, upper_bound_of(b)]
// (collector/store/summary_block.cpp): every value bucket_of puts in b must lie there, from the
// table (|b| <= 4000) and beyond it alike.
TEST_CASE("sketch: a bucket's values lie below its upper bound and above the one under it") {
  std::mt19937 rng(13);
  std::uniform_real_distribution<double> exponent(-9.0, 15.0);
  int outside = 0;
  for (int i = 0; i < 200000; ++i) {
    const double value = std::pow(10.0, exponent(rng));
    const double high = Sketch::upper_bound_of(Sketch::bucket_of(value));
    // Rounding aside: a value within an ulp or two of an edge may fall on either side.
    if (!(value <= high && value > high / Sketch::kGamma)) {
      ++outside;
      CHECK(std::min(std::abs(value - high), std::abs(value - high / Sketch::kGamma)) <=
            value * 1e-12);
    }
  }
  CHECK(outside <= 2);
  for (const int bucket : {-4001, -4000, -1, 0, 1, 4000, 4001, 20000}) {
    const double libm = std::pow(Sketch::kGamma, bucket);
    CHECK(std::abs(Sketch::upper_bound_of(bucket) - libm) <= libm * 1e-12);
  }
}

TEST_CASE("sketch: zeros and empty") {
  Sketch s;
  CHECK_FALSE(s.quantile(0.5));
  s.add(0.0, 3);
  s.add(0.5);
  CHECK(*s.quantile(0.5) == 0.0);
  CHECK(*s.quantile(1.0) == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("sketch: JSON round trip and bad input") {
  Sketch s;
  for (double v : {0.0, 0.1, 0.2, 0.2, 42.0}) s.add(v);
  const Sketch back = Sketch::from_json(s.to_json());
  CHECK(back.count() == 5);
  CHECK(back.to_json() == s.to_json());
  CHECK_THROWS_AS(Sketch::from_json(nlohmann::json::parse(R"({"x": 1})")), std::invalid_argument);
  CHECK_THROWS_AS(Sketch::from_json(nlohmann::json::parse(R"({"3": -1})")), std::invalid_argument);
  CHECK_THROWS_AS(Sketch::from_json(nlohmann::json::parse(R"({"99999": 1})")),
                  std::invalid_argument);
  CHECK_THROWS_AS(Sketch::from_json(nlohmann::json::parse(R"([1])")), std::invalid_argument);
}

TEST_CASE("sketch: counts that would overflow are refused") {
  CHECK_THROWS_AS(sahab::Sketch::from_json(nlohmann::json::parse(
                      R"({"1": 9223372036854775808, "2": 9223372036854775808})")),
                  std::invalid_argument);
  CHECK_THROWS_AS(sahab::Sketch::from_json(nlohmann::json::parse(R"({"z": 18446744073709551615})")),
                  std::invalid_argument);
  CHECK(
      sahab::Sketch::from_json(nlohmann::json::parse(R"({"z": 1000000, "5": 1000000})")).count() ==
      2'000'000);
}

TEST_CASE("sketch: binary round trip, and refusal of bytes that are not a sketch") {
  Sketch s;
  for (double v : {0.0, 0.0, 1e-6, 0.1, 0.2, 0.2, 42.0, 9e14}) s.add(v);
  std::string bytes;
  s.append_bytes(bytes);
  CHECK(bytes.size() < 20);  // JSON: 60 bytes
  sahab::bytes::Reader in(bytes);
  const Sketch back = Sketch::from_bytes(in);
  CHECK(in.at_end());
  CHECK(back.to_json() == s.to_json());
  CHECK(back.count() == s.count());
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    sahab::bytes::Reader truncated(std::string_view(bytes).substr(0, cut));
    CHECK_THROWS_AS(Sketch::from_bytes(truncated), sahab::bytes::Error);
  }
  const auto refused = [](std::string raw) {
    sahab::bytes::Reader r(raw);
    CHECK_THROWS_AS(Sketch::from_bytes(r), sahab::bytes::Error);
  };
  refused(std::string("\x00\x01\xc2\x3e\x01", 5));          // bucket 4001: beyond the index range
  refused(std::string("\x00\x02\x02\x00\x01\x01", 6));      // the same bucket twice (gap 0)
  refused(std::string("\x00\xff\xff\x03", 4));              // more buckets than there are indexes
  refused(std::string("\xff\xff\xff\xff\xff\xff\x01", 7));  // zeros beyond the count limit
}
