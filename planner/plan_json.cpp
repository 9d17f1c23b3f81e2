// sahab-plan/1 serialisation. The plan is written by a streaming writer: building a JSON tree
// of a 100,000-host plan first would cost more than planning it.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "planner/plan.h"

namespace sahab::planner {
namespace {

// Money and hours are written with two decimals: enough for a budget, stable across runs.
double r2(double v) { return std::round(v * 100) / 100; }

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  Writer& begin_object() { return open('{'); }
  Writer& end_object() { return close('}'); }
  Writer& begin_array() { return open('['); }
  Writer& end_array() { return close(']'); }
  Writer& key(std::string_view k) {
    separate();
    string_literal(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  Writer& value(std::string_view s) {
    separate();
    string_literal(s);
    return *this;
  }
  Writer& value(const char* s) { return value(std::string_view(s)); }
  Writer& value(const std::string& s) { return value(std::string_view(s)); }
  Writer& value(double d) {
    separate();
    if (!std::isfinite(d)) {
      out_ += "null";
      return *this;
    }
    if (d == 0) d = 0;  // no "-0"
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, d).ptr;
    out_.append(buffer, end);
    return *this;
  }
  Writer& value(int n) { return value(static_cast<long long>(n)); }
  Writer& value(std::size_t n) { return value(static_cast<long long>(n)); }
  Writer& value(long long n) {
    separate();
    out_ += std::to_string(n);
    return *this;
  }
  Writer& value(bool b) {
    separate();
    out_ += b ? "true" : "false";
    return *this;
  }
  Writer& null() {
    separate();
    out_ += "null";
    return *this;
  }
  Writer& raw(const std::string& json_text) {
    separate();
    out_ += json_text;
    return *this;
  }
  template <typename T>
  Writer& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  // The field's value when `known`, else null (a figure the plan does not have).
  template <typename T>
  Writer& field_if(std::string_view k, bool known, const T& v) {
    key(k);
    return known ? value(v) : null();
  }
  Writer& strings(std::string_view k, const std::vector<std::string>& list) {
    key(k).begin_array();
    for (const auto& s : list) value(s);
    return end_array();
  }
  // A message as the web UI words it: {"key": ..., "params": {name: text | number | [messages]}}.
  Writer& message(const Message& m) {
    begin_object().field("key", m.key).key("params").begin_object();
    for (const auto& p : m.params) {
      key(p.name);
      if (p.kind == Param::Kind::kNumber) {
        value(p.value);
      } else if (p.kind == Param::Kind::kList) {
        begin_array();
        for (const auto& item : p.items) message(item);
        end_array();
      } else {
        value(p.text);
      }
    }
    return end_object().end_object();
  }
  // A message field: "name": its English wording, "name_message": its key and parameters.
  Writer& message_field(std::string_view k, const Message& m) {
    field(k, m.english);
    key(std::string(k) + "_message");
    return m.empty() ? null() : message(m);
  }
  // A list of messages: "name": their English wording, "name_messages" (singular + "_messages"
  // when given): their keys and parameters.
  Writer& messages(std::string_view k, std::string_view keys_name,
                   const std::vector<Message>& list) {
    key(k).begin_array();
    for (const auto& m : list) value(m.english);
    end_array().key(keys_name).begin_array();
    for (const auto& m : list) message(m);
    return end_array();
  }

 private:
  Writer& open(char c) {
    separate();
    out_ += c;
    first_ = true;
    return *this;
  }
  Writer& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }
  // JSON string with escapes; invalid UTF-8 (from a hand-edited catalogue) becomes U+FFFD.
  void string_literal(std::string_view s) {
    out_ += '"';
    for (std::size_t i = 0; i < s.size();) {
      std::size_t plain = i;  // a run of characters that need no care is copied at once
      while (plain < s.size()) {
        const auto p = static_cast<unsigned char>(s[plain]);
        if (p < 0x20 || p >= 0x80 || p == '"' || p == '\\') break;
        ++plain;
      }
      out_.append(s.data() + i, plain - i);
      i = plain;
      if (i == s.size()) break;
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += static_cast<char>(c);
        ++i;
      } else if (c < 0x20) {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
        out_ += buffer;
        ++i;
      } else if (c < 0x80) {
        out_ += static_cast<char>(c);
        ++i;
      } else {
        const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
        bool valid = length > 0 && c < 0xF5 && i + length <= s.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
          valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        }
        if (valid) {
          out_.append(s.substr(i, length));
          i += length;
        } else {
          out_ += "\xEF\xBF\xBD";
          ++i;
        }
      }
    }
    out_ += '"';
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

void costs(Writer& w, const MonthlyCost& m) {
  w.begin_object()
      .field("compute", r2(m.compute))
      .field("storage", r2(m.storage))
      .field("egress", r2(m.egress))
      .field("licences", r2(m.licences))
      .end_object();
}

void on_premises(Writer& w, const OnPremisesCost& cost) {
  const auto values = categories(cost);
  w.begin_object();
  for (std::size_t k = 0; k < values.size(); ++k) w.field(kOnPremisesCategories[k], r2(values[k]));
  w.end_object();
}

void by_commitment(Writer& w, const CommitmentCosts& costs) {
  w.key("monthly_cost_by_commitment").begin_object();
  for (std::size_t k = 0; k < kCommitments.size(); ++k) w.field(kCommitments[k], r2(costs[k]));
  w.end_object();
}

void host(Writer& w, const Plan& plan, const HostPlan& h) {
  w.begin_object().field("id", h.id).field("hostname", h.hostname).field("region", h.region);
  w.field("province", h.province).field("commune", h.commune).field("environment", h.environment);
  w.field("criticality", h.criticality).field("sensitivity", h.sensitivity);
  w.field("strategy", to_string(h.strategy))
      .messages("reasons", "reason_messages", h.reasons)
      .messages("flags", "flag_messages", h.flags);
  w.key("move_group");
  if (h.group >= 0) {
    w.value(plan.groups[h.group].id);
  } else {
    w.null();
  }
  w.field_if("wave", h.wave > 0, h.wave);
  w.field("confidence", h.confidence);
  w.key("confidence_factors").begin_array();
  for (const auto& f : h.confidence_factors) {
    w.begin_object().field("name", f.name).field("value", f.value).field("effect", f.effect);
    if (!f.words.empty()) w.key("value_message").message(f.words);
    w.end_object();
  }
  w.end_array();
  if (!h.to_confirm.empty()) w.field("to_confirm", h.to_confirm);
  w.field("shared_infrastructure", h.shared_infrastructure);
  w.key("needed")
      .begin_object()
      .field("vcpu", r2(h.needed_vcpu))
      .field("memory_gib", r2(h.needed_memory_gib));
  w.end_object();
  w.key("target");
  if (h.target) {
    const Target& t = *h.target;
    w.begin_object()
        .field("provider", t.provider)
        .field("instance", t.instance)
        .field("series", t.series);
    w.field("vcpu", t.vcpu).field("memory_gib", t.memory_gib);
    if (!t.managed_service.empty()) w.field("managed_service", t.managed_service);
    w.key("disks").begin_array();
    for (const auto& d : t.disks) {
      w.begin_object().field("tier", d.tier).field("size_gib", d.size_gib);
      w.field("monthly_cost", r2(d.monthly_cost)).end_object();
    }
    w.end_array().end_object();
  } else {
    w.null();
  }
  w.field("monthly_cost", r2(h.monthly.total())).key("monthly_cost_breakdown");
  costs(w, h.monthly);
  w.field("monthly_cost_on_demand", r2(h.monthly_on_demand));
  by_commitment(w, h.monthly_by_commitment);
  w.field("on_premises_monthly_cost", r2(h.on_premises_monthly_cost)).key("on_premises");
  on_premises(w, h.on_premises);
  w.field("one_time_cost", r2(h.one_time_cost)).field("transfer_gb", r2(h.transfer_gb));
  w.field("transfer_hours", r2(h.transfer_hours)).end_object();
}

void ids(Writer& w, std::string_view key, const Plan& plan,
         const std::vector<std::uint32_t>& hosts) {
  w.key(key).begin_array();
  for (auto h : hosts) w.value(plan.hosts[h].id);
  w.end_array();
}

// A constraint report: the historical constraint and detail, then the machine kind, the hosts
// (id and hostname) and move groups affected, the waves it touches, why and what would fix it.
void violation(Writer& w, const Plan& plan, const Violation& v) {
  w.begin_object().field("constraint", v.constraint).message_field("detail", v.detail);
  w.field("kind", v.kind);
  w.key("hosts").begin_array();
  for (auto h : v.hosts) {
    const HostPlan& host = plan.hosts[h];
    w.begin_object().field("id", host.id).field("hostname", host.hostname).end_object();
  }
  w.end_array().key("groups").begin_array();
  for (int g : v.groups) {
    if (g >= 0 && static_cast<std::size_t>(g) < plan.groups.size()) w.value(plan.groups[g].id);
  }
  // Parallel to "groups": what a person calls each group.
  w.end_array().key("group_names").begin_array();
  for (int g : v.groups) {
    if (g >= 0 && static_cast<std::size_t>(g) < plan.groups.size()) w.value(plan.groups[g].name);
  }
  w.end_array().key("waves").begin_array();
  for (int n : v.waves) w.value(n);
  w.end_array().message_field("reason", v.reason).message_field("fix", v.fix).end_object();
}

void rollups(Writer& w, std::string_view key, const std::vector<CostRollup>& list) {
  w.key(key).begin_array();
  for (const auto& r : list) {
    w.begin_object()
        .field("key", r.key)
        .field("hosts", r.hosts)
        .field("monthly_cost", r2(r.monthly_cost));
    w.field("on_premises_monthly_cost", r2(r.on_premises_monthly_cost));
    w.field("one_time_cost", r2(r.one_time_cost)).end_object();
  }
  w.end_array();
}

void cut_dependency(Writer& w, const Plan& plan, const CutDependency& c) {
  w.begin_object()
      .field("source", plan.hosts[c.source].id)
      .field("target", plan.hosts[c.target].id);
  w.field("source_group", plan.groups[plan.hosts[c.source].group].id);
  w.field("target_group", plan.groups[plan.hosts[c.target].group].id);
  w.field("connections_per_day", c.connections_per_day).field("bytes_per_day", c.bytes_per_day);
  w.end_object();
}

// "rules" and "assumptions": their English wording; "rule_messages" and "assumption_messages":
// their keys and parameters, which the web UI words in its language.
void rules(Writer& w, const Plan& plan) {
  w.messages("rules", "rule_messages", plan.rules);
  w.messages("assumptions", "assumption_messages", plan.assumptions);
}

void totals(Writer& w, const Plan& plan) {
  const Totals& t = plan.totals;
  w.key("totals").begin_object();
  w.field("hosts", t.hosts).field("rehost", t.rehost).field("replatform", t.replatform);
  w.field("retire", t.retire).field("retain", t.retain).field("flagged", t.flagged);
  w.field("retire_to_confirm", t.retire_to_confirm);
  w.field("monthly_cost", r2(t.monthly_cost)).key("monthly_cost_breakdown");
  costs(w, t.breakdown);
  w.field("monthly_cost_on_demand", r2(t.monthly_cost_on_demand));
  by_commitment(w, t.monthly_cost_by_commitment);
  w.field("commitment", plan.config.costs.commitment).field("one_time_cost", r2(t.one_time_cost));
  w.field("on_premises_monthly_cost", r2(t.on_premises_monthly_cost));
  w.field("retained_on_premises_monthly_cost", r2(t.retained_on_premises_monthly_cost));
  w.field("monthly_difference", r2(t.monthly_difference)).key("on_premises_breakdown");
  on_premises(w, t.on_premises);
  w.end_object();
}

// The on-premises model: its currency and exchange rate, every on_premises.* assumption used,
// the fleet by category and per server.
void on_premises_model(Writer& w, const Plan& plan) {
  const PlannerConfig& c = plan.config;
  w.key("on_premises_model").begin_object();
  w.field("currency", c.on_premises.currency);
  w.field("exchange_rate", to_plan_currency(c, 1, c.on_premises.currency));
  w.field("plan_currency", plan.currency);
  w.key("assumptions").begin_object();
  const nlohmann::json parameters = parameters_json(c);
  for (const auto& [key, value] : parameters.items()) {
    if (key.starts_with("on_premises.") || key.starts_with("plausibility.") ||
        key.starts_with("business_case.")) {
      w.key(key).raw(value.dump());
    }
  }
  w.end_object().key("by_category");
  on_premises(w, plan.totals.on_premises);
  const double hosts = plan.totals.hosts;
  w.field("per_server_monthly", r2(hosts > 0 ? plan.totals.on_premises_monthly_cost / hosts : 0));
  w.end_object();
}

void warnings(Writer& w, const Plan& plan) {
  w.key("warnings").begin_array();
  for (const auto& x : plan.warnings) {
    w.begin_object().field("check", x.check).message_field("detail", x.detail);
    w.field("assumption", x.assumption).field("value", r2(x.value)).end_object();
  }
  w.end_array();
}

void business_case(Writer& w, const Plan& plan) {
  const BusinessCase& b = plan.business_case;
  w.key("business_case").begin_object();
  w.field_if("break_even_month", b.break_even_month > 0, b.break_even_month);
  w.field_if("break_even_date", b.break_even_month > 0, b.break_even_date);
  w.field_if("payback_months", b.payback_months >= 0, r2(b.payback_months));
  w.field("steady_monthly_savings", r2(b.steady_monthly_savings));
  w.key("months").begin_array();
  for (const auto& m : b.months) {
    w.begin_object().field("month", m.month).field("date", m.date);
    w.field("on_premises", r2(m.on_premises)).field("cloud", r2(m.cloud));
    w.field("one_time", r2(m.one_time)).field("total", r2(m.total()));
    w.field("baseline", r2(m.baseline)).field("savings", r2(m.savings));
    w.field("cumulative_savings", r2(m.cumulative_savings)).end_object();
  }
  w.end_array().end_object();
}

}  // namespace

