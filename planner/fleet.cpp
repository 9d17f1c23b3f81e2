#include "planner/fleet.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace sahab::planner {
namespace {
using nlohmann::json;

constexpr double kAny = std::numeric_limits<double>::max();
// Objects and arrays nested in a fleet document; a real one nests 5 levels.
constexpr std::size_t kMaxFleetDepth = 64;

std::string range_text(double min, double max) {
  char range[96];
  std::snprintf(range, sizeof range, "expected a number between %g and %g", min, max);
  return range;
}

Percentiles* percentiles_named(Utilisation& u, std::string_view name, double* max) {
  *max = kAny;
  if (name == "cpu_ratio") return *max = 1, &u.cpu_ratio;
  if (name == "memory_ratio") return *max = 1, &u.memory_ratio;
  if (name == "disk_read_iops") return &u.disk_read_iops;
  if (name == "disk_write_iops") return &u.disk_write_iops;
  if (name == "disk_read_bytes_per_second") return &u.disk_read_bytes_per_second;
  if (name == "disk_write_bytes_per_second") return &u.disk_write_bytes_per_second;
  if (name == "network_receive_bytes_per_second") return &u.network_receive_bytes_per_second;
  if (name == "network_transmit_bytes_per_second") return &u.network_transmit_bytes_per_second;
  return nullptr;
}

std::optional<double>* percentile_named(Percentiles& p, std::string_view name) {
  if (name == "p50") return &p.p50;
  if (name == "p90") return &p.p90;
  if (name == "p95") return &p.p95;
  if (name == "p99") return &p.p99;
  if (name == "max") return &p.max;
  return nullptr;
}

// What a position in a host or connection object must hold.
enum class Shape { kUnknown, kObject, kArray, kScalar };

// A SAX handler that fills Host and Connection structs straight from the parser's events: no
// JSON tree is built, so a 100,000-host fleet parses in one pass with little memory. Unknown
// fields are skipped (newer writers may add some); known fields are type- and range-checked,
// and the first problem of a host is reported with the host's index and id.
class FleetReader : public nlohmann::json_sax<json> {
 public:
  Fleet fleet;

