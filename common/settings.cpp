#include "common/settings.h"

#include <yaml-cpp/yaml.h>

#include <boost/program_options.hpp>
#include <iomanip>
#include <map>
#include <sstream>

#include "common/duration.h"
#include "common/file.h"
#include "common/listen_address.h"
#include "common/text.h"

namespace sahab::settings {
namespace po = boost::program_options;
namespace {

std::string at_line(const std::filesystem::path& file, const YAML::Mark& mark) {
  return file.string() + ":" + std::to_string(mark.line + 1);
}

// A value as --help shows it: a URL's user:password@ is hidden (a proxy URL may carry one).
std::string shown(const std::string& value) {
  const auto scheme = value.find("://");
  if (scheme == std::string::npos) return value;
  const auto at = value.find('@', scheme);
  if (at == std::string::npos || value.find('/', scheme + 3) < at) return value;
  return value.substr(0, scheme + 3) + "***" + value.substr(at);
}

// "set: VALUE" for --help; lists only by count (ui.users entries hold password hashes).
std::string given_text(const Setting& setting, const std::vector<std::string>& values) {
  if (setting.kind == Kind::kList) return "set: " + std::to_string(values.size()) + " entries";
  std::string out = "set: ";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += shown(values[i]);
  }
  return out;
}

}  // namespace

Schema::Schema(std::string program, std::string summary, std::string version)
    : program_(std::move(program)), summary_(std::move(summary)), version_(std::move(version)) {}

void Schema::add(Setting setting) { settings_.push_back(std::move(setting)); }

void Schema::apply(const Setting& setting, const std::string& a, const std::string& b) {
  setting.apply(a, b);
  auto& given = given_[static_cast<std::size_t>(&setting - settings_.data())];
  // A later value replaces a single one (a flag overrides the file); lists accumulate.
  if (setting.kind == Kind::kValue || setting.kind == Kind::kSwitch) given.clear();
  given.push_back(setting.kind == Kind::kKeyValue ? a + "=" + b : a);
}

void Schema::add_value(std::string flag, std::string yaml_key, std::string help,
                       std::string default_text, std::function<void(const std::string&)> apply) {
  add({std::move(flag), std::move(yaml_key), std::move(help), std::move(default_text), Kind::kValue,
       [apply = std::move(apply)](const std::string& v, const std::string&) { apply(v); }});
}

const Setting* Schema::find_yaml(const std::string& key) const {
  for (const auto& s : settings_) {
    if (!s.yaml_key.empty() && s.yaml_key == key) return &s;
  }
  return nullptr;
}

// A key-value or list setting owns everything below its key ("labels.region").
const Setting* Schema::find_yaml_parent(const std::string& key) const {
  for (const auto& s : settings_) {
    if (s.yaml_key.empty()) continue;
    if (key.size() > s.yaml_key.size() && key.starts_with(s.yaml_key) &&
        key[s.yaml_key.size()] == '.') {
      return &s;
    }
  }
  return nullptr;
}

void Schema::load_yaml_file(const std::filesystem::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    throw ConfigError(file.string() + ": cannot read the file");
  } catch (const YAML::Exception& e) {
    throw ConfigError(at_line(file, e.mark) + ": not valid YAML: " + e.msg);
  }
  apply_yaml(root, [&file](const YAML::Mark& mark, const std::string& key) {
    return key.empty() ? at_line(file, mark) : at_line(file, mark) + ": key '" + key + "'";
  });
}

void Schema::load_yaml_text(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(origin + ": not valid YAML: " + e.msg);
  }
  apply_yaml(root, [&origin](const YAML::Mark&, const std::string& key) {
    return key.empty() ? origin : origin + "." + key;
  });
}

