#include "collector/ingest/credentials.h"

namespace sahab::collector {

std::string new_credential() { return crypto::random_hex(32); }

}  // namespace sahab::collector