  bool null() override { return scalar(Value{}); }
  bool boolean(bool) override { return scalar(Value{Value::kOther}); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool string(string_t& v) override {
    Value value{Value::kString};
    value.text = &v;
    return scalar(value);
  }
  bool binary(binary_t&) override { return scalar(Value{Value::kOther}); }

  bool start_object(std::size_t) override { return open(Shape::kObject); }
  bool start_array(std::size_t) override { return open(Shape::kArray); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    frames_.back().key = k;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    throw FleetError("fleet: not valid JSON at byte " + std::to_string(position) + ": " + e.what());
  }

  void finish() {
    if (!format_seen_)
      throw FleetError(std::string("fleet: field 'format': expected \"") + kFleetFormat + "\"");
  }

 private:
  struct Value {
    enum Kind { kNull, kNumber, kString, kOther } kind = kNull;
    double number = 0;
    const std::string* text = nullptr;
  };
  struct Frame {
    Shape shape;
    std::string key;            // current key, in objects
    std::size_t index = 0;      // next element, in arrays
    std::size_t path_size = 0;  // length of path_ when this frame opened
  };

  bool number(double v) {
    Value value{Value::kNumber};
    value.number = v;
    return scalar(value);
  }

  // Depth 1 is the document, 2 the hosts/connections arrays, 3 an element, deeper its fields.
  std::size_t depth() const { return frames_.size(); }
  const std::string& section() const { return frames_[0].key; }
  bool in_element() const {
    return depth() >= 3 && (section() == "hosts" || section() == "connections");
  }

  // A member of a host or connection named "" or with '[' or ']' ("disks[9]": {...}) is no field
  // of the format, and its path would be empty or read as an array element that does not exist:
  // skipped.
  bool unusable_member() const {
    const std::string& key = frames_.back().key;
    return depth() == 3 && (key.empty() || key.find_first_of("[]") != std::string::npos);
  }

  // The dotted path of the value about to be read, relative to the element ("cpu.cores").
  // Built in a reused buffer: this runs for every value of a 100,000-host document.
  const std::string& child_path() {
    std::string& path = scratch_;
    path.assign(path_);
    const Frame& f = frames_.back();
    if (f.shape == Shape::kObject) {
      if (!path.empty()) path += '.';
      path += f.key;
    } else {
      char index[24];
      const int n = std::snprintf(index, sizeof index, "[%zu]", f.index);
      path.append(index, static_cast<std::size_t>(n));
    }
    return path;
  }

  bool open(Shape shape) {
    // Skipped values count too: a document nested a million levels inside an unknown field is
    // refused at level 65 rather than walked (the collector's bounded parser allows 64 as well).
    if (depth() + static_cast<std::size_t>(skip_) >= kMaxFleetDepth) {
      throw FleetError("fleet: nested deeper than " + std::to_string(kMaxFleetDepth) + " levels");
    }
    if (skip_ > 0) return ++skip_, true;
    if (depth() == 0) {
      if (shape != Shape::kObject) throw FleetError("fleet: expected a JSON object");
      frames_.push_back({shape, {}, 0, 0});
      return true;
    }
    if (depth() == 1) {
      const std::string& k = section();
      if (k == "hosts" || k == "connections") {
        if (shape != Shape::kArray) throw FleetError("fleet: field '" + k + "': expected an array");
        frames_.push_back({shape, {}, 0, 0});
      } else {
        skip_ = 1;
      }
      return true;
    }
    if (depth() == 2) {
      if (shape != Shape::kObject) element_not_object();
      begin_element();
      frames_.push_back({shape, {}, 0, path_.size()});
      return true;
    }
    const std::string path = child_path();  // a copy: it becomes path_ below
    const Shape want = unusable_member() ? Shape::kUnknown : shape_of(path);
    if (want != shape) {  // unknown, or the wrong kind: skipped (close() advances past it)
      if (want != Shape::kUnknown) {
        problem(path, want == Shape::kScalar  ? "expected a single value"
                      : want == Shape::kArray ? "expected an array"
                                              : "expected an object");
      }
      skip_ = 1;
      return true;
    }
    if (path.starts_with("disks[") && depth() == 4) host_.disks.emplace_back();
    if (path.starts_with("software[") && depth() == 4) host_.software.emplace_back();
    if (path.starts_with("listening[") && depth() == 4) host_.listening.emplace_back();
    if (path.starts_with("services[") && depth() == 4) host_.services.emplace_back();
    if (path == "utilisation" && !host_.utilisation) host_.utilisation.emplace();
    const std::size_t before = path_.size();
    path_ = path;
    frames_.push_back({shape, {}, 0, before});
    return true;
  }

  bool close() {
    if (skip_ > 0) {
      if (--skip_ == 0) advance();
      return true;
    }
    const Frame frame = frames_.back();
    frames_.pop_back();
    path_.resize(frame.path_size);
    if (depth() == 2) end_element();
    advance();
    return true;
  }

  // Moves an array frame to its next element once a value has been read.
  void advance() {
    if (!frames_.empty() && frames_.back().shape == Shape::kArray) ++frames_.back().index;
  }

  bool scalar(const Value& v) {
    if (skip_ > 0) return true;
    if (depth() == 0) throw FleetError("fleet: expected a JSON object");  // "1", "null", "\"x\""
    if (depth() == 1) {
      top_level(v);
    } else if (depth() == 2) {
      element_not_object();
    } else if (!unusable_member()) {
      field(child_path(), v);
    }
    advance();
    return true;
  }

  void top_level(const Value& v) {
    const std::string& k = section();
    if (k == "format") {
      if (v.kind != Value::kString || *v.text != kFleetFormat) {
        throw FleetError(std::string("fleet: field 'format': expected \"") + kFleetFormat + "\"");
      }
      format_seen_ = true;
    } else if (k == "generated_at") {
      if (v.kind == Value::kString) fleet.generated_at = *v.text;
    } else if ((k == "hosts" || k == "connections") && v.kind != Value::kNull) {
      throw FleetError("fleet: field '" + k + "': expected an array");
    }
  }

  [[noreturn]] void element_not_object() const {
    throw FleetError("fleet: field '" + section() + "': every element must be an object");
  }

  static Shape shape_of(std::string_view path) {
    auto element = [](std::string_view p, std::string_view array) {
      return p.size() > array.size() + 1 && p.starts_with(array) && p[array.size()] == '[' &&
             p.back() == ']' && p.find('.') == std::string_view::npos;
    };
    if (path == "labels" || path == "os" || path == "cpu" || path == "site" ||
        path == "utilisation")
      return Shape::kObject;
    if (path == "disks" || path == "software" || path == "listening" || path == "services")
      return Shape::kArray;
    if (element(path, "disks") || element(path, "software") || element(path, "listening") ||
        element(path, "services"))
      return Shape::kObject;
    if (path.starts_with("utilisation.")) {
      const auto rest = path.substr(12);
      if (rest == "window_days" || rest == "coverage" || rest == "source") return Shape::kScalar;
      double max = 0;
      Utilisation u;
      const auto dot = rest.find('.');
      if (percentiles_named(u, rest.substr(0, dot), &max))
        return dot == std::string_view::npos ? Shape::kObject : Shape::kScalar;
      return Shape::kUnknown;
    }
    if (path.starts_with("labels.")) return Shape::kScalar;
    static const std::unordered_set<std::string_view> kLeaves = {"id",
                                                                 "hostname",
                                                                 "os.family",
                                                                 "os.name",
                                                                 "os.version",
                                                                 "os.arch",
                                                                 "cpu.cores",
                                                                 "cpu.model",
                                                                 "cpu.mhz",
                                                                 "memory_bytes",
                                                                 "site.uplink_mbps",
                                                                 "disks[].name",
                                                                 "disks[].size_bytes",
                                                                 "disks[].used_bytes",
                                                                 "software[].name",
                                                                 "software[].version",
                                                                 "software[].evidence",
                                                                 "services[].name",
                                                                 "services[].state",
                                                                 "listening[].port",
                                                                 "listening[].protocol",
                                                                 "listening[].process",
                                                                 "source",
                                                                 "target",
                                                                 "port",
                                                                 "connections_per_day",
                                                                 "bytes_per_day"};
    std::string normalised(path);  // "disks[3].name" -> "disks[].name"
    if (const auto open = normalised.find('['); open != std::string::npos) {
      normalised.erase(open + 1, normalised.find(']') - open - 1);
    }
    return kLeaves.count(normalised) ? Shape::kScalar : Shape::kUnknown;
  }

  void begin_element() {
    error_.clear();
    if (section() == "hosts") {
      host_ = Host{};
    } else {
      connection_ = Connection{};
    }
  }

  void end_element() {
    const bool hosts = section() == "hosts";
    const std::size_t index = hosts ? fleet.hosts.size() : fleet.connections.size();
    std::string where = (hosts ? "host " : "connection ") + std::to_string(index);
    if (hosts) {
      if (error_.empty() && host_.id.empty())
        fail_at("id", "missing: every host needs a stable id");
      if (!host_.id.empty()) where += " (id '" + host_.id + "')";
      for (std::size_t i = 0; error_.empty() && i < host_.disks.size(); ++i) {
        const Disk& d = host_.disks[i];
        if (d.size_bytes && d.used_bytes && *d.used_bytes > *d.size_bytes) {
          fail_at("disks[" + std::to_string(i) + "].used_bytes", "larger than size_bytes");
        }
      }
    } else {
      if (error_.empty() && connection_.source.empty()) fail_at("source", "missing");
      if (error_.empty() && connection_.target.empty()) fail_at("target", "missing");
    }
    if (!error_.empty()) throw FleetError(where + ": " + error_);
    if (hosts) {
      fleet.hosts.push_back(std::move(host_));
    } else {
      fleet.connections.push_back(std::move(connection_));
    }
  }

  void fail_at(const std::string& field, const std::string& why) {
    if (error_.empty()) error_ = "field '" + field + "': " + why;
  }
  void problem(const std::string& field, const std::string& why) { fail_at(field, why); }

  bool text(const std::string& path, const Value& v, std::string& target) {
    if (v.kind == Value::kNull) return true;
    if (v.kind != Value::kString) {
      problem(path, "expected a string");
      return false;
    }
    target = *v.text;
    return true;
  }

  std::optional<double> number_in(const std::string& path, const Value& v, double min, double max) {
    if (v.kind == Value::kNull) return std::nullopt;
    if (v.kind != Value::kNumber) {
      problem(path, "expected a number");
      return std::nullopt;
    }
    if (!std::isfinite(v.number) || v.number < min || v.number > max) {
      problem(path, range_text(min, max) + ", got " + json(v.number).dump());
      return std::nullopt;
    }
    return v.number;
  }

  // Index and field of "disks[3].size_bytes".
  static std::pair<std::size_t, std::string_view> item(std::string_view path) {
    const auto open = path.find('['), close = path.find(']');
    const auto dot = path.find('.', close);
    return {std::stoul(std::string(path.substr(open + 1, close - open - 1))),
            dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1)};
  }

