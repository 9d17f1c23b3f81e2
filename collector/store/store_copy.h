#pragma once
// `sahab-collector store copy --from URL --to URL`: moves an installation between stores (SQLite
// to PostgreSQL, or back). Every table is copied in primary-key order, a batch of rows at a time
// (memory bounded whatever the store's size), inside ONE transaction on the target, then counted
// and checksummed on both sides before that transaction commits: a copy that fails or does not
// verify leaves the target as it was.
//
// Safe to rerun: an empty target is filled; a target that already holds exactly the source (same
// counts and checksums: a copy that completed before) is left alone and reported; any other
// non-empty target is refused. There is no resuming half way: a failed copy committed nothing.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

struct TableSum {
  std::string table;
  std::int64_t rows = 0;
  // Order-independent (a sum of per-row SHA-256 prefixes), so two engines that order text
  // differently agree; values compared by kind and exact value (reals by their shortest form).
  std::uint64_t checksum = 0;
  bool operator==(const TableSum&) const = default;
};

struct CopyReport {
  std::vector<TableSum> tables;
  bool already_copied = false;  // the target held this copy already; nothing written
};

// The tables a copy moves, in an order that satisfies their foreign keys.
const std::vector<std::string>& copied_tables();

// Counts and checksums every copied table of `db`.
std::vector<TableSum> store_sums(Database& db);

// Copies `from` into `to` (migrated first). Throws StoreError naming what is wrong: a source of
// another schema version, a target holding something else, a table that does not verify.
CopyReport copy_store(const StoreUrl& from, const StoreUrl& to,
                      const std::function<void(const TableSum&)>& on_table = nullptr);

}  // namespace sahab::collector
