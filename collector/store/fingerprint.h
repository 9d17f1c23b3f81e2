#pragma once
// A cheap fingerprint of the fleet's state: it changes when hosts are added, an inventory changes,
// or an import or enrolment happens (one query over indexed maxima). Caches of figures computed
// from the whole fleet (plans, the fleet summary) key on it.
#include <string>

#include "collector/store/database.h"

namespace sahab::collector {

std::string fleet_fingerprint(Database& db);

}  // namespace sahab::collector
