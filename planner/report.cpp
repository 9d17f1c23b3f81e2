#include "planner/report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/file.h"
#include "common/text.h"

namespace sahab::planner {
namespace {

constexpr const char* kBom = "\xEF\xBB\xBF";  // lets spreadsheets read UTF-8 (accented communes)
constexpr std::size_t kMaxViolationsShown = 500;

std::string num(double v, int decimals = 2) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string money(double v) {
  // 1234567.8 -> "1 234 568" (thin grouping as written in Morocco)
  std::string digits = num(v < 0 ? -v : v, 0), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u202F";
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

// Rows end with CRLF, as RFC 4180 and spreadsheets expect. Money has two decimals, no grouping,
// so a spreadsheet reads it as a number.
class Csv : public TableSink {
 public:
  Csv() { out_ << kBom; }
  TableSink& text(const std::string& v) override { return cell(csv_field(v)); }
  TableSink& number(double v, int decimals) override { return cell(num(v, decimals)); }
  TableSink& money(double v) override { return cell(num(v)); }
  TableSink& integer(long long v) override { return cell(std::to_string(v)); }
  void end() override {
    out_ << "\r\n";
    first_ = true;
  }
  std::string str() const { return out_.str(); }

 private:
  TableSink& cell(const std::string& v) {
    if (!first_) out_ << ',';
    out_ << v;
    first_ = false;
    return *this;
  }
  std::ostringstream out_;
  bool first_ = true;
};

void header(TableSink& table, std::initializer_list<const char*> names) {
  for (const char* n : names) table.text(n);
  table.end();
}

}  // namespace

std::string csv_field(const std::string& value) {
  std::string v = value;
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char c : v) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// "coverage=97% (0); days_of_data=10 of 30 days (-3)": each factor and its effect in stars.
static std::string confidence_factors_text(const HostPlan& h) {
  std::vector<std::string> parts;
  for (const auto& f : h.confidence_factors)
    parts.push_back(f.name + "=" + f.value + " (" + (f.effect > 0 ? "+" : "") +
                    std::to_string(f.effect) + ")");
  return joined(parts, "; ");
}

void hosts_table(const Plan& plan, TableSink& csv) {
  header(csv, {"id",
               "hostname",
               "region",
               "province",
               "commune",
               "environment",
               "criticality",
               "sensitivity",
               "strategy",
               "move_group",
               "wave",
               "confidence",
               "provider",
               "instance",
               "vcpu",
               "memory_gib",
               "monthly_cost",
               "compute",
               "storage",
               "egress",
               "licences",
               "on_premises_monthly_cost",
               "one_time_cost",
               "transfer_gb",
               "transfer_hours",
               "flags",
               "reasons",
               "confidence_factors",
               "to_confirm"});
  for (const auto& h : plan.hosts) {
    csv.text(h.id)
        .text(h.hostname)
        .text(h.region)
        .text(h.province)
        .text(h.commune)
        .text(h.environment);
    csv.text(h.criticality).text(h.sensitivity).text(to_string(h.strategy));
    csv.text(h.group >= 0 ? plan.groups[h.group].id : "");
    if (h.wave > 0) {
      csv.integer(h.wave);
    } else {
      csv.text("");
    }
    csv.integer(h.confidence);
    csv.text(h.target ? h.target->provider : "").text(h.target ? h.target->instance : "");
    csv.number(h.target ? h.target->vcpu : 0, 0).number(h.target ? h.target->memory_gib : 0, 1);
    csv.money(h.monthly.total()).money(h.monthly.compute).money(h.monthly.storage);
    csv.money(h.monthly.egress).money(h.monthly.licences).money(h.on_premises_monthly_cost);
    csv.money(h.one_time_cost).number(h.transfer_gb, 1).number(h.transfer_hours, 1);
    csv.text(joined(english(h.flags), "; ")).text(joined(english(h.reasons), "; "));
    csv.text(confidence_factors_text(h)).text(h.to_confirm);
    csv.end();
  }
}

void groups_table(const Plan& plan, TableSink& table) {
  header(table, {"move_group", "name", "wave", "hosts", "monthly_cost", "one_time_cost"});
  for (const auto& g : plan.groups) {
    double monthly = 0, one_time = 0;
    for (const auto host : g.hosts) {
      monthly += plan.hosts[host].monthly.total();
      one_time += plan.hosts[host].one_time_cost;
    }
    table.text(g.id).text(g.name);
    if (g.wave > 0) {
      table.integer(g.wave);
    } else {
      table.text("");
    }
    table.integer(static_cast<long long>(g.hosts.size())).money(monthly).money(one_time);
    table.end();
  }
}

void waves_table(const Plan& plan, TableSink& csv) {
  header(csv, {"wave", "pilot", "environment", "start", "end", "hosts", "move_groups",
               "monthly_cost", "one_time_cost", "transfer_gb", "transfer_hours"});
  for (const auto& w : plan.waves) {
    csv.integer(w.number)
        .text(w.pilot ? "yes" : "no")
        .text(w.environment)
        .text(w.start)
        .text(w.end);
    csv.integer(static_cast<long long>(w.hosts.size()))
        .integer(static_cast<long long>(w.groups.size()));
    csv.money(w.monthly_cost)
        .money(w.one_time_cost)
        .number(w.transfer_gb, 1)
        .number(w.transfer_hours, 1);
    csv.end();
  }
}

void costs_table(const Plan& plan, TableSink& csv) {
  header(csv,
         {"level", "key", "hosts", "monthly_cost", "on_premises_monthly_cost", "one_time_cost"});
  auto rows = [&](const char* level, const std::vector<CostRollup>& list) {
    for (const auto& r : list) {
      csv.text(level)
          .text(r.key)
          .integer(r.hosts)
          .money(r.monthly_cost)
          .money(r.on_premises_monthly_cost);
      csv.money(r.one_time_cost);
      csv.end();
    }
  };
  rows("region", plan.by_region);
  rows("commune", plan.by_commune);
  const Totals& t = plan.totals;
  csv.text("total")
      .text(plan.currency)
      .integer(t.hosts)
      .money(t.monthly_cost)
      .money(t.on_premises_monthly_cost);
  csv.money(t.one_time_cost);
  csv.end();
}

std::string hosts_csv(const Plan& plan) {
  Csv csv;
  hosts_table(plan, csv);
  return csv.str();
}

std::string waves_csv(const Plan& plan) {
  Csv csv;
  waves_table(plan, csv);
  return csv.str();
}

std::string costs_csv(const Plan& plan) {
  Csv csv;
  costs_table(plan, csv);
  return csv.str();
}

void write_csv_reports(const Plan& plan, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw FileError(dir.string() + ": cannot create the directory: " + ec.message());
  const auto perms = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                     std::filesystem::perms::group_read | std::filesystem::perms::others_read;
  write_file_atomic(dir / "hosts.csv", hosts_csv(plan), perms);
  write_file_atomic(dir / "waves.csv", waves_csv(plan), perms);
  write_file_atomic(dir / "costs.csv", costs_csv(plan), perms);
}

namespace {

class Html {
 public:
  Html& raw(const std::string& s) {
    out_ << s;
    return *this;
  }
  Html& text(const std::string& s) {
    out_ << text::markup_escape(s);
    return *this;
  }
  void row(std::initializer_list<std::string> cells, const char* tag = "td") {
    out_ << "<tr>";
    for (const auto& c : cells)
      out_ << '<' << tag << '>' << text::markup_escape(c) << "</" << tag << '>';
    out_ << "</tr>\n";
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,"Noto Sans","Noto Sans Arabic","DejaVu Sans",sans-serif;margin:2em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-size:12px}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:start;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:end}
.flag{color:#a00}.small{color:#666;font-size:12px}
@media print{body{margin:1cm}h2{page-break-before:always}tr{page-break-inside:avoid}}
)";

// The report's words: English, French and Arabic by English phrase. A phrase missing from the table
// stays English (report_test checks none is).
struct Wording {
  std::string_view english, french, arabic;
};
constexpr Wording kWords[] = {
    {"Sahab — migration plan", "Sahab — plan de migration", "سحاب — خطة الانتقال"},
    {"constraint(s) not met", "contrainte(s) non tenue(s)", "قيد (قيود) غير مستوفاة"},
    {"details in", "détails dans", "التفاصيل في"},
    {"Constraints not met", "Contraintes non tenues", "القيود غير المستوفاة"},
    {"Summary", "Synthèse", "الملخص"},
    {"hosts", "serveurs", "الخوادم"},
    {"rehost / replatform / retire / retain",
     "réhébergement / replateformage / retrait / conservation",
     "إعادة الاستضافة / النقل إلى منصة جديدة / السحب / الاحتفاظ"},
    {"hosts flagged for review", "serveurs signalés à revoir", "خوادم مُنبَّه عليها للمراجعة"},
    {"move groups / waves", "groupes de migration / vagues", "مجموعات الانتقال / الموجات"},
    {"cloud monthly cost", "coût mensuel cloud", "التكلفة الشهرية للسحابة"},
    {"on-premises monthly cost today", "coût mensuel sur site aujourd’hui",
     "التكلفة الشهرية في الموقع حاليًا"},
    {"on-premises monthly cost of retained hosts", "coût mensuel sur site des serveurs conservés",
     "التكلفة الشهرية في الموقع للخوادم المحتفظ بها"},
    {"monthly difference (cloud + retained − today)",
     "écart mensuel (cloud + conservés − aujourd’hui)",
     "الفرق الشهري (السحابة + المحتفظ به − الوضع الحالي)"},
    {"one-time migration cost", "coût unique de migration", "تكلفة الانتقال لمرة واحدة"},
    {"break-even", "seuil de rentabilité", "نقطة التعادل"},
    {"month", "mois", "الشهر"},
    {"none within the horizon", "non atteint sur l’horizon", "لم تُبلغ خلال الأفق الزمني"},
    {"Cost warnings", "Alertes de vraisemblance", "تنبيهات المعقولية"},
    {"None: every cost figure is within its plausible band.",
     "Aucune : tous les montants sont dans leur fourchette plausible.",
     "لا شيء: جميع المبالغ ضمن نطاقها المعقول."},
    {"check", "contrôle", "الفحص"},
    {"assumption", "hypothèse", "الافتراض"},
    {"detail", "détail", "التفصيل"},
    {"On-premises cost today, by category", "Coût sur site aujourd’hui, par poste",
     "التكلفة في الموقع حاليًا، حسب البند"},
    {"category", "poste", "البند"},
    {"monthly", "mensuel", "شهريًا"},
    {"share", "part", "الحصة"},
    {"hardware", "matériel", "العتاد"},
    {"storage", "stockage", "التخزين"},
    {"power", "énergie", "الطاقة"},
    {"licences", "licences", "التراخيص"},
    {"support", "support", "الدعم"},
    {"backup", "sauvegarde", "النسخ الاحتياطي"},
    {"operations", "exploitation", "التشغيل"},
    {"facility", "salle", "القاعة"},
    {"staff", "personnel", "الموظفون"},
    {"per server", "par serveur", "لكل خادم"},
    {"Assumptions in", "Hypothèses en", "الافتراضات بـ"},
    {"every value, its source and date: docs/costs.md.",
     "chaque valeur, sa source et sa date : docs/costs.md.",
     "كل قيمة ومصدرها وتاريخها: docs/costs.md."},
    {"value", "valeur", "القيمة"},
    {"Business case", "Analyse de rentabilité", "دراسة الجدوى"},
    {"on premises", "sur site", "في الموقع"},
    {"cloud", "cloud", "السحابة"},
    {"one-time", "ponctuel", "لمرة واحدة"},
    {"total", "total", "المجموع"},
    {"staying on premises", "maintien sur site", "البقاء في الموقع"},
    {"with the migration", "avec la migration", "مع الانتقال"},
    {"savings", "économies", "التوفير"},
    {"cumulative savings", "économies cumulées", "التوفير التراكمي"},
    {"Waves", "Vagues", "الموجات"},
    {"wave", "vague", "الموجة"},
    {"dates", "dates", "التواريخ"},
    {"kind", "type", "النوع"},
    {"groups", "groupes", "المجموعات"},
    {"monthly cost", "coût mensuel", "التكلفة الشهرية"},
    {"one-time cost", "coût unique", "التكلفة لمرة واحدة"},
    {"transfer GB", "transfert (Go)", "النقل (GB)"},
    {"longest site copy (h)", "plus longue copie d’un site (h)", "أطول نسخ لموقع (ساعة)"},
    {"pilot", "pilote", "تجريبية"},
    {"Costs by region", "Coûts par région", "التكاليف حسب الجهة"},
    {"region", "région", "الجهة"},
    {"cloud monthly", "cloud mensuel", "السحابة شهريًا"},
    {"on-premises monthly", "sur site mensuel", "في الموقع شهريًا"},
    {"Rules and assumptions", "Règles et hypothèses", "القواعد والافتراضات"},
    {"parameter", "paramètre", "المعامل"},
    {"None.", "Aucune.", "لا شيء."},
    {"constraint", "contrainte", "القيد"},
    {"waves", "vagues", "الموجات"},
    {"why", "pourquoi", "السبب"},
    {"fix", "correctif", "التصحيح"},
    {"more", "de plus", "أخرى"},
    {"more in plan.json", "de plus dans plan.json", "أخرى في plan.json"},
    {"Hosts", "Serveurs", "الخوادم"},
    {"host", "serveur", "الخادم"},
    {"commune", "commune", "الجماعة"},
    {"env", "env.", "البيئة"},
    {"strategy", "stratégie", "الاستراتيجية"},
    {"group", "groupe", "المجموعة"},
    {"target", "cible", "الوجهة"},
    {"copy (h)", "copie (h)", "النسخ (ساعة)"},
    {"rehost", "réhébergement", "إعادة الاستضافة"},
    {"replatform", "replateformage", "النقل إلى منصة جديدة"},
    {"retire", "retrait", "السحب"},
    {"retain", "conservation", "الاحتفاظ"},
    {"dependency order", "Ordre des dépendances", "ترتيب التبعيات"},
    {"light dependency order", "Dépendances légères entre vagues", "تبعيات خفيفة بين الموجات"},
    {"environment", "Dév./test avant la production", "التطوير والاختبار قبل الإنتاج"},
    {"transfer window", "Fenêtre de transfert", "نافذة النقل"},
    {"wave size", "Taille de vague", "حجم الموجة"},
    {"criticality", "Criticité élevée trop tôt", "أهمية عالية في وقت مبكر جدًا"},
    {"group size", "Taille de groupe", "حجم المجموعة"},
    {"server_cost_high", "coût par serveur élevé", "تكلفة مرتفعة لكل خادم"},
    {"server_cost_low", "coût par serveur faible", "تكلفة منخفضة لكل خادم"},
    {"fleet_cost_high", "coût moyen du parc élevé", "متوسط تكلفة الحظيرة مرتفع"},
    {"fleet_cost_low", "coût moyen du parc faible", "متوسط تكلفة الحظيرة منخفض"},
    {"payback_short", "retour sur investissement trop rapide",
     "استرداد الاستثمار سريع أكثر من اللازم"},
    {"cloud_ratio_low", "cloud anormalement bon marché", "السحابة رخيصة بشكل غير عادي"},
    {"cloud_ratio_high", "cloud anormalement cher", "السحابة مكلفة بشكل غير عادي"},
    {"Generated by sahab-planner. Prices come from the catalogues named in the parameters; they "
     "are estimates.",
     "Produit par sahab-planner. Les prix viennent des catalogues nommés dans les paramètres ; ce "
     "sont des estimations.",
     "أُنتج بواسطة sahab-planner. الأسعار مأخوذة من الكتالوجات المذكورة في المعاملات، وهي تقديرات."},
};

struct Words {
  ReportLanguage language;
  std::string operator()(std::string_view english) const {
    if (language == ReportLanguage::kEnglish) return std::string(english);
    for (const auto& w : kWords) {
      if (w.english == english)
        return std::string(language == ReportLanguage::kArabic ? w.arabic : w.french);
    }
    return std::string(english);
  }
  // What the planner says (reasons, rules, constraint reports), from planner/messages.json.
  std::string operator()(const Message& message) const { return words(message, language); }
  std::string operator()(const std::vector<Message>& messages, std::string_view separator) const {
    std::string out;
    for (const auto& m : messages)
      out += (out.empty() ? "" : std::string(separator)) + words(m, language);
    return out;
  }
  // <html lang=… dir=…>: Arabic reads right to left.
  std::string html_attributes() const {
    return "lang=\"" + std::string(code(language)) + "\"" +
           (language == ReportLanguage::kArabic ? " dir=\"rtl\"" : "");
  }
};

// The business case as an inline SVG (no script, nothing loaded): monthly cost with the migration
// against the baseline (staying on premises), and the cumulative savings, with the break-even.
std::string business_case_svg(const BusinessCase& b, const Words& w) {
  if (b.months.empty()) return "";
  constexpr double kW = 900, kH = 260, kLeft = 70, kTop = 10, kBottom = 30;
  double lo = 0, hi = 0;
  for (const auto& m : b.months) {
    lo = std::min({lo, m.cumulative_savings, m.total(), m.baseline});
    hi = std::max({hi, m.cumulative_savings, m.total(), m.baseline});
  }
  if (hi - lo < 1) hi = lo + 1;
  const double n = static_cast<double>(b.months.size());
  auto x = [&](std::size_t i) { return kLeft + (kW - kLeft - 10) * (i + 0.5) / n; };
  auto y = [&](double v) { return kTop + (kH - kTop - kBottom) * (hi - v) / (hi - lo); };
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(1);
  o << "<svg viewBox=\"0 0 " << kW << ' ' << kH << "\" width=\"900\" role=\"img\" aria-label=\""
    << text::markup_escape(w("Business case")) << "\">";
  o << "<line x1=\"" << kLeft << "\" x2=\"" << kW - 10 << "\" y1=\"" << y(0) << "\" y2=\"" << y(0)
    << "\" stroke=\"#999\"/>";
  auto line = [&](const char* colour, auto value) {
    o << "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" << colour << "\" points=\"";
    for (std::size_t i = 0; i < b.months.size(); ++i)
      o << x(i) << ',' << y(value(b.months[i])) << ' ';
    o << "\"/>";
  };
  line("#888", [](const BusinessMonth& m) { return m.baseline; });
  line("#1f6fb2", [](const BusinessMonth& m) { return m.total(); });
  line("#2a8a3a", [](const BusinessMonth& m) { return m.cumulative_savings; });
  if (b.break_even_month > 0) {
    const double bx = x(static_cast<std::size_t>(b.break_even_month - 1));
    o << "<line x1=\"" << bx << "\" x2=\"" << bx << "\" y1=\"" << kTop << "\" y2=\"" << kH - kBottom
      << "\" stroke=\"#2a8a3a\" stroke-dasharray=\"4 3\"/>";
  }
  o << "<text x=\"2\" y=\"" << y(hi) + 10 << "\" font-size=\"11\">" << money(hi) << "</text>";
  o << "<text x=\"2\" y=\"" << y(lo) << "\" font-size=\"11\">" << money(lo) << "</text>";
  for (std::size_t i = 0; i < b.months.size(); i += 6) {
    o << "<text x=\"" << x(i) - 16 << "\" y=\"" << kH - 10 << "\" font-size=\"11\">"
      << text::markup_escape(b.months[i].date) << "</text>";
  }
  o << "</svg>\n<p class=\"small\"><span style=\"color:#888\">■</span> "
    << text::markup_escape(w("staying on premises")) << " <span style=\"color:#1f6fb2\">■</span> "
    << text::markup_escape(w("with the migration")) << " <span style=\"color:#2a8a3a\">■</span> "
    << text::markup_escape(w("cumulative savings")) << "</p>\n";
  return o.str();
}

}  // namespace

std::string html_report(const Plan& plan, ReportLanguage language) {
  const Words w{language};
  const Totals& t = plan.totals;
  const std::string& cur = plan.currency;
  Html h;
  h.raw("<!DOCTYPE html>\n<html ")
      .raw(w.html_attributes())
      .raw(
          "><head><meta charset=\"utf-8\">"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
          "'unsafe-inline'\"><title>")
      .text(w("Sahab — migration plan"))
      .raw("</title><style>")
      .raw(kStyle)
      .raw("</style></head><body>\n<h1>")
      .text(w("Sahab — migration plan"))
      .raw("</h1>\n");

  // Constraints not met come first, counted by kind: an architect defends them before anything.
  std::map<std::string, std::size_t> by_kind;
  for (const auto& v : plan.violations) ++by_kind[v.constraint];
  h.raw("<section id=\"constraints-summary\"><p><strong>")
      .text(std::to_string(plan.violations.size()) + " " + w("constraint(s) not met"))
      .raw("</strong>");
  if (!by_kind.empty()) {
    std::string counts;
    for (const auto& [kind, count] : by_kind)
      counts += (counts.empty() ? "" : " · ") + w(kind) + " : " + std::to_string(count);
    h.raw(" — ").text(counts).raw(" (").text(w("details in"));
    h.raw(" <a href=\"#constraints\">").text(w("Constraints not met")).raw("</a>)");
  }
  h.raw("</p></section>\n");

  h.raw("<h2>").text(w("Summary")).raw("</h2>\n<table>\n");
  h.row({w("hosts"), std::to_string(t.hosts)});
  h.row({w("rehost / replatform / retire / retain"),
         std::to_string(t.rehost) + " / " + std::to_string(t.replatform) + " / " +
             std::to_string(t.retire) + " / " + std::to_string(t.retain)});
  h.row({w("hosts flagged for review"), std::to_string(t.flagged)});
  h.row({w("move groups / waves"),
         std::to_string(plan.groups.size()) + " / " + std::to_string(plan.waves.size())});
  h.row({w("cloud monthly cost") + " (" + plan.config.costs.commitment + ")",
         money(t.monthly_cost) + " " + cur});
  for (std::size_t k = 0; k < kCommitments.size(); ++k) {
    h.row({w("cloud monthly cost") + ", " + kCommitments[k],
           money(t.monthly_cost_by_commitment[k]) + " " + cur});
  }
  h.row({w("on-premises monthly cost today"), money(t.on_premises_monthly_cost) + " " + cur});
  h.row({w("on-premises monthly cost of retained hosts"),
         money(t.retained_on_premises_monthly_cost) + " " + cur});
  h.row({w("monthly difference (cloud + retained − today)"),
         money(t.monthly_difference) + " " + cur});
  h.row({w("one-time migration cost"), money(t.one_time_cost) + " " + cur});
  const BusinessCase& bc = plan.business_case;
  h.row({w("break-even"), bc.break_even_month > 0
                              ? w("month") + " " + std::to_string(bc.break_even_month) + " (" +
                                    bc.break_even_date + ")"
                              : w("none within the horizon")});
  h.raw("</table>\n");

  h.raw("<h2>").text(w("Cost warnings")).raw("</h2>\n");
  if (plan.warnings.empty()) {
    h.raw("<p>").text(w("None: every cost figure is within its plausible band.")).raw("</p>\n");
  }
  h.raw("<table>\n");
  if (!plan.warnings.empty()) h.row({w("check"), w("assumption"), w("detail")}, "th");
  for (const auto& x : plan.warnings) {
    h.raw("<tr><td>").text(w(x.check)).raw("</td><td>").text(x.assumption).raw("</td><td>");
    h.text(w(x.detail)).raw("</td></tr>\n");
  }
  h.raw("</table>\n");

  h.raw("<h2>").text(w("On-premises cost today, by category")).raw("</h2>\n<table>\n");
  h.row({w("category"), w("monthly"), w("share")}, "th");
  const auto by_category = categories(t.on_premises);
  for (std::size_t k = 0; k < by_category.size(); ++k) {
    const double share =
        t.on_premises_monthly_cost > 0 ? 100 * by_category[k] / t.on_premises_monthly_cost : 0;
    h.row({w(kOnPremisesCategories[k]), money(by_category[k]) + " " + cur, num(share, 1) + " %"});
  }
  h.row({w("per server"), money(t.hosts > 0 ? t.on_premises_monthly_cost / t.hosts : 0) + " " + cur,
         ""});
  h.raw("</table>\n<p class=\"small\">")
      .text(w("Assumptions in") + " " + plan.config.on_premises.currency + " (1 " +
            plan.config.on_premises.currency + " = " +
            num(to_plan_currency(plan.config, 1, plan.config.on_premises.currency), 2) + " " + cur +
            "); " + w("every value, its source and date: docs/costs.md."))
      .raw("</p>\n<table>\n");
  h.row({w("assumption"), w("value")}, "th");
  const nlohmann::json parameters = parameters_json(plan.config);
  for (const auto& [key, value] : parameters.items()) {
    if (key.starts_with("on_premises.")) h.row({key, value.dump()});
  }
  h.raw("</table>\n");

  h.raw("<h2>").text(w("Business case")).raw("</h2>\n").raw(business_case_svg(bc, w));
  h.raw("<table>\n");
  h.row({w("month"), w("on premises"), w("cloud"), w("one-time"), w("total"),
         w("staying on premises"), w("savings"), w("cumulative savings")},
        "th");
  for (const auto& m : bc.months) {
    h.row({m.date, money(m.on_premises), money(m.cloud), money(m.one_time), money(m.total()),
           money(m.baseline), money(m.savings), money(m.cumulative_savings)});
  }
  h.raw("</table>\n");

  h.raw("<h2>").text(w("Waves")).raw("</h2>\n<table>\n");
  h.row({w("wave"), w("dates"), w("kind"), w("hosts"), w("groups"), w("monthly cost"),
         w("one-time cost"), w("transfer GB"), w("longest site copy (h)")},
        "th");
  for (const auto& x : plan.waves) {
    h.row({std::to_string(x.number), x.start + " → " + x.end,
           (x.pilot ? w("pilot") + ", " : "") + x.environment, std::to_string(x.hosts.size()),
           std::to_string(x.groups.size()), money(x.monthly_cost), money(x.one_time_cost),
           num(x.transfer_gb, 0), num(x.transfer_hours, 1)});
  }
  h.raw("</table>\n");

  h.raw("<h2>").text(w("Costs by region")).raw("</h2>\n<table>\n");
  h.row({w("region"), w("hosts"), w("cloud monthly"), w("on-premises monthly"), w("one-time")},
        "th");
  for (const auto& r : plan.by_region) {
    h.row({r.key, std::to_string(r.hosts), money(r.monthly_cost), money(r.on_premises_monthly_cost),
           money(r.one_time_cost)});
  }
  h.raw("</table>\n");

  h.raw("<h2>").text(w("Rules and assumptions")).raw("</h2>\n<ul>\n");
  for (const auto& rule : plan.rules) h.raw("<li>").text(w(rule)).raw("</li>\n");
  for (const auto& assumption : plan.assumptions) h.raw("<li>").text(w(assumption)).raw("</li>\n");
  h.raw("</ul>\n<table>\n");
  h.row({w("parameter"), w("value")}, "th");
  for (const auto& [key, value] : parameters.items()) h.row({key, value.dump()});
  h.raw("</table>\n");

  h.raw("<h2 id=\"constraints\">").text(w("Constraints not met")).raw("</h2>\n");
  if (plan.violations.empty()) h.raw("<p>").text(w("None.")).raw("</p>\n");
  h.raw("<table>\n");
  if (!plan.violations.empty()) {
    h.row({w("constraint"), w("detail"), w("waves"), w("groups"), w("hosts"), w("why"), w("fix")},
          "th");
  }
  for (std::size_t i = 0; i < plan.violations.size() && i < kMaxViolationsShown; ++i) {
    const Violation& v = plan.violations[i];
    std::vector<std::string> waves, groups, hosts;
    for (int x : v.waves) waves.push_back(std::to_string(x));
    for (int g : v.groups) {
      if (g >= 0 && static_cast<std::size_t>(g) < plan.groups.size())
        groups.push_back(plan.groups[g].name + " [" + plan.groups[g].id + "]");
    }
    for (auto x : v.hosts) {
      if (hosts.size() == 20) {
        hosts.push_back("… " + std::to_string(v.hosts.size() - 20) + " " + w("more"));
        break;
      }
      const HostPlan& host = plan.hosts[x];
      hosts.push_back(host.hostname.empty() ? host.id : host.hostname);
    }
    h.raw("<tr>");
    for (const auto& cell : {w(v.constraint), w(v.detail), joined(waves, ", "),
                             joined(groups, ", "), joined(hosts, ", "), w(v.reason), w(v.fix)}) {
      h.raw("<td>").text(cell).raw("</td>");
    }
    h.raw("</tr>\n");
  }
  h.raw("</table>\n");
  if (plan.violations.size() > kMaxViolationsShown) {
    h.raw("<p class=\"small\">")
        .text(std::to_string(plan.violations.size() - kMaxViolationsShown) + " " +
              w("more in plan.json"))
        .raw("</p>\n");
  }

  h.raw("<h2>").text(w("Hosts")).raw("</h2>\n<table>\n");
  h.row({w("host"), w("commune"), w("env"), w("strategy"), w("group"), w("wave"), "★", w("target"),
         w("monthly"), w("copy (h)"), w("why")},
        "th");
  for (const auto& host : plan.hosts) {
    const std::string target =
        host.target ? host.target->provider + " " + host.target->instance : "";
    h.raw("<tr><td>")
        .text(host.hostname.empty() ? host.id : host.hostname)
        .raw("</td><td>")
        .text(host.commune);
    h.raw("</td><td>").text(host.environment).raw("</td><td>").text(w(to_string(host.strategy)));
    h.raw("</td><td>").text(host.group >= 0 ? plan.groups[host.group].id : "");
    h.raw("</td><td class=\"n\">").text(host.wave > 0 ? std::to_string(host.wave) : "");
    h.raw("</td><td class=\"n\">")
        .text(std::to_string(host.confidence))
        .raw("</td><td>")
        .text(target);
    h.raw("</td><td class=\"n\">").text(money(host.monthly.total())).raw("</td><td class=\"n\">");
    h.text(num(host.transfer_hours, 1)).raw("</td><td>");
    for (const auto& f : host.flags) h.raw("<div class=\"flag\">").text(w(f)).raw("</div>");
    h.raw("<div class=\"small\">").text(w(host.reasons, "; ")).raw("</div></td></tr>\n");
  }
  h.raw("</table>\n<p class=\"small\">")
      .text(w("Generated by sahab-planner. Prices come from the catalogues named in the "
              "parameters; they are estimates."))
      .raw("</p>\n</body></html>\n");
  return h.str();
}

}  // namespace sahab::planner
