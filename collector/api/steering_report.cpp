// The weekly steering report (docs/execution.md#steering-report): the active baseline's progress
// by region, province and commune, the waves in flight and the regressions the before/after
// validation flags, as an .xlsx workbook or printable HTML in the reader's language. Each table
// is written once, into a TableSink: a sheet of the workbook or an HTML table.
#include "collector/api/steering_report.h"

#include <filesystem>
#include <functional>
#include <sstream>

#include "collector/api/execution.h"
#include "collector/api/migration_states.h"
#include "collector/api/validation.h"
#include "collector/store/preferences.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "planner/message.h"
#include "planner/xlsx_report.h"

namespace sahab::collector {
namespace {
using planner::Language;
using planner::TableSink;

struct WaveInFlight {
  int wave = 0;
  std::int64_t hosts = 0;
  std::map<std::string, std::int64_t> states;  // every state present
};

struct Regression {
  std::string host, hostname, region;
  int wave = 0;
  std::string target, rule, subject, detail;
};

struct SteeringReport {
  Baseline baseline;
  std::int64_t generated_at = 0;
  ProgressLevels progress;
  std::vector<WaveInFlight> waves;
  std::vector<Regression> regressions;
  std::size_t hosts_with_regressions = 0;
};

// A wave is in flight once a host of it started moving and until every host is validated or
// retired; a wave whose hosts are all planned, or all done, is not.
std::vector<WaveInFlight> waves_in_flight(const std::vector<WaveStateCount>& counts) {
  std::map<int, WaveInFlight> waves;
  for (const auto& row : counts) {
    auto& wave = waves[row.wave];
    if (wave.states.empty()) {
      wave.wave = row.wave;
      for (const auto state : migration_states()) wave.states[std::string(to_string(state))] = 0;
    }
    wave.hosts += row.hosts;
    wave.states[row.state] += row.hosts;
  }
  std::vector<WaveInFlight> out;
  for (auto& [number, wave] : waves) {
    std::int64_t started = 0;
    for (const auto& [state, n] : wave.states) {
      const auto s = parse_migration_state(state);
      if (s && in_flight(*s)) started += n;
    }
    const std::int64_t done = wave.states["validated"] + wave.states["retired"];
    if (started > 0 && done < wave.hosts) out.push_back(std::move(wave));
  }
  return out;
}

SteeringReport gather(Context& ctx, ValidationCache& validations, const Baseline& baseline) {
  SteeringReport r{baseline, ctx.now(), {}, {}, {}, 0};
  std::vector<BaselineHost> hosts;
  std::map<std::string, std::string> links;
  ctx.store.read([&](Database& db) {
    r.progress = progress_levels(progress_rows(db, baseline.id));
    r.waves = waves_in_flight(wave_state_counts(db, baseline.id));
    hosts = baseline_hosts(db, baseline.id);
    links = migration_targets(db);
  });
  for (const auto& h : hosts) {
    if (h.wave == 0) continue;
    const auto v = validations.flags(ctx, h.host_id, links);
    if (!v || v->regressions == 0) continue;
    ++r.hosts_with_regressions;
    for (const auto& c : v->failed) {
      r.regressions.push_back(
          {h.host_id, h.hostname, h.region, h.wave, v->target, c.rule, c.subject, c.detail});
    }
  }
  return r;
}

// How the tables name their columns, states and rules: the messages catalogue's steering.* words
// in the reader's language, in the workbook as in the HTML.
using Label = std::function<std::string(const std::string& key)>;

Label label_in(Language language) {
  return [language](const std::string& key) {
    return planner::words(planner::say("steering." + key), language);
  };
}

void summary_table(const SteeringReport& r, const Label& label, TableSink& t) {
  t.text(label("figure")).text(label("value")).end();
  const ProgressFigures& f = r.progress.total;
  const std::pair<const char*, std::int64_t> counts[] = {
      {"hosts", f.tracked()},
      {"moving_hosts", f.moving_hosts},
      {"moved", f.moved},
      {"validated", f.validated},
      {"retired", f.retired_servers},
      {"waves", static_cast<std::int64_t>(r.waves.size())},
      {"hosts_with_regressions", static_cast<std::int64_t>(r.hosts_with_regressions)}};
  for (const auto& [key, n] : counts) t.text(label(key)).integer(n).end();
  const std::pair<const char*, double> amounts[] = {
      {"planned_monthly_cost", f.planned_monthly_cost},
      {"committed_monthly_cost", f.committed_monthly_cost},
      {"retired_on_premises_monthly_cost", f.retired_on_premises_monthly_cost}};
  for (const auto& [key, amount] : amounts) t.text(label(key)).money(money(amount)).end();
}

// One row per place of a level: its name (1 to 3 columns) and its figures.
void places_table(const std::map<std::vector<std::string>, ProgressFigures>& places,
                  std::size_t depth, const Label& label, TableSink& t) {
  for (std::size_t i = 0; i < depth; ++i) t.text(label(kPlaceLevels[i]));
  for (const char* key :
       {"hosts", "moving_hosts", "moved", "validated", "retired", "planned_monthly_cost",
        "committed_monthly_cost", "retired_on_premises_monthly_cost"}) {
    t.text(label(key));
  }
  t.end();
  for (const auto& [place, f] : places) {
    for (const auto& name : place) t.text(name);
    t.integer(f.tracked()).integer(f.moving_hosts).integer(f.moved).integer(f.validated);
    t.integer(f.retired_servers).money(money(f.planned_monthly_cost));
    t.money(money(f.committed_monthly_cost)).money(money(f.retired_on_premises_monthly_cost));
    t.end();
  }
}

void waves_table(const SteeringReport& r, const Label& label, TableSink& t) {
  t.text(label("wave")).text(label("hosts"));
  for (const auto state : migration_states())
    t.text(label("state." + std::string(to_string(state))));
  t.end();
  for (const auto& w : r.waves) {
    t.integer(w.wave).integer(w.hosts);
    for (const auto state : migration_states())
      t.integer(w.states.at(std::string(to_string(state))));
    t.end();
  }
}

void regressions_table(const SteeringReport& r, const Label& label, TableSink& t) {
  for (const char* key :
       {"host", "hostname", "region", "wave", "target", "rule", "subject", "detail"}) {
    t.text(label(key));
  }
  t.end();
  for (const auto& g : r.regressions) {
    t.text(g.host).text(g.hostname).text(g.region).integer(g.wave).text(g.target);
    t.text(label("rule." + g.rule)).text(g.subject).text(g.detail).end();
  }
}

// A sheet per table, named as the HTML's sections (each name fits Excel's 31 characters in every
// language: write_xlsx refuses one that does not).
std::vector<planner::XlsxSheet> workbook(const SteeringReport& r, Language language) {
  const Label label = label_in(language);
  using Level = std::pair<const char*, const std::map<std::vector<std::string>, ProgressFigures>*>;
  std::vector<planner::XlsxSheet> sheets = {
      {label("summary"), [&r, label](TableSink& t) { summary_table(r, label, t); }}};
  const Level levels[] = {{"by_region", &r.progress.regions},
                          {"by_province", &r.progress.provinces},
                          {"by_commune", &r.progress.communes}};
  std::size_t depth = 0;
  for (const auto& [name, places] : levels) {
    sheets.push_back({label(name), [places, depth = ++depth, label](TableSink& t) {
                        places_table(*places, depth, label, t);
                      }});
  }
  sheets.push_back(
      {label("waves_in_flight"), [&r, label](TableSink& t) { waves_table(r, label, t); }});
  sheets.push_back(
      {label("regressions"), [&r, label](TableSink& t) { regressions_table(r, label, t); }});
  return sheets;
}

// An HTML table: the first row is the header; text is escaped and isolated (<bdi>: a Latin host
// name inside an Arabic page keeps its own direction); numbers in the language's digits.
class HtmlTable : public TableSink {
 public:
  HtmlTable(std::ostringstream& out, Language language) : out_(out), language_(language) {
    out_ << "<table>\n";
  }
  ~HtmlTable() override { out_ << "</table>\n"; }
  TableSink& text(const std::string& value) override {
    return cell("", "<bdi>" + text::markup_escape(value) + "</bdi>");
  }
  TableSink& integer(long long value) override {
    return cell(" class=\"n\"", planner::number_words(static_cast<double>(value), 0, language_));
  }
  TableSink& number(double value, int decimals) override {
    return cell(" class=\"n\"", planner::number_words(value, decimals, language_));
  }
  TableSink& money(double value) override { return number(value, 2); }
  void end() override {
    out_ << "</tr>\n";
    header_ = false;
    row_open_ = false;
  }

