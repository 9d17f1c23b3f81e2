#pragma once
// `sahab-planner plan --import FILE`: import files applied to a fleet in memory, as the collector
// applies them to its database (docs/imports.md), so that an architect plans from a laptop
// without a collector: the same readers and format detection (import_formats.h), the same
// matching and decisions (import_decide.h) against the fleet's hosts and the earlier files' ones,
// the same merge. An agent host (one whose utilisation an agent measured) keeps its own data and
// takes what imports fill in, as the collector's fleet export shows it.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/api/import_decide.h"

namespace sahab::collector {

class OfflineImport {
 public:
  // `fleet`: a valid sahab-fleet/1 document (protocol::fleet_to_json), or null for none.
  explicit OfflineImport(const nlohmann::json& fleet);

  struct Outcome {
    std::string format;  // what was read: "rvtools 4.7.1.4", ...
    ImportCounts counts;
    std::vector<std::string> problems;  // per row ("row 3: ...") then per file
  };
  // Reads `file` as `format` (nullopt: detected from the content) and applies it. Throws
  // std::invalid_argument when the file as a whole is unusable, naming why.
  Outcome add(std::string_view file, const std::optional<std::string>& format);

  // The fleet with every file applied, a sahab-fleet/1 document.
  nlohmann::json document() const;

 private:
  struct Known {
    std::string source;   // "agent" or "import"
    nlohmann::json own;   // the host (an agent host: as its agent reported it)
    nlohmann::json fill;  // an agent host: what imports filled in, without id and hostname
  };
  KnownHosts known() const;
  void apply(const ImportPlan& plan, const std::vector<ImportDecision>& decisions);

  std::string generated_at_;
  std::map<std::string, Known> hosts_;  // by id, the order the collector lists them in
  nlohmann::json connections_ = nlohmann::json::array();
};

}  // namespace sahab::collector
