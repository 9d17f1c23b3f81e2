// The sahab-fleet/1 field table drives the reader and the writer: every row is read, written,
// range-checked and (where required) demanded, with no code of its own. These tests walk the
// table, so a row added without the reader or writer following would fail here.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/protocol/fleet.h"

using namespace sahab::protocol;
using nlohmann::json;

namespace {

// A host with every list holding one element and utilisation present, so every row has a slot.
Host host_with_every_slot() {
  Host h;
  h.utilisation.emplace();
  for (const HostList& list : host_lists()) list.append(h);
  return h;
}

// A valid value of the field's type, distinct per row so a value landing in the wrong slot shows.
json sample_value(const Field<Host>& f, int row) {
  switch (f.type) {
    case FieldType::kText:
      return "value-" + std::to_string(row);
    case FieldType::kLabels:
      return json{{"region", "Souss-Massa"}};
    case FieldType::kWholeNumber:
    case FieldType::kNumber:
      break;
  }
  const double top = f.max == kAnyNumber ? 1e9 : f.max;
  const double value = f.min + (top - f.min) * (row % 7 + 1) / 8.0;
  return f.type == FieldType::kWholeNumber ? json(std::floor(value)) : json(value);
}

// Sets `value` at the table path ("disks[].size_bytes" -> host["disks"][0]["size_bytes"]).
void put(json& host, const std::string& path, const json& value) {
  json::json_pointer pointer;
  std::string part;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '.') {
      if (part.ends_with("[]")) {
        pointer /= part.substr(0, part.size() - 2);
        pointer /= 0;
      } else {
        pointer /= part;
      }
      part.clear();
    } else {
      part += path[i];
    }
  }
  host[pointer] = value;
}

json document_with(const json& host) {
  return {{"format", kFleetFormat}, {"hosts", json::array({host})}};
}

std::string error_of(const json& document) {
  try {
    fleet_from_json(document);
  } catch (const FleetError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("protocol fleet: every row of the host table is read into its slot and written back") {
  json host = {{"id", "h1"}};
  int row = 0;
  for (const Field<Host>& f : host_fields()) {
    if (f.path != "id") put(host, f.path, sample_value(f, row));
    ++row;
  }
  const Fleet fleet = fleet_from_json(document_with(host));
  REQUIRE(fleet.hosts.size() == 1);
  Host read = fleet.hosts[0];
  row = 0;
  for (const Field<Host>& f : host_fields()) {
    CAPTURE(f.path);
    const FieldSlot slot = f.slot(read, 0);
    const json expected = f.path == "id" ? json("h1") : sample_value(f, row++);
    if (f.path == "id") row++;
    std::visit(
        [&expected](auto* value) {
          using T = std::remove_pointer_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::optional<double>> ||
                        std::is_same_v<T, std::optional<int>>) {
            REQUIRE(value->has_value());
            CHECK(static_cast<double>(**value) == doctest::Approx(expected.get<double>()));
          } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
            CHECK(json(*value) == expected);
          } else if constexpr (std::is_same_v<T, std::string>) {
            CHECK(*value == expected.get<std::string>());
          } else {
            CHECK(static_cast<double>(*value) == doctest::Approx(expected.get<double>()));
          }
        },
        slot);
  }
  // The writer writes what the reader read, and reading that again changes nothing.
  const json written = host_to_json(read);
  CHECK(host_to_json(fleet_from_json(document_with(written)).hosts.at(0)) == written);
  for (const Field<Host>& f : host_fields()) {
    CAPTURE(f.path);
    json probe = written;
    std::string pointer = "/" + f.path;
    for (std::size_t at; (at = pointer.find("[]")) != std::string::npos;)
      pointer.replace(at, 2, "/0");
    for (auto& c : pointer) c = c == '.' ? '/' : c;
    CHECK(written.contains(json::json_pointer(pointer)));
  }
}

TEST_CASE("protocol fleet: every numeric row refuses values outside its range, naming the field") {
  for (const Field<Host>& f : host_fields()) {
    if (f.type != FieldType::kNumber && f.type != FieldType::kWholeNumber) continue;
    CAPTURE(f.path);
    json host = {{"id", "h1"}};
    put(host, f.path, f.min - 1);
    const std::string error = error_of(document_with(host));
    std::string shown = f.path;
    if (const auto at = shown.find("[]"); at != std::string::npos) shown.replace(at, 2, "[0]");
    CHECK(error.find("field '" + shown + "': expected a number between") != std::string::npos);
    json wrong_type = {{"id", "h1"}};
    put(wrong_type, f.path, "many");
    CHECK(error_of(document_with(wrong_type)).find("field '" + shown + "': expected a number") !=
          std::string::npos);
  }
}

TEST_CASE("protocol fleet: whole-number rows refuse fractions, text rows refuse numbers") {
  for (const Field<Host>& f : host_fields()) {
    CAPTURE(f.path);
    std::string shown = f.path;
    if (const auto at = shown.find("[]"); at != std::string::npos) shown.replace(at, 2, "[0]");
    json host = {{"id", "h1"}};
    if (f.type == FieldType::kWholeNumber) {
      put(host, f.path, f.min + 1.5);
      CHECK(error_of(document_with(host)) ==
            "host 0 (id 'h1'): field '" + shown + "': expected a whole number");
    } else if (f.type == FieldType::kText && f.path != "id") {
      put(host, f.path, 42);
      CHECK(error_of(document_with(host)) ==
            "host 0 (id 'h1'): field '" + shown + "': expected a string");
    }
  }
}

