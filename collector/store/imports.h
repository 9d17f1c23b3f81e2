#pragma once
// Writes imported hosts (servers without agents) and their declared connections.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "collector/store/sqlite.h"

namespace sahab::collector {

// false (nothing written) when the id belongs to a host reporting through an agent.
bool upsert_imported_host(Database& db, const nlohmann::json& host, std::int64_t now);

void upsert_declared_edge(Database& db, const nlohmann::json& connection, std::int64_t now);

}  // namespace sahab::collector
