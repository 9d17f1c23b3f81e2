#include "collector/store_command.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "collector/store/store_copy.h"

namespace sahab::collector {
namespace {

constexpr const char* kUsage =
    "usage: sahab-collector store copy --from URL --to URL\n"
    "  copies every table of one store into another (sqlite:///path/sahab.db or\n"
    "  postgresql://...), verifies row counts and checksums, in one transaction on the target.\n"
    "  Rerunning it on a target that holds the same copy changes nothing; any other non-empty\n"
    "  target is refused. Stop the collectors writing to the source first.\n";

struct CopyArguments {
  StoreUrl from;
  StoreUrl to;
};

// Throws std::invalid_argument for anything but `copy --from URL --to URL` (either order).
CopyArguments parse(int argc, const char* const* argv) {
  if (argc < 3 || std::string_view(argv[2]) != "copy") throw std::invalid_argument("");
  std::optional<StoreUrl> from;
  std::optional<StoreUrl> to;
  for (int i = 3; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc || (flag != "--from" && flag != "--to")) throw std::invalid_argument("");
    (flag == "--from" ? from : to) = StoreUrl::parse(argv[i + 1]);
  }
  if (!from || !to) throw std::invalid_argument("");
  return {*from, *to};
}

}  // namespace

int store_command(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CopyArguments args;
  try {
    args = parse(argc, argv);
  } catch (const std::invalid_argument& e) {
    if (*e.what()) err << "sahab-collector store: " << e.what() << "\n";
    err << kUsage;
    return 2;
  }
  try {
    out << "copying " << args.from.redacted() << " to " << args.to.redacted() << "\n";
    const auto report = copy_store(args.from, args.to, [&out](const TableSum& t) {
      out << "  " << t.table << ": " << t.rows << " rows\n" << std::flush;
    });
    std::int64_t rows = 0;
    for (const auto& t : report.tables) rows += t.rows;
    out << (report.already_copied ? "the target already holds this copy: "
                                  : "copied and verified: ")
        << report.tables.size() << " tables, " << rows << " rows (counts and checksums match)\n";
    return 0;
  } catch (const std::exception& e) {
    err << "sahab-collector store copy: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace sahab::collector
