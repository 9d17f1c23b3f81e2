#include "collector/store/fingerprint.h"

namespace sahab::collector {

std::string fleet_fingerprint(Database& db) {
  // 'link_imported' is an enrolment too: the imported host becomes an agent host and loses its
  // imported document before its agent's first inventory arrives. A rolled back import changes
  // the fleet as much as the import did.
  Statement& s = db.cached(
      "SELECT (SELECT count(*) FROM hosts), (SELECT coalesce(max(id), 0) FROM "
      "inventory_changes), (SELECT coalesce(max(id), 0) FROM audit_log WHERE action IN "
      "('import', 'import_rollback', 'enrol', 'link_imported'))");
  std::string out;
  if (s.step()) {
    out = std::to_string(s.integer(0)) + "/" + std::to_string(s.integer(1)) + "/" +
          std::to_string(s.integer(2));
  }
  s.reset();
  return out;
}

}  // namespace sahab::collector
