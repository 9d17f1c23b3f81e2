#pragma once
// GET and PUT /api/v1/me/preferences: the signed-in web UI user's language.
#include "collector/api/context.h"

namespace sahab::collector {

void register_preference_routes(http::Server& server, Context& context);

}  // namespace sahab::collector