  void field(const std::string& path, const Value& v) {
    if (section() == "connections") return connection_field(path, v);
    // A value where an object or array belongs ("labels": "x", "disks": [3]).
    if (path.back() == ']' || path.find('.') == std::string::npos) {
      if (const Shape want = shape_of(path); want == Shape::kObject || want == Shape::kArray) {
        if (v.kind != Value::kNull)
          problem(path, want == Shape::kObject ? "expected an object" : "expected an array");
        return;
      }
    }
    Host& h = host_;
    if (path == "id") {
      text(path, v, h.id);
    } else if (path == "hostname") {
      text(path, v, h.hostname);
    } else if (path.starts_with("labels.")) {
      std::string value;
      if (v.kind != Value::kNull && text(path, v, value))
        h.labels[path.substr(7)] = std::move(value);
    } else if (path == "os.family") {
      text(path, v, h.os_family);
    } else if (path == "os.name") {
      text(path, v, h.os_name);
    } else if (path == "os.version") {
      text(path, v, h.os_version);
    } else if (path == "os.arch") {
      text(path, v, h.arch);
    } else if (path == "cpu.cores") {
      if (const auto cores = number_in(path, v, 1, 65536)) {
        if (*cores != std::floor(*cores)) return problem(path, "expected a whole number");
        h.cpu_cores = static_cast<int>(*cores);
      }
    } else if (path == "cpu.model") {
      text(path, v, h.cpu_model);
    } else if (path == "cpu.mhz") {
      h.cpu_mhz = number_in(path, v, 0, kAny);
    } else if (path == "memory_bytes") {
      h.memory_bytes = number_in(path, v, 0, kAny);
    } else if (path == "site.uplink_mbps") {
      h.uplink_mbps = number_in(path, v, 0.001, 1e6);
    } else if (path.starts_with("utilisation.")) {
      utilisation_field(path, v);
    } else if (path.starts_with("disks[")) {
      const auto [i, name] = item(path);
      Disk& d = h.disks.at(i);
      if (name == "name") text(path, v, d.name);
      if (name == "size_bytes") d.size_bytes = number_in(path, v, 0, kAny);
      if (name == "used_bytes") d.used_bytes = number_in(path, v, 0, kAny);
    } else if (path.starts_with("software[")) {
      const auto [i, name] = item(path);
      if (name == "name") text(path, v, h.software.at(i).name);
      if (name == "version") text(path, v, h.software.at(i).version);
      if (name == "evidence") text(path, v, h.software.at(i).evidence);
    } else if (path.starts_with("services[")) {
      const auto [i, name] = item(path);
      if (name == "name") text(path, v, h.services.at(i).name);
      if (name == "state") text(path, v, h.services.at(i).state);
    } else if (path.starts_with("listening[")) {
      const auto [i, name] = item(path);
      Listening& l = h.listening.at(i);
      if (name == "port") l.port = static_cast<int>(number_in(path, v, 0, 65535).value_or(0));
      if (name == "protocol") text(path, v, l.protocol);
      if (name == "process") text(path, v, l.process);
    }
  }

