#pragma once
// End of support of common server operating systems, decided from the OS name and version the
// inventory or an import reports. The collector's fleet summary and the planner's strategies
// (an unsupported OS is flagged on the host's plan) read the same table. A small table, not a
// product database: the dates are the end of the vendor's standard security support (Windows:
// extended support; RHEL and clones: end of maintenance; Ubuntu: end of standard support, without
// ESM; Debian: end of LTS).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sahab::planner {

enum class EndOfLife { kUnknown, kSupported, kEndingSoon, kEnded };

struct EndOfLifeStatus {
  EndOfLife status = EndOfLife::kUnknown;
  std::optional<std::string> date;  // "YYYY-MM-DD" when the table knows the release
};

// How long before its end a release counts as ending soon.
constexpr std::int64_t kEndingSoonSeconds = 365 * 86'400;

// `name` as reported ("Ubuntu", "Red Hat Enterprise Linux", "Windows Server 2019 Standard"),
// `version` ("22.04", "8.6", "2019"); `now` in unix seconds.
EndOfLifeStatus end_of_life(std::string_view name, std::string_view version, std::int64_t now);

// "unknown", "supported", "ending_soon", "ended".
const char* end_of_life_name(EndOfLife status);

}  // namespace sahab::planner
