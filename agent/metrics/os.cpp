// os: node_os_info{build_id,id,...,version_id} = 1 and node_os_version{id,id_like,name} from
// <rootfs>/etc/os-release, falling back to <rootfs>/usr/lib/os-release, as node_exporter's
// collector/os_release.go. Values follow os-release(5)'s shell-like quoting, parsed as strictly
// as node_exporter's envparse: a malformed file fails the collector instead of yielding half
// labels.
#include <array>
#include <cctype>
#include <map>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "common/file.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

using Release = std::map<std::string, std::string, std::less<>>;

struct InfoLabel {
  const char* label;
  const char* key;  // os-release variable
};

// node_os_info's labels in node_exporter's order; absent variables give empty values, as there.
constexpr std::array<InfoLabel, 12> kInfoLabels = {{
    {"build_id", "BUILD_ID"},
    {"id", "ID"},
    {"id_like", "ID_LIKE"},
    {"image_id", "IMAGE_ID"},
    {"image_version", "IMAGE_VERSION"},
    {"name", "NAME"},
    {"pretty_name", "PRETTY_NAME"},
    {"variant", "VARIANT"},
    {"variant_id", "VARIANT_ID"},
    {"version", "VERSION"},
    {"version_codename", "VERSION_CODENAME"},
    {"version_id", "VERSION_ID"},
}};

// Unquotes a value: '...' is literal, "..." takes backslash escapes, an unquoted '#' starts a
// comment, and unquoted blanks before it are dropped.
std::string unquote(std::string_view raw, const std::string& where) {
  enum class Mode { plain, single, double_quoted, escape } mode = Mode::plain;
  std::string value;
  size_t significant = 0;  // length of value up to its last non-blank character
  for (char c : raw) {
    switch (mode) {
      case Mode::plain:
        if (c == '\'') {
          mode = Mode::single;
        } else if (c == '"') {
          mode = Mode::double_quoted;
        } else if (c == '#') {
          value.resize(significant);
          return value;
        } else {
          value += c;
          if (c != ' ' && c != '\t') significant = value.size();
        }
        break;
      case Mode::single:
        if (c == '\'') {
          mode = Mode::plain;
        } else {
          value += c;
          significant = value.size();
        }
        break;
      case Mode::double_quoted:
        if (c == '"') {
          mode = Mode::plain;
        } else if (c == '\\') {
          mode = Mode::escape;
        } else {
          value += c;
          significant = value.size();
        }
        break;
      case Mode::escape:
        value += c == 'n' ? '\n' : c == 't' ? '\t' : c;
        significant = value.size();
        mode = Mode::double_quoted;
        break;
    }
  }
  if (mode != Mode::plain) throw CollectorError("unterminated quote in " + where);
  return value;
}

bool valid_key(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Release parse_os_release(std::string_view content, const std::string& path) {
  Release release;
  size_t number = 0;
  text::for_each_line(content, [&](std::string_view line) {
    ++number;
    line = text::trim(line);
    if (line.empty() || line.front() == '#') return;
    const std::string where = path + ":" + std::to_string(number);
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) throw CollectorError("missing '=' in " + where);
    std::string_view key = text::trim(line.substr(0, equals));
    if (key.starts_with("export ")) key = text::trim(key.substr(7));
    if (!valid_key(key)) throw CollectorError("bad variable name in " + where);
    release.insert_or_assign(std::string(key), unquote(text::trim(line.substr(equals + 1)), where));
  });
  return release;
}

// The leading "major.minor" of VERSION_ID ("22.04.3 LTS" -> 22.04), or 0 when it has none.
double major_minor(std::string_view version_id) {
  size_t end = 0;
  while (end < version_id.size() && std::isdigit(static_cast<unsigned char>(version_id[end])))
    ++end;
  if (end == 0) return 0;
  if (end < version_id.size() && version_id[end] == '.') {
    ++end;
    while (end < version_id.size() && std::isdigit(static_cast<unsigned char>(version_id[end]))) {
      ++end;
    }
  }
  return text::to_double(version_id.substr(0, end)).value_or(0);
}

class OsCollector : public Collector {
 public:
  explicit OsCollector(const Paths& paths)
      : candidates_{paths.root("etc/os-release"), paths.root("usr/lib/os-release")} {}

  void collect(Exposition& out) const override {
    const Release release = read_release();
    const auto get = [&](const char* key) {
      const auto it = release.find(key);
      return it == release.end() ? std::string() : it->second;
    };
    Labels info;
    for (const auto& label : kInfoLabels) info.push_back({label.label, get(label.key)});
    FamilyBuilder(out, "node_os_info",
                  "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, "
                  "image_version, name, pretty_name, variant, variant_id, version, "
                  "version_codename, version_id.",
                  prometheus::MetricType::Gauge)
        .add(std::move(info), 1);
    // Like node_exporter, no version series when VERSION_ID has no leading number.
    if (const double version = major_minor(get("VERSION_ID")); version > 0) {
      FamilyBuilder(out, "node_os_version",
                    "Metric containing the major.minor part of the OS version.",
                    prometheus::MetricType::Gauge)
          .add({{"id", get("ID")}, {"id_like", get("ID_LIKE")}, {"name", get("NAME")}}, version);
    }
  }

 private:
  Release read_release() const {
    for (const auto& path : candidates_) {
      if (const auto content = try_read_file(path))
        return parse_os_release(*content, path.string());
    }
    throw CollectorError("no os-release file: " + candidates_[0].string() + " nor " +
                         candidates_[1].string());
  }

  std::array<std::filesystem::path, 2> candidates_;
};

}  // namespace

std::unique_ptr<Collector> make_os_collector(const Paths& paths) {
  return std::make_unique<OsCollector>(paths);
}

}  // namespace sahab::agent
