#include "agent/identity.h"

#include <mutex>

#include "common/crypto.h"
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

// From the system's CSPRNG, not std::random_device: mingw-w64's libstdc++ makes the latter a
// fixed sequence, which gave every Windows host the same id.
std::string generate_id() { return crypto::random_hex(16); }

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
  for (const auto& candidate :
       {paths.root("etc/machine-id"), paths.sys("class/dmi/id/product_uuid")}) {
    if (auto line = try_read_line(candidate)) {
      const auto id = normalised(text::trim(*line));
      if (!id.empty() && !placeholder(id)) return id;
    }
  }
  return generated_id(state_dir);
}

}  // namespace sahab::agent