std::string plan_json_text(const Plan& plan) {
  std::string out;
  out.reserve(plan.hosts.size() * 1600 + 65536);
  Writer w(out);
  w.begin_object().field("format", kPlanFormat).field("currency", plan.currency);
  w.key("parameters").raw(parameters_json(plan.config).dump());
  rules(w, plan);
  w.key("hosts").begin_array();
  for (const auto& h : plan.hosts) host(w, plan, h);
  w.end_array();
  w.key("move_groups").begin_array();
  for (const auto& g : plan.groups) {
    w.begin_object().field("id", g.id).field("name", g.name).field("wave", g.wave);
    ids(w, "hosts", plan, g.hosts);
    w.end_object();
  }
  w.end_array();
  w.key("cut_dependencies").begin_array();
  for (const auto& c : plan.cut_dependencies) cut_dependency(w, plan, c);
  w.end_array();
  ids(w, "shared_infrastructure", plan, plan.shared_infrastructure);
  w.key("waves").begin_array();
  for (const auto& wave : plan.waves) {
    w.begin_object().field("number", wave.number).field("pilot", wave.pilot);
    w.field("environment", wave.environment).field("start", wave.start).field("end", wave.end);
    if (!wave.after_blackout.empty()) w.field("after_blackout", wave.after_blackout);
    ids(w, "hosts", plan, wave.hosts);
    w.key("move_groups").begin_array();
    for (auto g : wave.groups) w.value(plan.groups[g].id);
    w.end_array();
    w.field("monthly_cost", r2(wave.monthly_cost)).field("one_time_cost", r2(wave.one_time_cost));
    w.field("transfer_gb", r2(wave.transfer_gb)).field("transfer_hours", r2(wave.transfer_hours));
    w.end_object();
  }
  w.end_array();
  w.key("violations").begin_array();
  for (const auto& v : plan.violations) violation(w, plan, v);
  w.end_array();
  w.key("costs").begin_object();
  rollups(w, "by_region", plan.by_region);
  rollups(w, "by_commune", plan.by_commune);
  w.end_object();
  totals(w, plan);
  on_premises_model(w, plan);
  warnings(w, plan);
  business_case(w, plan);
  w.end_object();
  out += '\n';
  return out;
}