  void utilisation_field(const std::string& path, const Value& v) {
    Utilisation& u = *host_.utilisation;
    const std::string_view rest = std::string_view(path).substr(12);
    if (rest == "window_days") {
      u.window_days = number_in(path, v, 0, 3660);
      return;
    }
    if (rest == "coverage") {
      u.coverage = number_in(path, v, 0, 1);
      return;
    }
    if (rest == "source") {
      text(path, v, u.source);
      return;
    }
    const auto dot = rest.find('.');
    double max = 0;
    Percentiles* p = percentiles_named(u, rest.substr(0, dot), &max);
    if (!p) return;
    if (dot == std::string_view::npos) return problem(path, "expected an object");
    if (auto* slot = percentile_named(*p, rest.substr(dot + 1))) *slot = number_in(path, v, 0, max);
  }

  void connection_field(const std::string& path, const Value& v) {
    Connection& c = connection_;
    if (path == "source") text(path, v, c.source);
    if (path == "target") text(path, v, c.target);
    if (path == "port") c.port = static_cast<int>(number_in(path, v, 0, 65535).value_or(0));
    if (path == "connections_per_day")
      c.connections_per_day = number_in(path, v, 0, kAny).value_or(0);
    if (path == "bytes_per_day") c.bytes_per_day = number_in(path, v, 0, kAny).value_or(0);
  }

