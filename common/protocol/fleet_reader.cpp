#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>

#include "common/protocol/fleet.h"

namespace sahab::protocol {
namespace {
using nlohmann::json;

std::string range_text(double min, double max) {
  char range[96];
  std::snprintf(range, sizeof range, "expected a number between %g and %g", min, max);
  return range;
}

// What a position in a host or connection object must hold.
enum class Shape { kUnknown, kObject, kArray, kScalar };

// "disks[3].name" -> "disks[].name": the path of a field as the table names it.
void normalise(std::string_view path, std::string& out) {
  out.assign(path);
  if (const auto open = out.find('['); open != std::string::npos) {
    out.erase(open + 1, out.find(']') - open - 1);
  }
}

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The field table of one kind of record, indexed for the reader: what each path must hold, and
// the field behind each leaf.
template <class Record>
class Schema {
 public:
  explicit Schema(std::span<const Field<Record>> fields) {
    for (const Field<Record>& f : fields) {
      if (f.type == FieldType::kLabels) {
        labels_ = &f;
        shapes_.emplace(f.path, Shape::kObject);
      } else {
        shapes_.emplace(f.path, Shape::kScalar);
        leaves_.emplace(f.path, &f);
      }
      if (f.required && f.path.find('[') == std::string::npos) required_.push_back(&f);
      add_containers(f.path);
    }
  }

  // What `path` (normalised) must hold; kUnknown for what the format does not define.
  Shape shape_of(std::string_view path) const {
    if (labels_ && is_label(path)) return Shape::kScalar;
    const auto it = shapes_.find(path);
    return it == shapes_.end() ? Shape::kUnknown : it->second;
  }
  const Field<Record>* leaf(std::string_view path) const {
    const auto it = leaves_.find(path);
    return it == leaves_.end() ? nullptr : it->second;
  }
  // A member of the labels object ("labels.region").
  bool is_label(std::string_view path) const {
    return labels_ && path.size() > labels_->path.size() && path.starts_with(labels_->path) &&
           path[labels_->path.size()] == '.';
  }
  const Field<Record>& labels() const { return *labels_; }
  const std::vector<const Field<Record>*>& required() const { return required_; }

 private:
  // "utilisation.cpu_ratio.p50" makes "utilisation" and "utilisation.cpu_ratio" objects;
  // "disks[].name" makes "disks" an array and "disks[]" (an element) an object.
  void add_containers(std::string_view path) {
    for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
      const std::string_view container = path.substr(0, dot);
      shapes_.emplace(container, Shape::kObject);
      if (container.ends_with("[]")) {
        shapes_.emplace(container.substr(0, container.size() - 2), Shape::kArray);
      }
    }
  }

  std::unordered_map<std::string, Shape, TransparentHash, std::equal_to<>> shapes_;
  std::unordered_map<std::string, const Field<Record>*, TransparentHash, std::equal_to<>> leaves_;
  const Field<Record>* labels_ = nullptr;
  std::vector<const Field<Record>*> required_;
};

const Schema<Host>& host_schema() {
  static const Schema<Host> schema(host_fields());
  return schema;
}
const Schema<Connection>& connection_schema() {
  static const Schema<Connection> schema(connection_fields());
  return schema;
}

// A SAX handler that fills Host and Connection structs straight from the parser's events: no
// JSON tree is built, so a 100,000-host fleet parses in one pass with little memory. What each
// field must be comes from the field table (fleet_fields.cpp): unknown fields are skipped (newer
// writers may add some); known fields are type- and range-checked, and the first problem of a
// host is reported with the host's index and id.
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

  // Problems of an element are reported without naming the element ("field 'cpu.cores': ..."),
  // for callers that check one host at a time and name it themselves.
  bool bare_errors = false;
  // A host with a problem is left out and its problem kept in `refused`, rather than stopping
  // the whole document: for callers that add hosts one by one and decide what to do with one.
  bool refuse_hosts_one_by_one = false;
  std::optional<std::string> refused;

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
  bool in_hosts() const { return section() == "hosts"; }

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

