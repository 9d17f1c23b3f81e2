#include "agent/identity.h"

#include <cstdio>
#include <mutex>
#include <random>

#include "common/file.h"
#include "common/log.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

// systemd's machine-id is 32 hex digits; DMI UUIDs are the same digits with dashes.
std::string normalised(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// DMI tables on cheap boards often carry placeholder UUIDs; they are not identities.
bool placeholder(const std::string& id) {
  return id.find_first_not_of('0') == std::string::npos ||
         id.find_first_not_of('f') == std::string::npos;
}

std::string generate_id() {
  std::random_device random;
  std::string id;
  char digits[9];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(digits, sizeof digits, "%08x", static_cast<unsigned>(random()));
    id += digits;
  }
  return id;
}

std::string generated_id(const std::filesystem::path& state_dir) {
  // One id per process even if persisting fails, so every report of this run agrees.
  static std::mutex mutex;
  static std::string fallback;
  std::lock_guard lock(mutex);
  const auto file = state_dir / "host_id";
  if (auto line = try_read_line(file)) {
    const auto id = normalised(text::trim(*line));
    if (id.size() == 32) return id;
  }
  if (fallback.empty()) fallback = generate_id();
  try {
    std::filesystem::create_directories(state_dir);
    write_file_atomic(file, fallback + "\n");
  } catch (const std::exception& e) {
    log::warn("cannot persist generated host id in " + file.string() + ": " + e.what() +
              "; the id will change at the next start");
  }
  return fallback;
}

}  // namespace

std::string read_host_id(const Paths& paths, const std::filesystem::path& state_dir) {
  for (const auto& candidate : system_host_ids(paths)) {
    const auto id = normalised(text::trim(candidate));
    if (!id.empty() && !placeholder(id)) return id;
  }
  return generated_id(state_dir);
}

}  // namespace sahab::agent
