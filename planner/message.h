#pragma once
// What the planner tells people (host reasons and flags, constraint reports, cost warnings,
// rules): a key and parameters, worded by the catalogue planner/messages.json in English, French
// or Arabic. The same catalogue is bundled into the web UI, which words the plan's messages in the
// page's language; the English wording stays in the plan's text fields (sahab-plan/1 "reasons").
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::planner {

enum class Language { kFrench, kEnglish, kArabic };

// The language of a web UI code ("fr", "en", "ar"; "zgh", whose catalogue is not written yet,
// falls back to French as the web UI does); nullopt for any other.
std::optional<Language> language_named(std::string_view code);
// "fr", "en" or "ar": <html lang>.
const char* code(Language language);

struct Message;

// One parameter: text as it is (a host name, a package), a number (worded with the language's
// decimal comma and digit groups), or a list of messages (joined by ", ").
struct Param {
  enum class Kind { kText, kNumber, kList };
  Param(std::string name_, std::string text_);
  Param(std::string name_, const char* text_);
  static Param number(std::string name, double value, int decimals = 0);
  // A number with the fewest decimals (up to 3) that write it as it is: 20, 1.5, 0.125.
  static Param figure(std::string name, double value);
  static Param list(std::string name, std::vector<Message> items);
  std::string name;
  Kind kind = Kind::kText;
  std::string text;            // kText
  double value = 0;            // kNumber
  int decimals = 0;            // kNumber
  std::vector<Message> items;  // kList
};

struct Message {
  std::string key;
  std::vector<Param> params;
  std::string english;  // the catalogue's English wording, filled by say()
  bool empty() const { return key.empty(); }
};

// The message `key` with its parameters and its English wording. Throws std::logic_error for a
// key the catalogue lacks or a placeholder without its parameter (a planner bug, caught by the
// planner's tests: every message is said in them).
Message say(std::string key, std::vector<Param> params = {});

// A duration parameter: "12.5 h" below two days, else "18.5 days" (with "(444 h)" when
// `with_hours`).
Param duration(std::string name, double hours, bool with_hours = false);

// 1234567.5 -> "1,234,567.5" (English), "1 234 567,5" (French, narrow no-break spaces) or
// "1.234.567,5" (Arabic as ar-MA writes it: Latin digits, as the web UI's Intl gives them).
std::string number_words(double value, int decimals, Language language);

// The message in `language` (parameters included).
std::string words(const Message& message, Language language);

// The English wording of each message.
std::vector<std::string> english(const std::vector<Message>& messages);

// Every key of the catalogue with its templates (tests check each exists with the same
// placeholders).
struct Template {
  std::string key, english, french, arabic;
  const std::string& in(Language language) const;
};
const std::vector<Template>& catalogue();

}  // namespace sahab::planner
