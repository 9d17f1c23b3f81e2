#include "common/bounded_json.h"

#include "common/log.h"

namespace sahab::bounded_json {
namespace {
using nlohmann::json;
using DomBuilder = nlohmann::detail::json_sax_dom_parser<json>;

// Checks every event against the limits, then hands it on to nlohmann's own tree builder.
template <typename Sink>
class Limited {
 public:
  template <typename... SinkArgs>
  explicit Limited(const Limits& limits, SinkArgs&&... sink_args)
      : sink_(std::forward<SinkArgs>(sink_args)...), limits_(limits) {}

  bool null() { return counted() && sink_.null(); }
  bool boolean(bool v) { return counted() && sink_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return counted() && sink_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return counted() && sink_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return counted() && sink_.number_float(v, s);
  }
  bool string(json::string_t& v) { return counted() && sized(v, "a string") && sink_.string(v); }
  bool binary(json::binary_t&) { return refuse("binary values are not JSON"); }
  bool key(json::string_t& k) { return counted() && sized(k, "a key") && sink_.key(k); }
  bool start_object(std::size_t n) { return opened() && sink_.start_object(n); }
  bool start_array(std::size_t n) { return opened() && sink_.start_array(n); }
  bool end_object() {
    --depth_;
    return sink_.end_object();
  }
  bool end_array() {
    --depth_;
    return sink_.end_array();
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    // nlohmann's messages start with "[json.exception.parse_error.101] "; the rest names the
    // problem and the place.
    std::string what = e.what();
    if (const auto close = what.find("] ");
        what.starts_with("[json.") && close != std::string::npos)
      what.erase(0, close + 2);
    return refuse("not valid JSON at byte " + std::to_string(position) + ": " + what);
  }

  const std::string& problem() const { return problem_; }

 private:
  bool refuse(std::string why) {
    if (problem_.empty()) problem_ = std::move(why);
    return false;
  }
  bool counted() {
    if (++values_ <= limits_.max_values) return true;
    return refuse("more than " + std::to_string(limits_.max_values) + " values");
  }
  bool sized(const std::string& s, const char* what) {
    if (s.size() <= limits_.max_string_bytes) return true;
    return refuse(std::string(what) + " longer than " + std::to_string(limits_.max_string_bytes) +
                  " bytes");
  }
  bool opened() {
    if (!counted()) return false;
    if (++depth_ <= limits_.max_depth) return true;
    return refuse("nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }

  Sink sink_;
  const Limits& limits_;
  std::size_t depth_ = 0;
  std::size_t values_ = 0;
  std::string problem_;
};

}  // namespace

json parse(std::string_view text, const Limits& limits) {
  json result;
  Limited<DomBuilder> builder(limits, result, false);
  const bool ok = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json,
                                  /*strict=*/true);
  if (!ok) throw Error(builder.problem().empty() ? "not valid JSON" : builder.problem());
  return result;
}

std::optional<json> parse_stored(std::string_view text, std::string_view what) {
  try {
    return parse(text, kStoredDocument);
  } catch (const Error& e) {
    log::warn("store: unreadable " + std::string(what) + " skipped: " + e.what());
    return std::nullopt;
  }
}

json parse_stored_or(std::string_view text, std::string_view what, json fallback) {
  auto parsed = parse_stored(text, what);
  return parsed ? std::move(*parsed) : std::move(fallback);
}

}  // namespace sahab::bounded_json
