#include "collector/api/import_plan.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sahab::collector::import {

void PlanBuilder::add(std::size_t row, const std::string& where, std::string_view name,
                      const std::function<protocol::Host()>& make) {
  try {
    protocol::Host host = make();
    host.labels[kSourceLabel] = format_ + ", " + where;
    auto json = protocol::host_to_json(host);
    validate_fleet_host(json);  // what every import path stores
    if (const auto [it, added] = seen_.emplace(host.id, where); !added) {
      throw std::invalid_argument(where + ": same server as " + it->second + " (id '" + host.id +
                                  "')");
    }
    plan_.hosts.push_back({row, std::move(json)});
  } catch (const std::invalid_argument& e) {
    error(row, name, e.what());
  }
}

void PlanBuilder::error(std::size_t row, std::string_view name, std::string message) {
  plan_.errors.push_back({row, std::string(name.substr(0, 128)), std::move(message)});
}

}  // namespace sahab::collector::import
