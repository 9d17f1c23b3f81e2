#include "agent/metrics/text_format_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "common/text.h"

namespace sahab::agent {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::optional<MetricType> type_named(std::string_view name) {
  if (name == "counter") return MetricType::Counter;
  if (name == "gauge") return MetricType::Gauge;
  if (name == "histogram") return MetricType::Histogram;
  if (name == "summary") return MetricType::Summary;
  if (name == "untyped") return MetricType::Untyped;
  return std::nullopt;
}

double parse_value(std::string_view text) {
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  const auto value = text::to_double(text);
  if (!value) throw TextFormatError("bad value '" + std::string(text) + "'");
  return *value;
}

bool name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Parses "{a="x",b="y\"z"}" at the front of `rest`, consuming it.
Labels parse_labels(std::string_view& rest) {
  Labels labels;
  rest.remove_prefix(1);  // '{'
  for (;;) {
    rest = text::trim(rest);
    if (rest.starts_with('}')) break;
    size_t n = 0;
    while (n < rest.size() && name_char(rest[n], n == 0) && rest[n] != ':') ++n;
    if (n == 0 || rest.substr(n, 2) != "=\"") throw TextFormatError("bad label");
    ClientMetric::Label label{std::string(rest.substr(0, n)), {}};
    size_t i = n + 2;
    for (; i < rest.size() && rest[i] != '"'; ++i) {
      if (rest[i] != '\\') {
        label.value += rest[i];
        continue;
      }
      if (++i == rest.size()) break;
      label.value += rest[i] == 'n' ? '\n' : rest[i];
    }
    if (i >= rest.size()) throw TextFormatError("unterminated label value");
    labels.push_back(std::move(label));
    rest = text::trim(rest.substr(i + 1));
    if (rest.starts_with(','))
      rest.remove_prefix(1);
    else if (!rest.starts_with('}'))
      throw TextFormatError("expected ',' or '}' after a label");
  }
  rest.remove_prefix(1);
  return labels;
}

// The label `name`, removed from `labels`; nullopt when absent.
std::optional<std::string> take_label(Labels& labels, const std::string& name) {
  const auto it = std::find_if(labels.begin(), labels.end(),
                               [&](const auto& label) { return label.name == name; });
  if (it == labels.end()) return std::nullopt;
  std::string value = std::move(it->value);
  labels.erase(it);
  return value;
}

// One file's families. Histogram and summary samples (_bucket, _sum, _count, quantile) are
// gathered into one metric per label set, as the Go parser does.
class Parser {
 public:
  explicit Parser(std::string source) : source_(std::move(source)) {}

  void line(std::string_view line) {
    line = text::trim(line);
    if (line.empty()) return;
    if (line.starts_with('#')) return comment(line);
    size_t n = 0;
    while (n < line.size() && name_char(line[n], n == 0)) ++n;
    if (n == 0) throw TextFormatError("not a sample line");
    const std::string name(line.substr(0, n));
    std::string_view rest = line.substr(n);
    Labels labels = rest.starts_with('{') ? parse_labels(rest) : Labels{};
    const auto f = text::fields(rest);
    if (f.empty()) throw TextFormatError("no value");
    if (f.size() > 1) throw TextFormatError("client-side timestamps are not supported");
    sample(name, std::move(labels), parse_value(f[0]));
  }

  TextFamilies finish() {
    for (auto& [name, family] : families_) {
      if (family.help.empty()) family.help = "Metric read from " + source_;
    }
    return std::move(families_);
  }

 private:
  void comment(std::string_view line) {
    const auto f = text::fields(line);
    if (f.size() < 3 || (f[1] != "HELP" && f[1] != "TYPE")) return;
    MetricFamily& family = family_named(std::string(f[2]));
    const auto after = line.find(f[2], line.find(f[1]) + f[1].size()) + f[2].size();
    const auto rest = text::trim(line.substr(after));
    if (f[1] == "TYPE") {
      const auto type = type_named(rest);
      if (!type || !family.metric.empty()) throw TextFormatError("bad TYPE line");
      family.type = *type;
      return;
    }
    family.help.clear();
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '\\' && i + 1 < rest.size()) {
        family.help += rest[++i] == 'n' ? '\n' : rest[i];
      } else {
        family.help += rest[i];
      }
    }
  }

  MetricFamily& family_named(const std::string& name) {
    auto [it, added] = families_.try_emplace(name);
    if (added) {
      it->second.name = name;
      it->second.type = MetricType::Untyped;
    }
    return it->second;
  }

  // The family a sample belongs to: "x_bucket" to a histogram "x", and so on.
  MetricFamily& family_of(const std::string& name, std::string& suffix) {
    for (const char* s : {"_bucket", "_sum", "_count"}) {
      if (!name.ends_with(s)) continue;
      const auto it = families_.find(name.substr(0, name.size() - std::strlen(s)));
      if (it != families_.end() &&
          (it->second.type == MetricType::Histogram ||
           (it->second.type == MetricType::Summary && std::string_view(s) != "_bucket"))) {
        suffix = s;
        return it->second;
      }
    }
    return family_named(name);
  }

  void sample(const std::string& name, Labels labels, double value) {
    std::string suffix;
    MetricFamily& family = family_of(name, suffix);
    switch (family.type) {
      case MetricType::Histogram:
      case MetricType::Summary:
        return aggregate(family, suffix, std::move(labels), value);
      default:
        break;
    }
    ClientMetric metric;
    metric.label = std::move(labels);
    metric.counter.value = metric.gauge.value = metric.untyped.value = value;
    family.metric.push_back(std::move(metric));
  }

  void aggregate(MetricFamily& family, const std::string& suffix, Labels labels, double value) {
    const bool histogram = family.type == MetricType::Histogram;
    const auto bound = take_label(labels, histogram ? "le" : "quantile");
    if (suffix.empty() && histogram)
      throw TextFormatError("histogram sample without _bucket/_sum/_count");
    std::sort(labels.begin(), labels.end());
    auto it = std::find_if(family.metric.begin(), family.metric.end(),
                           [&](const ClientMetric& m) { return m.label == labels; });
    if (it == family.metric.end()) {
      family.metric.emplace_back().label = labels;
      it = family.metric.end() - 1;
    }
    if (suffix == "_sum") {
      it->histogram.sample_sum = it->summary.sample_sum = value;
    } else if (suffix == "_count") {
      it->histogram.sample_count = it->summary.sample_count = static_cast<std::uint64_t>(value);
    } else if (!bound) {
      throw TextFormatError(histogram ? "bucket without le" : "summary sample without quantile");
    } else if (histogram) {
      it->histogram.bucket.push_back({static_cast<std::uint64_t>(value), parse_value(*bound)});
    } else {
      it->summary.quantile.push_back({parse_value(*bound), value});
    }
  }

  std::string source_;
  TextFamilies families_;
};

}  // namespace

TextFamilies parse_text_format(std::string_view content, const std::string& source) {
  Parser parser(source);
  size_t number = 0;
  text::for_each_line(content, [&](std::string_view line) {
    ++number;
    try {
      parser.line(line);
    } catch (const TextFormatError& e) {
      throw TextFormatError("line " + std::to_string(number) + ": " + e.what());
    }
  });
  return parser.finish();
}

}  // namespace sahab::agent
