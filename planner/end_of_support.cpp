#include "planner/end_of_support.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "common/timestamp.h"

namespace sahab::planner {
namespace {

struct Release {
  std::string_view name;     // lower-case substring of the OS name
  std::string_view version;  // leading component(s) of the version
  std::string_view ends;     // YYYY-MM-DD
};

// More specific names first ("centos stream" before "centos").
constexpr Release kReleases[] = {
    {"ubuntu", "14.04", "2019-04-30"},
    {"ubuntu", "16.04", "2021-04-30"},
    {"ubuntu", "18.04", "2023-05-31"},
    {"ubuntu", "20.04", "2025-05-31"},
    {"ubuntu", "22.04", "2027-06-01"},
    {"ubuntu", "24.04", "2029-05-31"},
    {"debian", "8", "2020-06-30"},
    {"debian", "9", "2022-06-30"},
    {"debian", "10", "2024-06-30"},
    {"debian", "11", "2026-08-31"},
    {"debian", "12", "2028-06-30"},
    {"debian", "13", "2030-06-30"},
    {"red hat enterprise linux", "6", "2020-11-30"},
    {"red hat enterprise linux", "7", "2024-06-30"},
    {"red hat enterprise linux", "8", "2029-05-31"},
    {"red hat enterprise linux", "9", "2032-05-31"},
    {"centos stream", "8", "2024-05-31"},
    {"centos stream", "9", "2027-05-31"},
    {"centos", "6", "2020-11-30"},
    {"centos", "7", "2024-06-30"},
    {"centos", "8", "2021-12-31"},
    {"rocky", "8", "2029-05-31"},
    {"rocky", "9", "2032-05-31"},
    {"almalinux", "8", "2029-05-31"},
    {"almalinux", "9", "2032-05-31"},
    {"oracle linux", "7", "2024-12-31"},
    {"oracle linux", "8", "2029-07-31"},
    {"oracle linux", "9", "2032-06-30"},
    {"suse linux enterprise server", "12", "2024-10-31"},
    {"suse linux enterprise server", "15", "2031-07-31"},
    {"windows server", "2008", "2020-01-14"},
    {"windows server", "2012", "2023-10-10"},
    {"windows server", "2016", "2027-01-12"},
    {"windows server", "2019", "2029-01-09"},
    {"windows server", "2022", "2031-10-14"},
    {"windows server", "2025", "2034-10-10"},
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "8" matches "8", "8.6" and "8 (Ootpa)" but not "80"; "2012" matches "2012 R2".
bool starts_with_release(std::string_view text, std::string_view release) {
  if (!text.starts_with(release)) return false;
  return text.size() == release.size() ||
         !std::isdigit(static_cast<unsigned char>(text[release.size()]));
}

// Whether `release` appears as a word of `name` ("windows server 2019 standard").
bool names_release(std::string_view name, std::string_view release) {
  for (auto at = name.find(release); at != std::string_view::npos;
       at = name.find(release, at + 1)) {
    const bool starts_word = at == 0 || name[at - 1] == ' ';
    if (starts_word && starts_with_release(name.substr(at), release)) return true;
  }
  return false;
}

// Unix seconds of a table date (all valid, checked by the tests).
std::int64_t unix_day(std::string_view date) {
  return parse_rfc3339(std::string(date) + "T00:00:00Z").value_or(0);
}

}  // namespace

EndOfLifeStatus end_of_life(std::string_view name, std::string_view version, std::int64_t now) {
  const std::string os = lower(name);
  const std::string_view trimmed_version = version.substr(
      std::min(version.size(), version.find_first_not_of(' ') == std::string_view::npos
                                   ? version.size()
                                   : version.find_first_not_of(' ')));
  for (const Release& release : kReleases) {
    if (os.find(release.name) == std::string::npos) continue;
    if (!starts_with_release(trimmed_version, release.version) &&
        !names_release(os, release.version)) {
      continue;
    }
    const std::int64_t ends = unix_day(release.ends) + 86'400;  // supported through that day
    const EndOfLife status = now >= ends                        ? EndOfLife::kEnded
                             : now >= ends - kEndingSoonSeconds ? EndOfLife::kEndingSoon
                                                                : EndOfLife::kSupported;
    return {status, std::string(release.ends)};
  }
  return {};
}

const char* end_of_life_name(EndOfLife status) {
  switch (status) {
    case EndOfLife::kSupported:
      return "supported";
    case EndOfLife::kEndingSoon:
      return "ending_soon";
    case EndOfLife::kEnded:
      return "ended";
    case EndOfLife::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace sahab::planner