 private:
  TableSink& cell(const char* attributes, const std::string& html) {
    if (!row_open_) out_ << "<tr>";
    row_open_ = true;
    const char* tag = header_ ? "th" : "td";
    out_ << '<' << tag << (header_ ? "" : attributes) << '>' << html << "</" << tag << '>';
    return *this;
  }
  std::ostringstream& out_;
  Language language_;
  bool header_ = true, row_open_ = false;
};

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,"Noto Sans","Noto Sans Arabic","DejaVu Sans",sans-serif;margin:2em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-size:12px}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:start;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:end}
@media print{body{margin:1cm}tr{page-break-inside:avoid}}
)";

std::string html(const SteeringReport& r, Language language) {
  const auto say = [language](const std::string& key, std::vector<planner::Param> params = {}) {
    return text::markup_escape(planner::words(planner::say("steering." + key, params), language));
  };
  const Label label = label_in(language);
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"" << planner::code(language) << '"'
    << (language == Language::kArabic ? " dir=\"rtl\"" : "")
    << "><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" "
       "content=\"default-src 'none'; style-src 'unsafe-inline'\"><title>"
    << say("title") << "</title><style>" << kStyle << "</style></head><body>\n<h1>" << say("title")
    << "</h1>\n<p>"
    << say("baseline", {{"name", r.baseline.name},
                        {"by", r.baseline.approved_by},
                        {"date", format_rfc3339(r.baseline.approved_at).substr(0, 10)}})
    << "<br>"
    << say("generated", {{"date", format_rfc3339(r.generated_at).substr(0, 10)},
                         {"currency", r.baseline.currency}})
    << "</p>\n";
  const auto section = [&](const char* title, const std::function<void(TableSink&)>& write) {
    o << "<h2>" << say(title) << "</h2>\n";
    HtmlTable table(o, language);
    write(table);
  };
  section("summary", [&](TableSink& t) { summary_table(r, label, t); });
  const std::pair<const char*, const std::map<std::vector<std::string>, ProgressFigures>*>
      levels[] = {{"by_region", &r.progress.regions},
                  {"by_province", &r.progress.provinces},
                  {"by_commune", &r.progress.communes}};
  std::size_t depth = 0;
  for (const auto& [title, places] : levels) {
    ++depth;
    section(title, [&](TableSink& t) { places_table(*places, depth, label, t); });
  }
  if (r.waves.empty()) {
    o << "<h2>" << say("waves_in_flight") << "</h2>\n<p>" << say("none") << "</p>\n";
  } else {
    section("waves_in_flight", [&](TableSink& t) { waves_table(r, label, t); });
  }
  if (r.regressions.empty()) {
    o << "<h2>" << say("regressions") << "</h2>\n<p>" << say("none") << "</p>\n";
  } else {
    section("regressions", [&](TableSink& t) { regressions_table(r, label, t); });
  }
  o << "</body></html>\n";
  return o.str();
}

