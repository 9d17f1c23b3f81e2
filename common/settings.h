#pragma once
// One table of settings per program, read from a YAML file and from command-line flags, with
// flags overriding the file. Each setting is declared once (flag, YAML key, help, how to apply a
// value), so the file format, the flags and --help never drift apart.
//
// Errors name the file, the line and the key, and are meant to end the program with exit code 2.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace YAML {
class Node;
struct Mark;
}  // namespace YAML

namespace sahab::settings {

// What was wrong with a setting, beside the English message: for callers that word it themselves
// (the web UI words a what-if's refusal from its catalogue).
struct Refusal {
  enum class Kind { kInvalid, kRange, kChoice, kUnknownKey };
  Kind kind = Kind::kInvalid;
  std::string key;          // the setting's YAML key; "" when not known
  double min = 0, max = 0;  // kRange
  std::string choices;      // kChoice: "a, b, c"
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message, Refusal refusal = {})
      : std::runtime_error(message), refusal_(std::move(refusal)) {}
  const Refusal& refusal() const { return refusal_; }

 private:
  Refusal refusal_;
};

// Thrown by `apply` functions when a value is not acceptable; the message says why.
class BadValue : public std::invalid_argument {
 public:
  explicit BadValue(const std::string& message, Refusal refusal = {})
      : std::invalid_argument(message), refusal_(std::move(refusal)) {}
  const Refusal& refusal() const { return refusal_; }
  // The refusal of the setting `key`.
  Refusal refusal_of(const std::string& key) const {
    Refusal r = refusal_;
    r.key = key;
    return r;
  }

 private:
  Refusal refusal_;
};

enum class Kind {
  kValue,     // --flag VALUE ; yaml: key: value
  kSwitch,    // --flag / --no-flag ; yaml: key: true|false
  kList,      // --flag VALUE (repeatable) ; yaml: key: [a, b]
  kKeyValue,  // --flag k=v (repeatable) ; yaml: key: {k: v}
};

struct Setting {
  std::string flag;      // without the leading "--"; empty = file only
  std::string yaml_key;  // dotted path; empty = flag only
  std::string help;
  std::string default_text;
  Kind kind = Kind::kValue;
  // kValue/kSwitch/kList: apply(value, ""); kKeyValue: apply(key, value). Throws BadValue.
  std::function<void(const std::string&, const std::string&)> apply;
};

// The result of parsing a command line.
enum class Outcome { kRun, kHelpShown, kVersionShown };

class Schema {
 public:
  Schema(std::string program, std::string summary, std::string version);

  void add(Setting setting);
  // A Kind::kValue setting whose `apply` takes just the value.
  void add_value(std::string flag, std::string yaml_key, std::string help, std::string default_text,
                 std::function<void(const std::string&)> apply);
  // add_value as a function, for schemas whose long lists of settings read better as rows of
  // value(flag, key, help, default, apply).
  auto value_adder() {
    return [this](std::string flag, std::string key, std::string help, std::string def,
                  std::function<void(const std::string&)> apply) {
      add_value(std::move(flag), std::move(key), std::move(help), std::move(def), std::move(apply));
    };
  }

  // Parses argv: loads --config FILE first (if given), then applies the flags.
  // Prints --help / --version to `out`; --help comes after the file and the flags are applied,
  // so it shows the effective values. Throws ConfigError on any problem.
  Outcome parse(int argc, const char* const* argv, std::ostream& out);

  void load_yaml_file(const std::filesystem::path& file);
  // The same from YAML (or JSON, which is YAML) text that is not a file, such as an API request's
  // body: errors name `origin` and the dotted key ("parameters.sizing.percentile: expected ...").
  void load_yaml_text(const std::string& text, const std::string& origin);
  // Each flag with its default, or with the value a loaded file or a flag gave it.
  void print_help(std::ostream& out) const;
  // Every declared setting, e.g. for tests that an example file documents them all.
  const std::vector<Setting>& settings() const { return settings_; }

 private:
  // Where an error is: (position, dotted key or "") -> "file:12: key 'a.b'" or "origin.a.b".
  using Locate = std::function<std::string(const YAML::Mark&, const std::string&)>;
  void apply_yaml(const YAML::Node& root, const Locate& locate);
  const Setting* find_yaml(const std::string& key) const;
  const Setting* find_yaml_parent(const std::string& key) const;
  // Applies a value and remembers it for --help.
  void apply(const Setting& setting, const std::string& a, const std::string& b);

  std::string program_;
  std::string summary_;
  std::string version_;
  std::vector<Setting> settings_;
  // The values applied so far (file, then flags), shown by --help instead of the defaults.
  std::map<std::size_t, std::vector<std::string>> given_;  // by index in settings_
};

// Helpers for `apply` functions.
bool parse_bool(const std::string& value);  // throws BadValue
long long parse_integer(const std::string& value, long long min, long long max);
// A positive Prometheus-style duration ("15s", "1h", "14d").
std::chrono::milliseconds parse_positive_duration(const std::string& value);
// An `apply` that stores a non-empty path into `target`.
std::function<void(const std::string&)> store_path(std::filesystem::path& target);
// An `apply` that stores a HOST:PORT the HTTP server accepts (no TLS 's' ports) into `target`.
std::function<void(const std::string&)> store_listen_address(std::string& target);
// Bytes, with an optional B, KiB, MiB, GiB or TiB suffix: "64MiB", "1048576".
std::uint64_t parse_size(const std::string& value);

// Reads a token file: the first line, trimmed, at least 16 characters. Throws ConfigError naming
// the file when unusable.
std::string read_token_file(const std::filesystem::path& file, const std::string& what);

}  // namespace sahab::settings
