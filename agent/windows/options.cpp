#include "agent/windows/options.h"

#include <algorithm>

#include "common/listen_address.h"
#include "sahab/version.h"

namespace sahab::agent::windows {

bool Options::collector_enabled(const std::string& name, bool enabled_by_default) const {
  const auto it = collectors.find(name);
  return it == collectors.end() ? enabled_by_default : it->second;
}

namespace {

std::string help_text(const std::vector<std::string>& collectors) {
  std::string text =
      "Usage: sahab-agent.exe [flags]\n"
      "  --web.listen-address ADDR  address to serve /metrics and /healthz on (default :9100)\n"
      "  --collector.NAME           enable collector NAME\n"
      "  --no-collector.NAME        disable collector NAME\n"
      "  --service                  run as the Windows service (the SCM starts it so)\n"
      "  --version                  print the version and exit\n"
      "  --help                     print this help and exit\n"
      "Collectors:";
  for (const auto& name : collectors) text += " " + name;
  return text + "\n";
}

// "--collector.cpu" -> {"cpu", true}; "--no-collector.cpu" -> {"cpu", false}; else nullopt.
std::optional<std::pair<std::string, bool>> collector_switch(const std::string& flag) {
  for (const auto& [prefix, enabled] :
       {std::pair<std::string, bool>{"--collector.", true}, {"--no-collector.", false}}) {
    if (flag.starts_with(prefix)) return std::make_pair(flag.substr(prefix.size()), enabled);
  }
  return std::nullopt;
}

}  // namespace

ParsedOptions parse_options(const std::vector<std::string>& args,
                            const std::vector<std::string>& collectors) {
  ParsedOptions parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> value;
    if (const auto equals = flag.find('='); flag.starts_with("--") && equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag.resize(equals);
    }
    if (flag == "--help" || flag == "-h") {
      parsed.output = help_text(collectors);
      parsed.exit_code = 0;
      return parsed;
    }
    if (flag == "--version") {
      parsed.output = std::string("sahab-agent ") + kVersion + " (Windows)\n";
      parsed.exit_code = 0;
      return parsed;
    }
    if (flag == "--web.listen-address") {
      if (!value) {
        if (i + 1 >= args.size()) throw OptionError("flag --web.listen-address needs a value");
        value = args[++i];
      }
      try {
        http::validate_listen_address(*value);
      } catch (const http::ServerError& e) {
        throw OptionError("flag --web.listen-address: " + std::string(e.what()));
      }
      parsed.options.listen_address = *value;
      continue;
    }
    if (flag == "--service" && !value) {
      parsed.options.service = true;
      continue;
    }
    const auto toggle = collector_switch(flag);
    if (!toggle || value) throw OptionError("unknown flag '" + args[i] + "' (see --help)");
    if (std::find(collectors.begin(), collectors.end(), toggle->first) == collectors.end())
      throw OptionError("unknown collector '" + toggle->first + "' in '" + args[i] + "'");
    parsed.options.collectors[toggle->first] = toggle->second;
  }
  return parsed;
}

}  // namespace sahab::agent::windows