  std::vector<Frame> frames_;
  std::string path_;  // path of the innermost open container inside the element
  std::string scratch_;
  int skip_ = 0;  // > 0 while skipping an unknown value
  bool format_seen_ = false;
  Host host_;
  Connection connection_;
  std::string error_;
};

void check_unique_ids(const Fleet& fleet) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(fleet.hosts.size());
  for (std::size_t i = 0; i < fleet.hosts.size(); ++i) {
    if (!seen.insert(fleet.hosts[i].id).second) {
      throw FleetError("host " + std::to_string(i) + " (id '" + fleet.hosts[i].id +
                       "'): field 'id': duplicate of an earlier host");
    }
  }
}

// The fleet a reader has read a whole document into, once the document-wide checks pass.
Fleet finished(FleetReader& reader) {
  reader.finish();
  check_unique_ids(reader.fleet);
  return std::move(reader.fleet);
}

// Sends a JSON value to `sax` as the events the parser gives for its dump() text: a tree is
// read exactly as if written and read back, without the text. dump() writes non-finite numbers
// as null, and nothing parses back from a discarded (or binary) value.
void replay(const json& value, json::json_sax_t& sax) {
  switch (value.type()) {
    case json::value_t::object:
      sax.start_object(value.size());
      for (auto it = value.begin(); it != value.end(); ++it) {
        std::string key = it.key();
        sax.key(key);
        replay(*it, sax);
      }
      sax.end_object();
      return;
    case json::value_t::array:
      sax.start_array(value.size());
      for (const auto& element : value) replay(element, sax);
      sax.end_array();
      return;
    case json::value_t::string: {
      std::string text = value.get_ref<const std::string&>();
      sax.string(text);
      return;
    }
    case json::value_t::number_float: {
      const double number = value.get<double>();
      std::string no_text;
      std::isfinite(number) ? sax.number_float(number, no_text) : sax.null();
      return;
    }
    case json::value_t::number_integer:
      sax.number_integer(value.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned:
      sax.number_unsigned(value.get<std::uint64_t>());
      return;
    case json::value_t::boolean:
      sax.boolean(value.get<bool>());
      return;
    case json::value_t::null:
      sax.null();
      return;
    case json::value_t::binary:
    case json::value_t::discarded:
      throw FleetError("fleet: not valid JSON: a value that is not JSON");
  }
}

// Passes on the parser's events for the JSON object text `base` with the members of `fields` in
// place of its own of the same names, in key order: the events of the merged object's dump().
class Overlay : public json::json_sax_t {
 public:
  Overlay(json::json_sax_t& out, const json& fields)
      : out_(out), fields_(fields), next_(fields.begin()) {}

  bool null() override { return dropped_value() || out_.null(); }
  bool boolean(bool v) override { return dropped_value() || out_.boolean(v); }
  bool number_integer(number_integer_t v) override {
    return dropped_value() || out_.number_integer(v);
  }
  bool number_unsigned(number_unsigned_t v) override {
    return dropped_value() || out_.number_unsigned(v);
  }
  bool number_float(number_float_t v, const string_t& s) override {
    return dropped_value() || out_.number_float(v, s);
  }
  bool string(string_t& v) override { return dropped_value() || out_.string(v); }
  bool binary(binary_t& v) override { return dropped_value() || out_.binary(v); }
  bool start_object(std::size_t n) override { return dropped_open() || open(out_.start_object(n)); }
  bool start_array(std::size_t n) override { return dropped_open() || open(out_.start_array(n)); }
  bool end_object() override {
    if (dropped_close()) return true;
    if (depth_ == 1) fields_up_to(nullptr);
    --depth_;
    return out_.end_object();
  }
  bool end_array() override { return dropped_close() || (--depth_, out_.end_array()); }
  bool key(string_t& k) override {
    if (dropping_ > 0) return true;
    if (depth_ != 1) return out_.key(k);
    fields_up_to(&k);
    drop_next_ = fields_.contains(k);
    return drop_next_ || out_.key(k);
  }
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& e) override {
    return out_.parse_error(position, token, e);
  }

 private:
  bool open(bool passed_on) {
    ++depth_;
    return passed_on;
  }
  // Sends the members of `fields` whose keys sort up to `key` (or all of them).
  void fields_up_to(const std::string* key) {
    for (; next_ != fields_.end() && (!key || next_.key() <= *key); ++next_) {
      std::string name = next_.key();
      out_.key(name);
      replay(*next_, out_);
    }
  }
  // Whether an event belongs to a member of `base` that `fields` replaces.
  bool dropped_value() {
    if (dropping_ > 0) return true;
    return std::exchange(drop_next_, false);
  }
  bool dropped_open() {
    if (dropping_ > 0 || std::exchange(drop_next_, false)) return ++dropping_, true;
    return false;
  }
  bool dropped_close() { return dropping_ > 0 && (--dropping_, true); }

  json::json_sax_t& out_;
  const json& fields_;
  json::const_iterator next_;
  int depth_ = 0;           // nesting inside `base`; 1 among its members
  int dropping_ = 0;        // > 0 inside a replaced member's value
  bool drop_next_ = false;  // the next value is a replaced member's
};

}  // namespace

