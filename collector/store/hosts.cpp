#include "collector/store/hosts.h"

#include <algorithm>
#include <stdexcept>

namespace sahab::collector {
namespace {

constexpr const char* kHostColumns =
    "id, hostname, labels, source, state, first_seen, last_seen, address";

HostRow host_row(const Statement& s) {
  return {s.text(0),    s.text(1),
          s.text(2),    s.text(3),
          s.text(4),    s.integer(5),
          s.integer(6), s.is_null(7) ? std::nullopt : std::optional(s.text(7))};
}

// The WHERE clause from fixed pieces; every value is a bound parameter.
struct HostFilter {
  std::string where = " WHERE 1 = 1";
  std::vector<std::string> values;

  void add(const std::string& clause, std::string value) {
    where += " AND " + clause;
    values.push_back(std::move(value));
  }
  void bind(Statement& s) const {
    for (size_t i = 0; i < values.size(); ++i) s.bind(static_cast<int>(i + 1), values[i]);
  }
};

// A host's region, province and commune labels ('' when absent), as three columns.
std::string place_columns(const Dialect& dialect, std::string_view labels) {
  std::string out;
  for (const char* key : {"region", "province", "commune"}) {
    if (!out.empty()) out += ", ";
    out += "coalesce(" + dialect.json_text(labels, key) + ", '')";
  }
  return out;
}

std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

HostFilter filter_of(const Dialect& dialect, const HostQuery& query) {
  HostFilter filter;
  // Label names reach the SQL text: the caller checked them (letters, digits, '_', '.').
  for (const auto& [name, value] : query.labels) {
    filter.add(dialect.json_text("labels", name) + " = ?", value);
  }
  if (query.text && !query.text->empty()) {
    const std::string n = std::to_string(filter.values.size() + 1);
    const std::string like = dialect.like();
    filter.where += " AND (id " + like + " ?" + n + " ESCAPE '\\' OR hostname " + like + " ?" + n +
                    " ESCAPE '\\')";
    filter.values.push_back(like_pattern(*query.text));
  }
  if (query.state) filter.add("state = ?", *query.state);
  if (query.source) filter.add("source = ?", *query.source);
  return filter;
}

}  // namespace

const std::vector<std::string>& host_sort_columns() {
  static const std::vector<std::string> kColumns = {"id", "hostname", "last_seen", "first_seen",
                                                    "state"};
  return kColumns;
}

HostPage find_hosts(Database& db, const HostQuery& query) {
  const auto& sorts = host_sort_columns();
  if (std::find(sorts.begin(), sorts.end(), query.sort) == sorts.end()) {
    throw std::invalid_argument("unknown sort column '" + query.sort + "'");
  }
  const HostFilter filter = filter_of(db.dialect(), query);
  HostPage out;
  Statement& count = db.cached("SELECT count(*) FROM hosts" + filter.where);
  filter.bind(count);
  out.total = count.step() ? count.integer(0) : 0;
  count.reset();
  // The page is bound, not spliced in: one statement serves every page (statement cache).
  Statement& page = db.cached("SELECT " + std::string(kHostColumns) + " FROM hosts" + filter.where +
                              " ORDER BY " + query.sort + (query.descending ? " desc" : " asc") +
                              ", id LIMIT ? OFFSET ?");
  filter.bind(page);
  const int after_filter = static_cast<int>(filter.values.size());
  page.bind(after_filter + 1, query.limit).bind(after_filter + 2, query.offset);
  while (page.step()) out.hosts.push_back(host_row(page));
  return out;
}

namespace {

std::vector<InventorySectionRow> current_sections(Database& db, const std::string& id) {
  Statement& s =
      db.cached("SELECT section, hash, data, updated_at FROM inventory_current WHERE host_id = ?")
          .with(id);
  std::vector<InventorySectionRow> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.integer(3)});
  return out;
}

}  // namespace

std::optional<HostInventory> find_host_inventory(Database& db, const std::string& id) {
  Statement& s =
      db.cached("SELECT " + std::string(kHostColumns) + " FROM hosts WHERE id = ?").with(id);
  if (!s.step()) return std::nullopt;
  HostInventory out{host_row(s), {}};
  s.reset();
  out.sections = current_sections(db, id);
  return out;
}