namespace {

// Constraint reports listed in full in a summary; beyond, only their counts per constraint.
constexpr std::size_t kSummaryViolations = 200;

void wave_summary(Writer& w, const Wave& wave) {
  w.begin_object().field("number", wave.number).field("pilot", wave.pilot);
  w.field("environment", wave.environment).field("start", wave.start).field("end", wave.end);
  if (!wave.after_blackout.empty()) w.field("after_blackout", wave.after_blackout);
  w.field("hosts", wave.hosts.size()).field("move_groups", wave.groups.size());
  w.field("monthly_cost", r2(wave.monthly_cost)).field("one_time_cost", r2(wave.one_time_cost));
  w.field("transfer_gb", r2(wave.transfer_gb)).field("transfer_hours", r2(wave.transfer_hours));
  w.end_object();
}

void schedule(Writer& w, const Plan& plan) {
  double transfer_hours = 0, longest_host = 0;
  for (const auto& wave : plan.waves) transfer_hours += wave.transfer_hours;
  for (const auto& h : plan.hosts) longest_host = std::max(longest_host, h.transfer_hours);
  w.key("schedule").begin_object().field("waves", plan.waves.size());
  w.field("start", plan.waves.empty() ? "" : plan.waves.front().start);
  w.field("end", plan.waves.empty() ? "" : plan.waves.back().end);
  w.field("transfer_hours", r2(transfer_hours));
  w.field("longest_host_transfer_hours", r2(longest_host)).end_object();
}

void violations_summary(Writer& w, const Plan& plan) {
  std::map<std::string, std::size_t> by_constraint, by_kind;
  std::map<int, std::size_t> by_wave;
  for (const auto& v : plan.violations) {
    ++by_constraint[v.constraint];
    ++by_kind[v.kind];
    for (int n : v.waves) ++by_wave[n];
  }
  w.key("violations").begin_object().field("total", plan.violations.size());
  w.key("by_constraint").begin_object();
  for (const auto& [constraint, count] : by_constraint) w.field(constraint, count);
  w.end_object().key("by_kind").begin_object();
  for (const auto& [kind, count] : by_kind) w.field(kind, count);
  // Waves touched by a report, with how many: the timeline marks them.
  w.end_object().key("by_wave").begin_array();
  for (const auto& [number, count] : by_wave) {
    w.begin_object().field("wave", number).field("count", count).end_object();
  }
  w.end_array().key("first").begin_array();
  for (std::size_t i = 0; i < plan.violations.size() && i < kSummaryViolations; ++i) {
    violation(w, plan, plan.violations[i]);
  }
  w.end_array().end_object();
}

}  // namespace

