#pragma once
// The collector's GET /metrics answer as one text: its streamed pieces gathered (Telemetry::serve).
#include <string>
#include <string_view>

#include "collector/api/telemetry.h"

namespace sahab::testing {

inline std::string scrape(const collector::Telemetry& telemetry) {
  const http::Response response = telemetry.serve();
  std::string text = response.body;
  if (response.stream) response.stream([&](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace sahab::testing
