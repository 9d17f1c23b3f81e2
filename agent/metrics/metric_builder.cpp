#include "agent/metrics/metric_builder.h"

#include "common/prometheus_text.h"

namespace sahab::agent {
namespace {

// Where a metric of `type` keeps its value in prometheus-cpp's data model.
void set_value(prometheus::ClientMetric& metric, prometheus::MetricType type, double value) {
  switch (type) {
    case prometheus::MetricType::Counter:
      metric.counter.value = value;
      break;
    case prometheus::MetricType::Gauge:
      metric.gauge.value = value;
      break;
    default:
      metric.untyped.value = value;
      break;
  }
}

}  // namespace

void Exposition::family(const prometheus::MetricFamily& family) {
  metrics::append_family(finished_families(), family);
}

FamilyBuilder::FamilyBuilder(Exposition& out, std::string_view name, std::string_view help,
                             prometheus::MetricType type)
    : out_(out), direct_(out.writing_ == nullptr) {
  if (direct_) {
    out_.writing_ = this;
  } else {
    own_.reserve(kAsideCapacity);  // one allocation for most families, not one per doubling
  }
  std::string& text = lines();
  start_ = text.size();
  metrics::append_header(text, name, help, type);
  name_at_ = text.size() - name.size() - std::string_view(metrics::type_name(type)).size() - 2;
  name_size_ = name.size();
}

// Families without samples are left out, as node_exporter does.
FamilyBuilder::~FamilyBuilder() {
  if (!has_samples_) lines().resize(start_);
  if (!direct_) {
    out_.finished_families() += own_;
    return;
  }
  out_.writing_ = nullptr;
  out_.text_ += out_.aside_;
  out_.aside_.clear();
}

FamilyBuilder& FamilyBuilder::add(std::initializer_list<LabelRef> labels, double value) {
  return add_line(labels, value);
}

FamilyBuilder& FamilyBuilder::add(const Labels& labels, double value) {
  return add_line(labels, value);
}

template <typename LabelRange>
FamilyBuilder& FamilyBuilder::add_line(const LabelRange& labels, double value) {
  std::string& text = lines();
  // The name comes from this family's own TYPE line: nothing kept, nothing allocated per sample.
  text.append(text, name_at_, name_size_);
  char separator = '{';
  for (const auto& label : labels) {
    metrics::append_label(text, separator, label.name, label.value);
    separator = ',';
  }
  if (labels.size() != 0) text += '}';
  text += ' ';
  metrics::append_number(text, value);
  text += '\n';
  has_samples_ = true;
  return *this;
}

FamilySet::~FamilySet() {
  for (const auto& [name, family] : families_) out_.family(family);
}

void FamilySet::add(const std::string& name, const std::string& help, const Labels& labels,
                    double value, prometheus::MetricType type) {
  auto [it, added] = families_.try_emplace(name);
  if (added) it->second = {name, help, type, {}};
  prometheus::ClientMetric& metric = it->second.metric.emplace_back();
  set_value(metric, type, value);
  metric.label = labels;
}

void add_gauge(Exposition& out, std::string_view name, std::string_view help, double value) {
  FamilyBuilder(out, name, help, prometheus::MetricType::Gauge).add({}, value);
}

void add_counter(Exposition& out, std::string_view name, std::string_view help, double value) {
  FamilyBuilder(out, name, help, prometheus::MetricType::Counter).add({}, value);
}

}  // namespace sahab::agent