std::string plan_summary_json_text(const Plan& plan) {
  std::string out;
  Writer w(out);
  w.begin_object().field("format", kPlanSummaryFormat).field("currency", plan.currency);
  w.key("parameters").raw(parameters_json(plan.config).dump());
  rules(w, plan);
  w.strings("providers", plan.providers);
  totals(w, plan);
  const Totals& t = plan.totals;
  w.key("strategies").begin_object().field("rehost", t.rehost).field("replatform", t.replatform);
  w.field("retire", t.retire).field("retain", t.retain).field("flagged", t.flagged).end_object();
  w.key("costs").begin_object().key("by_resource");
  costs(w, t.breakdown);
  w.key("by_wave").begin_array();
  for (const auto& wave : plan.waves) {
    w.begin_object().field("wave", wave.number).field("hosts", wave.hosts.size());
    w.field("monthly_cost", r2(wave.monthly_cost)).field("one_time_cost", r2(wave.one_time_cost));
    w.end_object();
  }
  w.end_array();
  rollups(w, "by_region", plan.by_region);
  rollups(w, "by_commune", plan.by_commune);
  w.end_object();
  w.key("waves").begin_array();
  for (const auto& wave : plan.waves) wave_summary(w, wave);
  w.end_array();
  schedule(w, plan);
  w.field("move_groups", plan.groups.size())
      .field("cut_dependencies", plan.cut_dependencies.size());
  w.field("shared_infrastructure", plan.shared_infrastructure.size());
  violations_summary(w, plan);
  on_premises_model(w, plan);
  warnings(w, plan);
  business_case(w, plan);
  w.end_object();
  out += '\n';
  return out;
}

std::string host_plan_json_text(const Plan& plan, std::size_t index) {
  std::string out;
  Writer w(out);
  const HostPlan& h = plan.hosts.at(index);
  w.begin_object().field("format", kPlanHostFormat).field("currency", plan.currency);
  w.key("host");
  host(w, plan, h);
  w.key("cut_dependencies").begin_array();
  for (const auto& c : plan.cut_dependencies) {
    if (c.source == index || c.target == index) cut_dependency(w, plan, c);
  }
  w.end_array().end_object();
  out += '\n';
  return out;
}

nlohmann::json plan_to_json(const Plan& plan) {
  return nlohmann::json::parse(plan_json_text(plan));
}

}  // namespace sahab::planner
