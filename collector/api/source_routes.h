#pragma once
// /api/v1/sources: the discovery sources (vCenter, standalone ESXi), admins only, reads
// included (a source names an account). docs/api.md and docs/sources.md.
#include "collector/api/context.h"
#include "collector/sources/source_runner.h"

namespace sahab::collector {

void register_source_routes(http::Server& server, Context& context, SourceRunner& runner);

}  // namespace sahab::collector