const std::string& Host::label(const std::string& key) const {
  static const std::string kEmpty;
  const auto it = labels.find(key);
  return it == labels.end() ? kEmpty : it->second;
}

Fleet fleet_from_text(std::string_view text) {
  FleetReader reader;
  // Generous reservations from the document's size: untouched capacity costs address space, not
  // memory, and it spares re-growing (and re-faulting) vectors of large structs.
  reader.fleet.hosts.reserve(text.size() / 512 + 16);
  reader.fleet.connections.reserve(text.size() / 96 + 16);
  try {
    json::sax_parse(text.begin(), text.end(), &reader);
  } catch (const json::exception& e) {
    throw FleetError(std::string("fleet: not valid JSON: ") + e.what());
  }
  return finished(reader);
}

// A tree (e.g. an HTTP body already parsed) goes through the same reader, so both paths apply
// exactly the same checks.
Fleet fleet_from_json(const json& document) {
  FleetReader reader;
  replay(document, reader);
  return finished(reader);
}

struct FleetBuilder::State {
  FleetReader reader;
  std::string section;  // the array being filled: "hosts" or "connections"

  void enter(const char* name) {
    if (section == name) return;
    if (!section.empty()) reader.end_array();
    section = name;
    reader.key(section);
    reader.start_array(0);
  }
};

