#include "planner/message.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

namespace sahab::planner {

// planner/messages.json, compiled in (planner/CMakeLists.txt).
std::string_view messages_json();

std::string number_words(double value, int decimals, Language language) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string digits = buffer;
  const bool negative = digits.starts_with('-');
  if (negative) digits.erase(0, 1);
  const std::size_t point = digits.find('.');
  const std::string whole = digits.substr(0, point);
  const std::string fraction = point == std::string::npos ? "" : digits.substr(point + 1);
  const std::string group = language == Language::kFrench   ? "\u202f"
                            : language == Language::kArabic ? "."
                                                            : ",";
  std::string out = negative ? "-" : "";
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += group;
    out += whole[i];
  }
  if (!fraction.empty()) out += (language == Language::kEnglish ? "." : ",") + fraction;
  return out;
}

namespace {

struct Catalogue {
  std::vector<Template> templates;
  std::map<std::string, std::size_t, std::less<>> index;
};

// The catalogue is part of the program (compiled in, checked by the tests), so it is read with
// nlohmann directly rather than the bounded reader kept for outside input.
const Catalogue& loaded() {
  static const Catalogue catalogue = [] {
    Catalogue c;
    const auto document = nlohmann::json::parse(messages_json());
    for (const auto& [key, entry] : document.items()) {
      if (key.starts_with("//")) continue;  // a comment for translators
      c.index.emplace(key, c.templates.size());
      c.templates.push_back({key, entry.at("en").get<std::string>(),
                             entry.at("fr").get<std::string>(), entry.at("ar").get<std::string>()});
    }
    return c;
  }();
  return catalogue;
}

const Template& find(std::string_view key) {
  const Catalogue& c = loaded();
  const auto it = c.index.find(key);
  if (it == c.index.end())
    throw std::logic_error("planner message without a catalogue entry: " + std::string(key));
  return c.templates[it->second];
}

std::string param_words(const Param& p, Language language) {
  switch (p.kind) {
    case Param::Kind::kText:
      return p.text;
    case Param::Kind::kNumber:
      return number_words(p.value, p.decimals, language);
    case Param::Kind::kList: {
      std::string out;
      const char* separator = language == Language::kArabic ? "، " : ", ";
      for (const auto& item : p.items)
        out += (out.empty() ? "" : separator) + words(item, language);
      return out;
    }
  }
  return p.text;
}

// The template with each {name} replaced by its parameter's words.
std::string fill(const std::string& pattern, const Message& m, Language language) {
  std::string out;
  std::size_t at = 0;
  while (at < pattern.size()) {
    const std::size_t open = pattern.find('{', at);
    if (open == std::string::npos) break;
    const std::size_t close = pattern.find('}', open);
    if (close == std::string::npos) break;
    out.append(pattern, at, open - at);
    const std::string_view name(pattern.data() + open + 1, close - open - 1);
    const Param* param = nullptr;
    for (const auto& p : m.params) {
      if (p.name == name) param = &p;
    }
    if (!param)
      throw std::logic_error("planner message " + m.key + " lacks {" + std::string(name) + "}");
    out += param_words(*param, language);
    at = close + 1;
  }
  out.append(pattern, at);
  return out;
}

}  // namespace

Param::Param(std::string name_, std::string text_)
    : name(std::move(name_)), text(std::move(text_)) {}
Param::Param(std::string name_, const char* text_) : Param(std::move(name_), std::string(text_)) {}

Param Param::number(std::string name, double value, int decimals) {
  Param p(std::move(name), std::string());
  p.kind = Kind::kNumber;
  // Rounded as it is written, so the plan's parameter and both wordings agree.
  const double scale = std::pow(10, decimals);
  p.value = std::isfinite(value) ? std::round(value * scale) / scale : 0;
  if (p.value == 0) p.value = 0;  // no "-0"
  p.decimals = decimals;
  return p;
}

Param Param::figure(std::string name, double value) {
  int decimals = 0;
  while (decimals < 3) {
    const double scaled = value * std::pow(10, decimals);
    if (std::abs(scaled - std::round(scaled)) < 1e-6) break;
    ++decimals;
  }
  return number(std::move(name), value, decimals);
}

Param Param::list(std::string name, std::vector<Message> items) {
  Param p(std::move(name), std::string());
  p.kind = Kind::kList;
  p.items = std::move(items);
  return p;
}

Message say(std::string key, std::vector<Param> params) {
  Message m{std::move(key), std::move(params), {}};
  m.english = fill(find(m.key).english, m, Language::kEnglish);
  return m;
}

Param duration(std::string name, double hours, bool with_hours) {
  if (hours < 48)
    return Param::list(std::move(name),
                       {say("duration.hours", {Param::number("hours", hours, 1)})});
  return Param::list(std::move(name),
                     {say(with_hours ? "duration.days_hours" : "duration.days",
                          {Param::number("days", hours / 24, 1), Param::number("hours", hours)})});
}

std::string words(const Message& message, Language language) {
  if (message.empty()) return "";
  if (language == Language::kEnglish) return message.english;
  return fill(find(message.key).in(language), message, language);
}

const std::string& Template::in(Language language) const {
  switch (language) {
    case Language::kFrench:
      return french;
    case Language::kArabic:
      return arabic;
    case Language::kEnglish:
      break;
  }
  return english;
}

std::optional<Language> language_named(std::string_view code) {
  if (code == "fr" || code == "zgh") return Language::kFrench;
  if (code == "en") return Language::kEnglish;
  if (code == "ar") return Language::kArabic;
  return std::nullopt;
}

const char* code(Language language) {
  switch (language) {
    case Language::kFrench:
      return "fr";
    case Language::kArabic:
      return "ar";
    case Language::kEnglish:
      break;
  }
  return "en";
}

std::vector<std::string> english(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  out.reserve(messages.size());
  for (const auto& m : messages) out.push_back(m.english);
  return out;
}

const std::vector<Template>& catalogue() { return loaded().templates; }

}  // namespace sahab::planner
