#include "agent/windows/msi_actions.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "agent/config.h"
#include "agent/windows/program_data.h"
#include "common/file.h"

namespace sahab::agent::windows {
namespace {
namespace fs = std::filesystem;

// agent.yaml with collector.url and enrolment_token_file set, other keys kept as they were
// (comments are not: yaml-cpp writes the document anew).
std::string updated_config(const fs::path& file, const std::string& url, const fs::path& token) {
  YAML::Node root = fs::exists(file) ? YAML::LoadFile(file.string()) : YAML::Node();
  if (!root.IsMap()) root = YAML::Node(YAML::NodeType::Map);
  root["collector"]["url"] = url;
  if (!token.empty()) root["enrolment_token_file"] = token.string();
  std::ostringstream text;
  text << "# Written by the Sahab agent's installer (COLLECTOR_URL, ENROLMENT_TOKEN); the keys are "
          "the Linux agent's.\n"
       << root << "\n";
  return text.str();
}

int configure(const std::string& url, const std::string& token) {
  const fs::path dir = program_data_dir();
  restrict_to_administrators(dir);
  const fs::path token_file = dir / "enrolment-token";
  if (!token.empty()) {
    // Tokens are at least 16 characters (settings::read_token_file): a mistyped one is refused
    // now, not at each start of the service.
    if (token.size() < 16 || token.find_first_of(" \t\r\n") != std::string::npos)
      throw std::invalid_argument("ENROLMENT_TOKEN must be at least 16 characters, without spaces");
    write_file_atomic(token_file, token + "\n");
  }
  if (url.empty()) return 0;
  const fs::path config_file = dir / "agent.yaml";
  const std::string text =
      updated_config(config_file, url, fs::exists(token_file) ? token_file : "");
  AgentConfig check;  // the agent's own settings refuse what the service would refuse
  agent_schema(check).load_yaml_text(text, "COLLECTOR_URL");
  write_file_atomic(config_file, text);
  std::cout << "sahab-agent: " << config_file.string() << " reports to " << url << "\n";
  return 0;
}

}  // namespace

std::optional<int> run_msi_action(const std::vector<std::string>& args) {
  if (args.empty() || !args[0].starts_with("--msi-")) return std::nullopt;
  try {
    if (args[0] == "--msi-configure" && args.size() == 3) return configure(args[1], args[2]);
    if (args[0] == "--msi-remove-data" && args.size() == 1) {
      fs::remove_all(program_data_dir());
      return 0;
    }
    std::cerr << "sahab-agent: usage: --msi-configure URL TOKEN | --msi-remove-data\n";
  } catch (const std::exception& e) {
    std::cerr << "sahab-agent: " << args[0] << ": " << e.what() << "\n";
  }
  return 1;
}

}  // namespace sahab::agent::windows