FleetBuilder::FleetBuilder(const std::string& generated_at) : state_(std::make_unique<State>()) {
  FleetReader& r = state_->reader;
  r.start_object(0);
  std::string key = "format", value = kFleetFormat;
  r.key(key);
  r.string(value);
  key = "generated_at";
  value = generated_at;
  r.key(key);
  r.string(value);
}

FleetBuilder::~FleetBuilder() = default;

void FleetBuilder::add_host(const json& fields, std::string_view base) {
  state_->enter("hosts");
  if (base.empty()) return replay(fields, state_->reader);
  Overlay overlay(state_->reader, fields);
  try {
    json::sax_parse(base.begin(), base.end(), &overlay);
  } catch (const json::exception& e) {
    throw FleetError(std::string("fleet: not valid JSON: ") + e.what());
  }
}

void FleetBuilder::add_connection(const json& connection) {
  state_->enter("connections");
  replay(connection, state_->reader);
}

Fleet FleetBuilder::finish() {
  if (!state_->section.empty()) state_->reader.end_array();
  state_->reader.end_object();
  return finished(state_->reader);
}

Fleet load_fleet_file(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw FleetError(file.string() + ": cannot read the file: " + ec.message());
  if (size > kMaxFleetFileBytes) {
    throw FleetError(file.string() + ": larger than the " +
                     std::to_string(kMaxFleetFileBytes >> 20) + " MiB limit");
  }
  // Mapped and prefaulted in one call: on virtual machines, faulting in a freshly allocated
  // buffer page by page costs more than parsing it.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw FleetError(file.string() + ": cannot read the file: " + std::strerror(errno));
  void* data =
      size == 0 ? nullptr : ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (data == MAP_FAILED)
    throw FleetError(file.string() + ": cannot map the file: " + std::strerror(errno));
  struct Unmap {
    void* data;
    std::size_t size;
    ~Unmap() {
      if (data) ::munmap(data, size);
    }
  } unmap{data, size};
  try {
    return fleet_from_text(std::string_view(static_cast<const char*>(data), size));
  } catch (const FleetError& e) {
    throw FleetError(file.string() + ": " + e.what());
  }
}

namespace {

json percentiles_to_json(const Percentiles& p) {
  json out = json::object();
  if (p.p50) out["p50"] = *p.p50;
  if (p.p90) out["p90"] = *p.p90;
  if (p.p95) out["p95"] = *p.p95;
  if (p.p99) out["p99"] = *p.p99;
  if (p.max) out["max"] = *p.max;
  return out;
}

void put_percentiles(json& out, const char* key, const Percentiles& p) {
  json value = percentiles_to_json(p);
  if (!value.empty()) out[key] = std::move(value);
}

}  // namespace

