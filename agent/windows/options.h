#pragma once
// The Windows agent's command line: the flags of the Linux agent that this slice supports, with
// the same names (--web.listen-address, --collector.NAME / --no-collector.NAME, --version,
// --help), and --service, which the installed service's command line carries. Portable, so it is
// unit-tested natively (tests/windows/).
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sahab::agent::windows {

class OptionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string listen_address = ":9100";
  std::map<std::string, bool> collectors;  // explicit --collector.X / --no-collector.X
  bool service = false;  // --service: started by the Service Control Manager (service.h)

  bool collector_enabled(const std::string& name, bool enabled_by_default) const;
};

struct ParsedOptions {
  Options options;
  std::string output;            // --help or --version text for stdout
  std::optional<int> exit_code;  // set when the program should exit without running
};

// Throws OptionError naming the argument on an unknown flag, a missing value, a collector name
// not in `collectors` or a refused listen address.
ParsedOptions parse_options(const std::vector<std::string>& args,
                            const std::vector<std::string>& collectors);

}  // namespace sahab::agent::windows