TEST_CASE("protocol fleet: required rows are demanded with the table's reason") {
  CHECK(error_of(document_with({{"hostname", "x"}})) ==
        "host 0: field 'id': missing: every host needs a stable id");
  std::set<std::string> required;
  for (const Field<Connection>& f : connection_fields()) {
    if (f.required) required.insert(f.path);
  }
  CHECK(required == std::set<std::string>{"source", "target"});
  json document = document_with({{"id", "a"}});
  document["connections"] = json::array({{{"source", "a"}, {"port", 5432}}});
  CHECK(error_of(document) == "connection 0: field 'target': missing");
}

TEST_CASE("protocol fleet: every connection row round-trips and is always written") {
  const json connection = {{"source", "a"},
                           {"target", "b"},
                           {"port", 443},
                           {"connections_per_day", 12.5},
                           {"bytes_per_day", 1e6}};
  json document = document_with({{"id", "a"}});
  document["connections"] = json::array({connection});
  const json written = fleet_to_json(fleet_from_json(document))["connections"][0];
  CHECK(written == connection);
  for (const Field<Connection>& f : connection_fields()) CHECK(written.contains(f.path));
  Fleet empty;
  empty.connections.emplace_back();
  const json zero = fleet_to_json(empty)["connections"][0];
  CHECK(zero.size() == connection_fields().size());
}

TEST_CASE(
    "protocol fleet: a present but empty utilisation object is kept; empty lists are not "
    "written") {
  Host h;
  h.id = "h1";
  h.utilisation.emplace();
  const json written = host_to_json(h);
  CHECK(written == json{{"id", "h1"}, {"utilisation", json::object()}});
  const Fleet back = fleet_from_json(document_with(written));
  CHECK(back.hosts.at(0).utilisation.has_value());
  CHECK(host_with_every_slot().disks.size() == 1);
}

TEST_CASE("protocol fleet: the format doc lists every row of the table") {
  std::ifstream in(std::string(SAHAB_SOURCE_DIR) + "/docs/fleet-format.md");
  REQUIRE(in.good());
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto listed = [&doc](std::string path, std::string_view unit) {
    // Percentile rows are listed once per metric: utilisation.cpu_ratio.{p50,p90,p95,p99,max}.
    if (path.starts_with("utilisation.") && std::count(path.begin(), path.end(), '.') == 2)
      path = path.substr(0, path.rfind('.')) + ".{p50,p90,p95,p99,max}";
    const auto row = doc.find("| `" + path + "` |");
    if (row == std::string::npos) return false;
    const std::string line = doc.substr(row, doc.find('\n', row) - row);
    return line.find(" " + std::string(unit) + " ") != std::string::npos;
  };
  for (const Field<Host>& f : host_fields()) CHECK_MESSAGE(listed(f.path, f.unit), f.path);
  for (const Field<Connection>& f : connection_fields())
    CHECK_MESSAGE(listed(f.path, f.unit), f.path);
}

TEST_CASE("protocol fleet: a builder may refuse one host and take the next") {
  FleetBuilder builder("2026-12-05T00:00:00Z");
  builder.add_host({{"id", "a"}, {"cpu", {{"cores", 4}}}});
  CHECK(builder.add_host_or_refuse({{"id", "b"}, {"cpu", {{"cores", 0}}}}) ==
        "field 'cpu.cores': expected a number between 1 and 65536, got 0.0");
  json deep = 1;
  for (int i = 0; i < 70; ++i) deep = json::array({deep});
  const auto too_deep = builder.add_host_or_refuse({{"id", "c"}}, json{{"x", deep}}.dump());
  REQUIRE(too_deep);
  CHECK(too_deep->ends_with("nested deeper than 64 levels"));
  CHECK_FALSE(builder.add_host_or_refuse({{"id", "d"}}, R"({"memory_bytes": 1024})"));
  // Once past add_host_or_refuse, a problem stops the fleet again.
  CHECK_THROWS_WITH_AS(builder.add_host({{"id", "e"}, {"cpu", {{"cores", 0}}}}),
                       "host 2 (id 'e'): field 'cpu.cores': expected a number between 1 and "
                       "65536, got 0.0",
                       FleetError);
}

TEST_CASE("protocol fleet: the hosts a builder took are those it did not refuse") {
  FleetBuilder builder("2026-12-05T00:00:00Z");
  builder.add_host({{"id", "a"}});
  CHECK(builder.add_host_or_refuse({{"id", "b"}, {"memory_bytes", "lots"}}));
  CHECK_FALSE(builder.add_host_or_refuse({{"id", "c"}}));
  const Fleet fleet = builder.finish();
  REQUIRE(fleet.hosts.size() == 2);
  CHECK(fleet.hosts[0].id == "a");
  CHECK(fleet.hosts[1].id == "c");
}