json host_to_json(const Host& host) {
  json h = {{"id", host.id}};
  if (!host.hostname.empty()) h["hostname"] = host.hostname;
  if (!host.labels.empty()) h["labels"] = host.labels;
  json os = json::object();
  if (!host.os_family.empty()) os["family"] = host.os_family;
  if (!host.os_name.empty()) os["name"] = host.os_name;
  if (!host.os_version.empty()) os["version"] = host.os_version;
  if (!host.arch.empty()) os["arch"] = host.arch;
  if (!os.empty()) h["os"] = std::move(os);
  json cpu = json::object();
  if (host.cpu_cores) cpu["cores"] = *host.cpu_cores;
  if (!host.cpu_model.empty()) cpu["model"] = host.cpu_model;
  if (host.cpu_mhz) cpu["mhz"] = *host.cpu_mhz;
  if (!cpu.empty()) h["cpu"] = std::move(cpu);
  if (host.memory_bytes) h["memory_bytes"] = *host.memory_bytes;
  if (!host.disks.empty()) {
    json disks = json::array();
    for (const auto& d : host.disks) {
      json disk = {{"name", d.name}};
      if (d.size_bytes) disk["size_bytes"] = *d.size_bytes;
      if (d.used_bytes) disk["used_bytes"] = *d.used_bytes;
      disks.push_back(std::move(disk));
    }
    h["disks"] = std::move(disks);
  }
  if (host.uplink_mbps) h["site"] = {{"uplink_mbps", *host.uplink_mbps}};
  if (host.utilisation) {
    const Utilisation& u = *host.utilisation;
    json util = json::object();
    if (u.window_days) util["window_days"] = *u.window_days;
    if (u.coverage) util["coverage"] = *u.coverage;
    if (!u.source.empty()) util["source"] = u.source;
    put_percentiles(util, "cpu_ratio", u.cpu_ratio);
    put_percentiles(util, "memory_ratio", u.memory_ratio);
    put_percentiles(util, "disk_read_iops", u.disk_read_iops);
    put_percentiles(util, "disk_write_iops", u.disk_write_iops);
    put_percentiles(util, "disk_read_bytes_per_second", u.disk_read_bytes_per_second);
    put_percentiles(util, "disk_write_bytes_per_second", u.disk_write_bytes_per_second);
    put_percentiles(util, "network_receive_bytes_per_second", u.network_receive_bytes_per_second);
    put_percentiles(util, "network_transmit_bytes_per_second", u.network_transmit_bytes_per_second);
    h["utilisation"] = std::move(util);
  }
  if (!host.software.empty()) {
    json software = json::array();
    for (const auto& s : host.software) {
      json item = {{"name", s.name}, {"version", s.version}};
      if (!s.evidence.empty()) item["evidence"] = s.evidence;
      software.push_back(std::move(item));
    }
    h["software"] = std::move(software);
  }
  if (!host.services.empty()) {
    json services = json::array();
    for (const auto& s : host.services) services.push_back({{"name", s.name}, {"state", s.state}});
    h["services"] = std::move(services);
  }
  if (!host.listening.empty()) {
    json listening = json::array();
    for (const auto& l : host.listening) {
      listening.push_back({{"port", l.port}, {"protocol", l.protocol}, {"process", l.process}});
    }
    h["listening"] = std::move(listening);
  }
  return h;
}

json fleet_to_json(const Fleet& fleet) {
  json document = {{"format", kFleetFormat}};
  if (!fleet.generated_at.empty()) document["generated_at"] = fleet.generated_at;
  json hosts = json::array();
  for (const auto& host : fleet.hosts) hosts.push_back(host_to_json(host));
  document["hosts"] = std::move(hosts);
  json connections = json::array();
  for (const auto& c : fleet.connections) {
    connections.push_back({{"source", c.source},
                           {"target", c.target},
                           {"port", c.port},
                           {"connections_per_day", c.connections_per_day},
                           {"bytes_per_day", c.bytes_per_day}});
  }
  document["connections"] = std::move(connections);
  return document;
}

}  // namespace sahab::planner
