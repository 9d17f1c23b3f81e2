#pragma once
// The planner reads the fleet as sahab-fleet/1 defines it: the document, its types, reader and
// writer belong to common/protocol/fleet.h; these are the names the planner's stages use.
#include "common/protocol/fleet.h"

namespace sahab::planner {

using protocol::Connection;
using protocol::Disk;
using protocol::Fleet;
using protocol::fleet_from_json;
using protocol::fleet_from_text;
using protocol::fleet_to_json;
using protocol::FleetBuilder;
using protocol::FleetError;
using protocol::Host;
using protocol::host_to_json;
using protocol::Listening;
using protocol::load_fleet_file;
using protocol::Percentiles;
using protocol::Service;
using protocol::Software;
using protocol::Utilisation;

}  // namespace sahab::planner