void Schema::apply_yaml(const YAML::Node& root, const Locate& locate) {
  if (root.IsNull()) return;  // an empty file is a valid, empty configuration
  if (!root.IsMap()) throw ConfigError(locate(root.Mark(), "") + ": expected a mapping of keys");
  auto scalar = [&locate](const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar()) throw ConfigError(locate(node.Mark(), key) + ": expected a single value");
    return node.Scalar();
  };

  // Walk the mapping; a key is either a setting or a section holding settings.
  std::function<void(const YAML::Node&, const std::string&)> walk = [&](const YAML::Node& map,
                                                                        const std::string& prefix) {
    for (const auto& item : map) {
      const std::string key = prefix + item.first.as<std::string>();
      const YAML::Node& value = item.second;
      const Setting* setting = find_yaml(key);
      try {
        if (setting && setting->kind == Kind::kKeyValue) {
          if (!value.IsMap() && !value.IsNull()) {
            throw BadValue("expected a mapping of names to values");
          }
          for (const auto& kv : value) {
            apply(*setting, kv.first.as<std::string>(),
                  scalar(kv.second, key + "." + kv.first.as<std::string>()));
          }
        } else if (setting && setting->kind == Kind::kList) {
          if (value.IsScalar()) {
            apply(*setting, value.Scalar(), "");
          } else if (value.IsSequence()) {
            for (const auto& element : value) apply(*setting, scalar(element, key), "");
          } else if (!value.IsNull()) {
            throw BadValue("expected a list");
          }
        } else if (setting) {
          apply(*setting, scalar(value, key), "");
        } else if (value.IsMap()) {
          walk(value, key + ".");
        } else {
          throw ConfigError(locate(item.first.Mark(), "") + ": unknown key '" + key + "'",
                            {Refusal::Kind::kUnknownKey, key, 0, 0, ""});
        }
      } catch (const BadValue& e) {
        throw ConfigError(locate(value.Mark(), key) + ": " + e.what(), e.refusal_of(key));
      }
    }
  };
  walk(root, "");
}

void Schema::print_help(std::ostream& out) const {
  out << "Usage: " << program_ << " [flags]\n\n" << summary_ << "\n\nFlags:\n";
  auto line = [&](const std::string& left, const std::string& help) {
    out << "  " << std::left << std::setw(36) << left << " " << help << "\n";
  };
  line("--config FILE", "YAML configuration file; flags given on the command line override it");
  for (const auto& s : settings_) {
    if (s.flag.empty()) continue;
    std::string help = s.help;
    const auto given = given_.find(static_cast<std::size_t>(&s - settings_.data()));
    if (given != given_.end()) {
      help += " (" + given_text(s, given->second) +
              (s.default_text.empty() ? "" : "; default: " + s.default_text) + ")";
    } else if (!s.default_text.empty()) {
      help += " (default: " + s.default_text + ")";
    }
    switch (s.kind) {
      case Kind::kValue:
        line("--" + s.flag + " VALUE", help);
        break;
      case Kind::kList:
        line("--" + s.flag + " VALUE", help + " [repeatable]");
        break;
      case Kind::kKeyValue:
        line("--" + s.flag + " KEY=VALUE", help + " [repeatable]");
        break;
      case Kind::kSwitch:
        line("--[no-]" + s.flag, help);
        break;
    }
  }
  line("--help", "show this help and exit");
  line("--version", "show the version and exit");
  out << "\nThe YAML keys mirror the flags (see the example configuration shipped in configs/).\n";
  out << (given_.empty()
              ? "Defaults shown are the built-in ones; with --config FILE (and flags) "
                "--help shows the values they set.\n"
              : "Values after 'set:' come from --config and the flags given with --help; "
                "the others are the built-in defaults.\n");
}