// ?lang= when given, else the signed-in user's language, else French (zgh reads French).
std::variant<Language, http::Response> report_language(Context& ctx, const http::Request& request) {
  auto code = request.query_param("lang");
  if (!code) {
    if (const auto user = ctx.session_user ? ctx.session_user(request) : std::nullopt) {
      code = ctx.store.read([&](Database& db) { return find_user_language(db, *user); });
    }
  }
  const auto language = planner::language_named(code.value_or("fr"));
  if (!language) {
    return error_response(400, "query_choice", {{"name", "lang"}, {"choices", "fr, en, ar, zgh"}},
                          "lang: expected fr, en, ar or zgh");
  }
  return *language;
}

http::Response report(Context& ctx, ValidationCache& validations, const http::Request& request) {
  const std::string format = request.query_param("format").value_or("html");
  if (format != "html" && format != "xlsx") {
    return error_response(400, "query_choice", {{"name", "format"}, {"choices", "html, xlsx"}},
                          "format: expected html or xlsx");
  }
  const auto language = report_language(ctx, request);
  if (const auto* error = std::get_if<http::Response>(&language)) return *error;
  const auto baseline = ctx.store.read([](Database& db) { return active_baseline(db); });
  if (!baseline) {
    return error_response(404, "no_baseline", nlohmann::json::object(),
                          "no baseline approved yet: POST /api/v1/baselines first");
  }
  const SteeringReport r = gather(ctx, validations, *baseline);
  const std::string stem = "sahab-steering-" + format_rfc3339(r.generated_at).substr(0, 10);
  http::Response out;
  if (format == "xlsx") {
    // The library writes files only: the workbook goes through a private temporary file.
    out = http::Response::text(
        200, planner::xlsx_bytes(workbook(r, std::get<Language>(language)), baseline->currency,
                                 std::filesystem::temp_directory_path()));
    out.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    out.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + stem + ".xlsx\"");
  } else {
    out = http::Response::text(200, html(r, std::get<Language>(language)));
    out.content_type = "text/html; charset=utf-8";
    out.headers.emplace_back("Content-Disposition", "inline; filename=\"" + stem + ".html\"");
    out.headers.emplace_back("Content-Security-Policy",
                             "default-src 'none'; style-src 'unsafe-inline'");
  }
  return out;
}

}  // namespace

void register_steering_report_routes(http::Server& server, Context& ctx,
                                     ValidationCache& validations) {
  add_api_routes(
      server, ctx,
      {{"GET", "/api/v1/progress/report", MinRole::kViewer,
        [&validations](Context& c, const http::Request& r) { return report(c, validations, r); }}});
}

}  // namespace sahab::collector
