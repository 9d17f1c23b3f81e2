#pragma once
// The weekly steering report of execution tracking (docs/execution.md#steering-report).
#include "collector/api/context.h"
#include "collector/api/validation.h"

namespace sahab::collector {

// GET /api/v1/progress/report?format=html|xlsx[&lang=fr|en|ar|zgh] (viewer): the active
// baseline's progress by region, province and commune, the waves in flight and the regressions,
// as printable HTML in the reader's language or an .xlsx workbook.
void register_steering_report_routes(http::Server& server, Context& context,
                                     ValidationCache& validations);

}  // namespace sahab::collector
