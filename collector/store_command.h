#pragma once
// `sahab-collector store copy --from URL --to URL` (collector/store/store_copy.h): exit 0 when the
// target holds a verified copy, 1 when the copy failed, 2 on a usage error or a bad URL.
#include <ostream>

namespace sahab::collector {

int store_command(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace sahab::collector