std::optional<HostRecord> find_host(Database& db, const std::string& id) {
  Statement& s =
      db.cached("SELECT " + std::string(kHostColumns) + ", imported FROM hosts WHERE id = ?")
          .with(id);
  if (!s.step()) return std::nullopt;
  HostRecord out;
  out.host = host_row(s);
  if (!s.is_null(8)) out.imported_json = s.text(8);
  s.reset();
  out.sections = current_sections(db, id);
  Statement& history =
      db.cached(
            "SELECT section, at, changed, old_hash, new_hash FROM inventory_changes "
            "WHERE host_id = ? ORDER BY at DESC, id DESC LIMIT 200")
          .with(id);
  while (history.step()) {
    out.changes.push_back({history.text(0), history.integer(1), history.text(2),
                           history.is_null(3) ? std::nullopt : std::optional(history.text(3)),
                           history.text(4)});
  }
  Statement& agents = db.cached(
                            "SELECT a.id, a.created_at, r.revoked_at IS NOT NULL FROM agents a "
                            "LEFT JOIN revocations r ON r.agent_id = a.id WHERE a.host_id = ?")
                          .with(id);
  while (agents.step()) {
    out.agents.push_back({agents.integer(0), agents.integer(1), agents.integer(2) != 0});
  }
  return out;
}

bool host_exists(Database& db, const std::string& id) {
  Statement& s = db.cached("SELECT 1 FROM hosts WHERE id = ?").with(id);
  const bool found = s.step();
  s.reset();
  return found;
}

std::vector<ScrapeCandidate> scrape_candidates(Database& db) {
  Statement& s = db.cached(
      "SELECT h.id, h.hostname, h.labels, h.state, h.address, coalesce(i.data, '{}') "
      "FROM hosts h LEFT JOIN inventory_current i ON i.host_id = h.id AND i.section = 'identity' "
      "WHERE h.source = 'agent' AND h.address IS NOT NULL ORDER BY h.id");
  std::vector<ScrapeCandidate> out;
  while (s.step()) {
    out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
  }
  return out;
}

HostPlace host_place(Database& db, const std::string& id) {
  Statement& s = db.cached("SELECT hostname, " + place_columns(db.dialect(), "labels") +
                           " FROM hosts WHERE id = ?")
                     .with(id);
  HostPlace place;
  if (s.step()) place = {s.text(0), s.text(1), s.text(2), s.text(3)};
  s.reset();
  return place;
}

std::map<std::string, std::int64_t> host_counts_by_state(Database& db) {
  std::map<std::string, std::int64_t> out{{"active", 0}, {"stale", 0}, {"imported", 0}};
  Statement& s = db.cached("SELECT state, count(*) FROM hosts GROUP BY state");
  while (s.step()) out[s.text(0)] = s.integer(1);
  return out;
}

std::vector<HostStatus> host_statuses(Database& db) {
  Statement& s = db.cached(
      "SELECT h.id, h.hostname, h.state, h.last_seen, " + place_columns(db.dialect(), "h.labels") +
      ", "
      "h.source = 'agent' AND EXISTS (SELECT 1 FROM agents a WHERE a.host_id = h.id AND "
      "NOT EXISTS (SELECT 1 FROM revocations r WHERE r.agent_id = a.id)), h.source FROM hosts h");
  std::vector<HostStatus> out;
  while (s.step()) {
    out.push_back({s.text(0), s.text(2), s.text(8), s.integer(3),
                   HostPlace{s.text(1), s.text(4), s.text(5), s.text(6)}, s.integer(7) != 0});
  }
  return out;
}

std::vector<HostStateCount> host_state_counts(Database& db) {
  Statement& s = db.cached("SELECT source, state, count(*) FROM hosts GROUP BY source, state");
  std::vector<HostStateCount> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2)});
  return out;
}

void check_readable(Database& db) { db.scalar("SELECT 1"); }

}  // namespace sahab::collector
