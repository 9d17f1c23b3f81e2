#include "collector/store/batch_writer.h"

#include <nlohmann/json.hpp>
#include <set>

#include "collector/store/summary_blocks.h"
#include "common/bounded_json.h"
#include "common/protocol/inventory.h"

namespace sahab::collector {
namespace {
// Collectors on one PostgreSQL may store batches of the same host at once (an agent's replay that
// reaches the other collector): each push reads then rewrites the host's mark and hour block, so
// the host's writes take turns under a lock held until the transaction ends (READ COMMITTED would
// let both read the old mark, store the batch twice and keep only one's block entries). SQLite
// has one writer per file, which already serialises them: nothing to take there. The lock key is
// the pair (class, hash of the host id): a hash collision only makes two hosts take turns.
constexpr int kHostWritesLock = 1935762019;

}  // namespace

void lock_host(Database& db, const std::string& host_id) {
  if (db.dialect().is_sqlite()) return;
  db.cached("SELECT pg_advisory_xact_lock(" + std::to_string(kHostWritesLock) + ", hashtext(?))")
      .with(host_id)
      .run();
}

namespace {
using nlohmann::json;
namespace inventory = protocol::inventory;

// Raises the host's mark to the batch's sequence unless it is already there or past it (a
// replay): one statement instead of a read then a write, as a push's round trips to PostgreSQL
// are what its transaction's time is made of. True when the batch is new.
bool raise_mark(Database& db, const Batch& batch, std::int64_t now) {
  Statement& s =
      db.cached(
            "INSERT INTO batch_marks(host_id, sequence, received_at, batches) VALUES (?1, ?2, ?3, "
            "1) ON CONFLICT(host_id) DO UPDATE SET sequence = ?2, received_at = ?3, batches = "
            "batch_marks.batches + 1 WHERE batch_marks.sequence < ?2 RETURNING 1")
          .with(batch.host_id, batch.sequence, now);
  const bool raised = s.step();
  s.reset();
  return raised;
}

// A section without the readings that move between two pushes of an unchanged server (and change
// its section's hash at every push): a filesystem's used and free space, how many times a
// connection was seen, the connections established at the instant of the scan. What remains
// (filesystems and their sizes, listening services, who talks to whom) says the server changed.
json without_readings(const std::string& section, json data) {
  for (const inventory::Reading& reading : inventory::readings()) {
    if (reading.section != section) continue;
    if (reading.list.empty()) {
      data.erase(std::string(reading.field));
      continue;
    }
    const auto list = data.find(reading.list);
    if (list == data.end() || !list->is_array()) continue;
    for (auto& element : *list)
      if (element.is_object()) element.erase(std::string(reading.field));
  }
  return data;
}

// Top-level fields whose value differs between two versions of a section.
json changed_fields(const json& before, const json& after) {
  std::set<std::string> names;
  for (const auto& [key, value] : after.items()) {
    if (!before.contains(key) || before.at(key) != value) names.insert(key);
  }
  for (const auto& [key, value] : before.items()) {
    if (!after.contains(key)) names.insert(key);
  }
  return json(names);
}

std::string address_without_prefix(const std::string& address) {
  return address.substr(0, address.find('/'));
}

bool is_loopback(const std::string& address) {
  return address.starts_with("127.") || address == "::1" || address.empty();
}

// NIC addresses let edges whose remote end is this host resolve to it.
void refresh_addresses(Database& db, const std::string& host_id, const json& hardware) {
  db.cached("DELETE FROM host_addresses WHERE host_id = ?").with(host_id).run();
  const auto nics = hardware.find(inventory::hardware::kNics.name);
  if (nics == hardware.end() || !nics->is_array()) return;
  for (const auto& nic : *nics) {
    if (!nic.is_object()) continue;
    for (const auto& family : {inventory::nic::kIpv4, inventory::nic::kIpv6}) {
      const auto list = nic.find(family.name);
      if (list == nic.end() || !list->is_array()) continue;
      for (const auto& address : *list) {
        if (!address.is_string()) continue;
        const auto plain = address_without_prefix(address.get<std::string>());
        if (is_loopback(plain)) continue;
        db.cached(
              "INSERT INTO host_addresses(address, host_id) VALUES (?, ?) "
              "ON CONFLICT DO NOTHING")
            .with(plain, host_id)
            .run();
      }
    }
  }
}

std::int64_t integer_field(const json& object, const inventory::Field& field) {
  const auto it = object.find(field.name);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string string_field(const json& object, const inventory::Field& field) {
  const auto it = object.find(field.name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The network section's connections become edges; edges no longer reported are dropped.
void refresh_edges(Database& db, const std::string& host_id, const json& network,
                   std::int64_t now) {
  namespace f = inventory::connection;
  const auto connections = network.find(inventory::network::kConnections.name);
  if (connections != network.end() && connections->is_array()) {
    for (const auto& c : *connections) {
      if (!c.is_object()) continue;
      const std::string direction = string_field(c, f::kDirection);
      const std::string remote = string_field(c, f::kRemoteAddress);
      if ((direction != "outbound" && direction != "inbound") || is_loopback(remote)) continue;
      const bool outbound = direction == "outbound";
      db.cached(
            "INSERT INTO edges(source_host, direction, remote_address, remote_port, local_port, "
            "process, count, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
            "ON CONFLICT(source_host, direction, remote_address, remote_port, local_port) "
            "DO UPDATE SET process = excluded.process, count = excluded.count, "
            "last_seen = excluded.last_seen")
          .with(host_id, direction, remote, outbound ? integer_field(c, f::kRemotePort) : 0,
                outbound ? 0 : integer_field(c, f::kLocalPort), string_field(c, f::kProcess),
                std::max<std::int64_t>(1, integer_field(c, f::kCount)), now)
          .run();
    }
  }
  db.cached("DELETE FROM edges WHERE source_host = ? AND direction <> 'declared' AND last_seen < ?")
      .with(host_id, now)
      .run();
}

void update_host(Database& db, const Batch& batch, const std::string& address, std::int64_t now) {
  db.cached("UPDATE hosts SET last_seen = " + std::string(db.dialect().greatest()) +
            "(last_seen, ?2), state = 'active', address = ?3 WHERE id = ?1")
      .with(batch.host_id, now, address)
      .run();
  for (const auto& section : batch.sections) {
    if (section.name != inventory::identity::kSection) continue;
    const auto& data = section.data;
    const std::string hostname = string_field(data, inventory::identity::kHostname);
    if (!hostname.empty()) {
      db.cached("UPDATE hosts SET hostname = ? WHERE id = ?").with(hostname, batch.host_id).run();
    }
    if (const auto labels = data.find(inventory::identity::kLabels.name); labels != data.end()) {
      const json normalised = parse_labels(*labels, "labels");
      db.cached("UPDATE hosts SET labels = ? WHERE id = ?")
          .with(normalised.dump(), batch.host_id)
          .run();
    }
  }
}

void store_section(Database& db, const std::string& host_id, const InventorySection& section,
                   std::int64_t now) {
  Statement& current =
      db.cached("SELECT hash, data FROM inventory_current WHERE host_id = ? AND section = ?")
          .with(host_id, section.name);
  std::optional<std::string> old_hash;
  json old_data = json::object();
  if (current.step()) {
    old_hash = current.text(0);
    old_data = bounded_json::parse_stored_or(current.text(1), "inventory section", json::object());
  }
  current.reset();
  if (old_hash == section.hash) return;  // a full inventory repeats unchanged sections
  // The current data always takes the new readings; the history records real changes only.
  const json changed = changed_fields(without_readings(section.name, std::move(old_data)),
                                      without_readings(section.name, section.data));
  if (!old_hash || !changed.empty()) {
    db.cached(
          "INSERT INTO inventory_changes(host_id, section, at, old_hash, new_hash, changed) "
          "VALUES (?, ?, ?, ?, ?, ?)")
        .with(host_id, section.name, now, old_hash, section.hash, changed.dump())
        .run();
  }
  db.cached(
        "INSERT INTO inventory_current(host_id, section, hash, data, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(host_id, section) DO UPDATE SET hash = excluded.hash, "
        "data = excluded.data, updated_at = excluded.updated_at")
      .with(host_id, section.name, section.hash, section.data.dump(), now)
      .run();
  if (section.name == inventory::hardware::kSection) refresh_addresses(db, host_id, section.data);
  if (section.name == inventory::network::kSection) refresh_edges(db, host_id, section.data, now);
}

// add_utilisation once the host's lock is held.
void put_utilisation(Database& db, const std::string& host,
                     const std::vector<SummaryEntry>& entries) {
  std::set<std::int64_t> days;
  for (const auto& e : entries) days.insert(day_of(e.start));
  put_summaries(db, host, entries);
  for (const auto day : days) {
    db.cached("INSERT INTO rollup_pending(host_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .with(host, day)
        .run();
  }
}

void store_summaries(Database& db, const Batch& batch) {
  std::vector<SummaryEntry> entries;
  for (const auto& summary : batch.summaries) {
    for (const auto& m : summary.metrics) {
      entries.push_back(
          {m.metric, summary.start, summary.end, 1, m.count, m.mean, m.max, m.sketch});
    }
  }
  put_utilisation(db, batch.host_id, entries);
}

}  // namespace

void add_utilisation(Database& db, const std::string& host,
                     const std::vector<SummaryEntry>& entries) {
  lock_host(db, host);  // a source's samples and an agent's pushes may write one host's blocks
  put_utilisation(db, host, entries);
}

BatchOutcome store_batch(Database& db, const Batch& batch, const std::string& remote_address,
                         std::int64_t now) {
  lock_host(db, batch.host_id);  // before reading the mark: see lock_host
  if (!raise_mark(db, batch, now)) return BatchOutcome::kDuplicate;
  update_host(db, batch, remote_address, now);
  for (const auto& section : batch.sections) store_section(db, batch.host_id, section, now);
  store_summaries(db, batch);
  return BatchOutcome::kStored;
}

}  // namespace sahab::collector
