#include "common/prometheus_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace sahab::metrics {
namespace {

// Prometheus' text format 0.0.4, written into one string. Our own writer rather than
// prometheus-cpp's TextSerializer: that one formats through an ostream (locale, precision state)
// and took a sixth of the agent's CPU per scrape; and it is the last piece of prometheus-cpp's
// library the agent used, which kept libprometheus-cpp-core (C++, shared only in Debian) and so
// the shared C++ runtime in its memory (issue 18).
class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  void family(const prometheus::MetricFamily& family) {
    if (family.metric.empty()) return;
    append_header(out_, family.name, family.help, family.type);
    for (const auto& metric : family.metric) sample_lines(family, metric);
  }

 private:
  void sample_lines(const prometheus::MetricFamily& family, const prometheus::ClientMetric& m) {
    switch (family.type) {
      case prometheus::MetricType::Counter:
        return line(family.name, "", m, m.counter.value);
      case prometheus::MetricType::Gauge:
        return line(family.name, "", m, m.gauge.value);
      case prometheus::MetricType::Summary:
        return summary(family.name, m);
      case prometheus::MetricType::Histogram:
        return histogram(family.name, m);
      case prometheus::MetricType::Untyped:
        return line(family.name, "", m, m.untyped.value);
    }
  }

  void summary(const std::string& name, const prometheus::ClientMetric& m) {
    for (const auto& quantile : m.summary.quantile) {
      line(name, "", m, quantile.value, "quantile", quantile.quantile);
    }
    line(name, "_sum", m, m.summary.sample_sum);
    line(name, "_count", m, static_cast<double>(m.summary.sample_count));
  }

  void histogram(const std::string& name, const prometheus::ClientMetric& m) {
    bool has_infinite_bucket = false;
    for (const auto& bucket : m.histogram.bucket) {
      line(name, "_bucket", m, static_cast<double>(bucket.cumulative_count), "le",
           bucket.upper_bound);
      has_infinite_bucket = std::isinf(bucket.upper_bound) && bucket.upper_bound > 0;
    }
    if (!has_infinite_bucket) {
      line(name, "_bucket", m, static_cast<double>(m.histogram.sample_count), "le", INFINITY);
    }
    line(name, "_sum", m, m.histogram.sample_sum);
    line(name, "_count", m, static_cast<double>(m.histogram.sample_count));
  }

  // `name` `suffix` {labels[, extra="extra_value"]} value [timestamp]
  void line(const std::string& name, const char* suffix, const prometheus::ClientMetric& m,
            double value, const char* extra = nullptr, double extra_value = 0) {
    out_ += name;
    out_ += suffix;
    if (!m.label.empty() || extra) {
      char separator = '{';
      for (const auto& label : m.label) {
        append_label(out_, separator, label.name, label.value);
        separator = ',';
      }
      if (extra) {
        out_ += separator;
        out_ += extra;
        out_ += "=\"";
        append_number(out_, extra_value);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    append_number(out_, value);
    if (m.timestamp_ms != 0) {
      out_ += ' ';
      out_ += std::to_string(m.timestamp_ms);
    }
    out_ += '\n';
  }

  std::string& out_;
};

constexpr double kExactIntegers = 9007199254740992.0;  // 2^53

}  // namespace

const char* type_name(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Summary:
      return "summary";
    case prometheus::MetricType::Histogram:
      return "histogram";
    case prometheus::MetricType::Untyped:
      break;
  }
  return "untyped";
}

void append_header(std::string& out, std::string_view name, std::string_view help,
                   prometheus::MetricType type) {
  if (!help.empty()) {
    out += "# HELP ";
    out += name;
    out += ' ';
    append_escaped(out, help, false);
    out += '\n';
  }
  out += "# TYPE ";
  out += name;
  out += ' ';
  out += type_name(type);
  out += '\n';
}

void append_label(std::string& out, char separator, std::string_view name, std::string_view value) {
  out += separator;
  out += name;
  out += "=\"";
  append_escaped(out, value, true);
  out += '"';
}

// Whole numbers in full (a timestamp reads 1700000000, not 1.7e+09), others in the shortest
// text that reads back as the same double.
void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buffer[32];
  const bool whole = value == std::trunc(value) && std::fabs(value) < kExactIntegers;
  const auto end =
      whole ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<std::int64_t>(value)).ptr
            : std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  out.append(buffer, end);
}

// Copied in runs between the characters to escape (nearly every value has none), not a character
// at a time.
void append_escaped(std::string& out, std::string_view text, bool is_label_value) {
  std::size_t copied = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* escape = c == '\\'                    ? "\\\\"
                         : c == '\n'                  ? "\\n"
                         : c == '"' && is_label_value ? "\\\""
                                                      : nullptr;
    if (!escape) continue;
    out.append(text.substr(copied, i - copied));
    out += escape;
    copied = i + 1;
  }
  out.append(text.substr(copied));
}

void append_family(std::string& out, const prometheus::MetricFamily& family) {
  TextWriter(out).family(family);
}

void collect_into(std::vector<prometheus::MetricFamily>& families,
                  const prometheus::Collectable& source) {
  auto collected = source.Collect();
  std::move(collected.begin(), collected.end(), std::back_inserter(families));
}

http::Response text_response(const std::vector<prometheus::MetricFamily>& families) {
  http::Response response;
  response.content_type = kTextContentType;
  std::size_t samples = 0;
  for (const auto& family : families) samples += family.metric.size();
  response.body.reserve(samples * 80);  // about a line's length: one allocation for most scrapes
  for (const auto& family : families) append_family(response.body, family);
  return response;
}

}  // namespace sahab::metrics