Outcome Schema::parse(int argc, const char* const* argv, std::ostream& out) {
  po::options_description options;
  options.add_options()("config", po::value<std::string>())("help", "")("version", "");
  for (const auto& s : settings_) {
    if (s.flag.empty()) continue;
    switch (s.kind) {
      case Kind::kValue:
        options.add_options()(s.flag.c_str(), po::value<std::string>());
        break;
      case Kind::kList:
      case Kind::kKeyValue:
        options.add_options()(s.flag.c_str(), po::value<std::vector<std::string>>()->composing());
        break;
      case Kind::kSwitch:
        options.add_options()(s.flag.c_str(), "")(("no-" + s.flag).c_str(), "");
        break;
    }
  }

  po::variables_map vm;
  try {
    const int style =
        po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(argc, argv).options(options).style(style).run(), vm);
  } catch (const po::error& e) {
    throw ConfigError(std::string(e.what()) + " (see --help)");
  }
  if (vm.count("version") && !vm.count("help")) {
    out << program_ << " " << version_ << "\n";
    return Outcome::kVersionShown;
  }
  if (vm.count("config")) load_yaml_file(vm["config"].as<std::string>());

  for (const auto& s : settings_) {
    if (s.flag.empty()) continue;
    try {
      switch (s.kind) {
        case Kind::kValue:
          if (vm.count(s.flag)) apply(s, vm[s.flag].as<std::string>(), "");
          break;
        case Kind::kList:
          if (vm.count(s.flag)) {
            for (const auto& v : vm[s.flag].as<std::vector<std::string>>()) apply(s, v, "");
          }
          break;
        case Kind::kKeyValue:
          if (vm.count(s.flag)) {
            for (const auto& v : vm[s.flag].as<std::vector<std::string>>()) {
              const auto eq = v.find('=');
              if (eq == std::string::npos || eq == 0)
                throw BadValue("expected KEY=VALUE, got '" + v + "'");
              apply(s, v.substr(0, eq), v.substr(eq + 1));
            }
          }
          break;
        case Kind::kSwitch:
          if (vm.count(s.flag) && vm.count("no-" + s.flag)) {
            throw BadValue("given both --" + s.flag + " and --no-" + s.flag);
          }
          if (vm.count(s.flag)) apply(s, "true", "");
          if (vm.count("no-" + s.flag)) apply(s, "false", "");
          break;
      }
    } catch (const BadValue& e) {
      throw ConfigError("flag --" + s.flag + ": " + e.what(), e.refusal_of(s.yaml_key));
    }
  }
  if (vm.count("help")) {
    print_help(out);
    return Outcome::kHelpShown;
  }
  return Outcome::kRun;
}

bool parse_bool(const std::string& value) {
  if (value == "true" || value == "yes" || value == "on" || value == "1") return true;
  if (value == "false" || value == "no" || value == "off" || value == "0") return false;
  throw BadValue("expected true or false, got '" + value + "'");
}

long long parse_integer(const std::string& value, long long min, long long max) {
  long long number = 0;
  std::size_t used = 0;
  try {
    number = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size()) throw BadValue("expected an integer, got '" + value + "'");
  if (number < min || number > max) {
    throw BadValue(
        "expected a number between " + std::to_string(min) + " and " + std::to_string(max) +
            ", got " + value,
        {Refusal::Kind::kRange, "", static_cast<double>(min), static_cast<double>(max), ""});
  }
  return number;
}

std::chrono::milliseconds parse_positive_duration(const std::string& value) {
  const auto d = parse_duration(value);
  if (!d || d->count() <= 0) {
    throw BadValue("expected a positive duration such as 15s, 1h or 14d, got '" + value + "'");
  }
  return *d;
}

std::function<void(const std::string&)> store_path(std::filesystem::path& target) {
  return [&target](const std::string& v) {
    if (v.empty()) throw BadValue("expected a path");
    target = v;
  };
}

std::function<void(const std::string&)> store_listen_address(std::string& target) {
  return [&target](const std::string& v) {
    try {
      http::validate_listen_address(v);
    } catch (const std::exception& e) {
      throw BadValue(e.what());
    }
    target = v;
  };
}

std::uint64_t parse_size(const std::string& value) {
  static const std::pair<const char*, std::uint64_t> kUnits[] = {
      {"TiB", 1ull << 40}, {"GiB", 1ull << 30}, {"MiB", 1ull << 20}, {"KiB", 1ull << 10}, {"B", 1}};
  for (const auto& [suffix, scale] : kUnits) {
    if (value.ends_with(suffix)) {
      const std::string number = value.substr(0, value.size() - std::string_view(suffix).size());
      return static_cast<std::uint64_t>(
                 parse_integer(number, 0, (1LL << 50) / static_cast<long long>(scale))) *
             scale;
    }
  }
  return static_cast<std::uint64_t>(parse_integer(value, 0, 1LL << 50));
}

std::string read_token_file(const std::filesystem::path& file, const std::string& what) {
  const auto content = try_read_file(file);
  if (!content) throw ConfigError(file.string() + ": cannot read the " + what);
  std::string token(text::trim(content->substr(0, content->find('\n'))));
  if (token.size() < 16) {
    throw ConfigError(file.string() + ": the " + what +
                      " must be at least 16 characters on its first line");
  }
  return token;
}

}  // namespace sahab::settings