  Shape shape_of(std::string_view normalised) const {
    return in_hosts() ? host_schema().shape_of(normalised)
                      : connection_schema().shape_of(normalised);
  }

  bool open(Shape shape) {
    // Skipped values count too: a document nested a million levels inside an unknown field is
    // refused at level 65 rather than walked (the collector's bounded parser allows 64 as well).
    if (depth() + static_cast<std::size_t>(skip_) >= kMaxFleetDepth) {
      if (!refuse_hosts_one_by_one || depth() < 3)
        throw FleetError("fleet: nested deeper than " + std::to_string(kMaxFleetDepth) + " levels");
      // Inside one host: that host is refused, and the rest of its value skipped (the parser's
      // own stack grows with the text, which its caller has bounded).
      if (error_.empty())
        error_ = "nested deeper than " + std::to_string(kMaxFleetDepth) + " levels";
      if (skip_ == 0) return skip_ = 1, true;
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
    normalise(path, normalised_);
    const Shape want = unusable_member() ? Shape::kUnknown : shape_of(normalised_);
    if (want != shape) {  // unknown, or the wrong kind: skipped (close() advances past it)
      if (want != Shape::kUnknown) {
        problem(path, want == Shape::kScalar  ? "expected a single value"
                      : want == Shape::kArray ? "expected an array"
                                              : "expected an object");
      }
      skip_ = 1;
      return true;
    }
    if (depth() == 4 && normalised_.ends_with("[]")) {  // an element of one of the host's lists
      host_list(std::string_view(normalised_).substr(0, normalised_.size() - 2))->append(host_);
    }
    if (normalised_ == kUtilisationObject && !host_.utilisation) host_.utilisation.emplace();
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
      const std::string& path = child_path();
      normalise(path, normalised_);
      if (in_hosts()) {
        field(host_schema(), host_, path, v);
      } else {
        field(connection_schema(), connection_, path, v);
      }
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

  void begin_element() {
    error_.clear();
    if (in_hosts()) {
      host_ = Host{};
    } else {
      connection_ = Connection{};
    }
  }

  template <class Record>
  void check_required(const Schema<Record>& schema, Record& record) {
    for (const Field<Record>* f : schema.required()) {
      if (!error_.empty()) return;
      const FieldSlot slot = f->slot(record, 0);
      const auto* text = std::get_if<std::string*>(&slot);
      if (text && (*text)->empty()) {
        fail_at(f->path, *f->required ? std::string("missing: ") + f->required : "missing");
      }
    }
  }

  void end_element() {
    const bool hosts = in_hosts();
    const std::size_t index = hosts ? fleet.hosts.size() : fleet.connections.size();
    std::string where = (hosts ? "host " : "connection ") + std::to_string(index);
    if (hosts) {
      check_required(host_schema(), host_);
      if (!host_.id.empty()) where += " (id '" + host_.id + "')";
      for (std::size_t i = 0; error_.empty() && i < host_.disks.size(); ++i) {
        const Disk& d = host_.disks[i];
        if (d.size_bytes && d.used_bytes && *d.used_bytes > *d.size_bytes) {
          fail_at("disks[" + std::to_string(i) + "].used_bytes", "larger than size_bytes");
        }
      }
    } else {
      check_required(connection_schema(), connection_);
    }
    if (!error_.empty() && hosts && refuse_hosts_one_by_one) {
      refused = error_;
      return;
    }
    if (!error_.empty()) throw FleetError(bare_errors ? error_ : where + ": " + error_);
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

  // A scalar of an element, at `path` (normalised in normalised_).
  template <class Record>
  void field(const Schema<Record>& schema, Record& record, const std::string& path,
             const Value& v) {
    if (schema.is_label(normalised_)) {
      std::string value;
      auto* labels = std::get<std::map<std::string, std::string>*>(schema.labels().slot(record, 0));
      if (v.kind != Value::kNull && text(path, v, value))
        (*labels)[path.substr(schema.labels().path.size() + 1)] = std::move(value);
      return;
    }
    const Field<Record>* f = schema.leaf(normalised_);
    if (!f) {  // a value where an object or array belongs ("labels": "x", "disks": [3]), or unknown
      const Shape want = schema.shape_of(normalised_);
      if (want != Shape::kUnknown && v.kind != Value::kNull)
        problem(path, want == Shape::kObject ? "expected an object" : "expected an array");
      return;
    }
    // A list's field belongs to the element being read: the list's frame counts its elements.
    const std::size_t element = depth() >= 5 ? frames_[3].index : 0;
    assign(*f, f->slot(record, element), path, v);
  }

  template <class Record>
  void assign(const Field<Record>& f, const FieldSlot& slot, const std::string& path,
              const Value& v) {
    if (f.type == FieldType::kText) {
      text(path, v, *std::get<std::string*>(slot));
      return;
    }
    const std::optional<double> n = number_in(path, v, f.min, f.max);
    if (n && f.type == FieldType::kWholeNumber && *n != std::floor(*n))
      return problem(path, "expected a whole number");
    std::visit(
        [&n](auto* target) {
          using Target = std::remove_pointer_t<decltype(target)>;
          if constexpr (std::is_same_v<Target, std::optional<double>>) {
            *target = n;
          } else if constexpr (std::is_same_v<Target, std::optional<int>>) {
            *target = n ? std::optional<int>(static_cast<int>(*n)) : std::nullopt;
          } else if constexpr (std::is_same_v<Target, int> || std::is_same_v<Target, double>) {
            *target = static_cast<Target>(n.value_or(0));
          }
        },
        slot);
  }

  std::vector<Frame> frames_;
  std::string path_;  // path of the innermost open container inside the element
  std::string scratch_;
  std::string normalised_;
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

// replay's work: the events of `value`, each key and string handed over in `text` (the SAX
// interface takes them mutable), which keeps its capacity from one to the next rather than
// allocating a copy of each (the collector checks every host it exports this way).
void replay_with(const json& value, json::json_sax_t& sax, std::string& text) {
  switch (value.type()) {
    case json::value_t::object:
      sax.start_object(value.size());
      for (auto it = value.begin(); it != value.end(); ++it) {
        text.assign(it.key());
        sax.key(text);
        replay_with(*it, sax, text);
      }
      sax.end_object();
      return;
    case json::value_t::array:
      sax.start_array(value.size());
      for (const auto& element : value) replay_with(element, sax, text);
      sax.end_array();
      return;
    case json::value_t::string:
      text.assign(value.get_ref<const std::string&>());
      sax.string(text);
      return;
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

// Sends a JSON value to `sax` as the events the parser gives for its dump() text: a tree is
// read exactly as if written and read back, without the text. dump() writes non-finite numbers
// as null, and nothing parses back from a discarded (or binary) value. `sax` must not keep a
// key or string it is handed beyond its call.
void replay(const json& value, json::json_sax_t& sax) {
  std::string text;
  replay_with(value, sax, text);
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

std::optional<std::string> FleetBuilder::add_host_or_refuse(const json& fields,
                                                            std::string_view base) {
  FleetReader& reader = state_->reader;
  reader.refuse_hosts_one_by_one = true;
  reader.refused.reset();
  struct Restore {
    FleetReader& reader;
    ~Restore() { reader.refuse_hosts_one_by_one = false; }
  } restore{reader};
  add_host(fields, base);
  return std::exchange(reader.refused, std::nullopt);
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

Host host_from_json(const json& host) {
  FleetReader reader;
  reader.bare_errors = true;
  std::string key = "hosts";
  reader.start_object(1);
  reader.key(key);
  reader.start_array(1);
  replay(host, reader);
  if (reader.fleet.hosts.size() != 1) throw FleetError("expected a host object");
  return std::move(reader.fleet.hosts.front());
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

}  // namespace sahab::protocol
