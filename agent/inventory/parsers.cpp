#include "agent/inventory/parsers.h"

#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include "common/text.h"

namespace sahab::agent::inventory {
namespace {

// Caps that keep a hostile or corrupt file from exhausting the agent's memory.
constexpr std::size_t kMaxPackages = 200'000;
constexpr std::size_t kMaxSockets = 200'000;
constexpr std::size_t kMaxValueBytes = 4096;

std::string line_label(std::size_t number) { return "line " + std::to_string(number) + ": "; }

bool valid_os_release_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

// Shell-style unquoting as os-release(5) specifies: "..." with \" \\ \$ \` escapes, or '...'.
// Returns false when the closing quote is missing (the value read so far is kept).
bool unquote(std::string_view raw, std::string& out) {
  if (raw.empty() || (raw.front() != '"' && raw.front() != '\'')) {
    out.assign(raw);
    return true;
  }
  const char quote = raw.front();
  for (std::size_t i = 1; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == quote) return true;
    if (quote == '"' && c == '\\' && i + 1 < raw.size()) {
      out += raw[++i];
    } else {
      out += c;
    }
  }
  return false;
}

}  // namespace

void Problems::add(std::string message) {
  if (messages_.size() < kMax) {
    messages_.push_back(std::move(message));
  } else {
    ++dropped_;
  }
}

std::map<std::string, std::string> parse_os_release(std::string_view content, Problems& problems) {
  std::map<std::string, std::string> values;
  std::size_t number = 0;
  text::for_each_line(content, [&](std::string_view line) {
    ++number;
    line = text::trim(line);
    if (line.empty() || line.front() == '#') return;
    const auto equals = line.find('=');
    const auto key = line.substr(0, equals);
    if (equals == std::string_view::npos || !valid_os_release_key(key)) {
      problems.add(line_label(number) + "not a KEY=value assignment");
      return;
    }
    std::string value;
    if (!unquote(line.substr(equals + 1), value)) {
      problems.add(line_label(number) + "unterminated quote in " + std::string(key));
    }
    if (value.size() > kMaxValueBytes) value.resize(kMaxValueBytes);
    values[std::string(key)] = std::move(value);
  });
  return values;
}

namespace {

// One dpkg status paragraph being read.
struct Paragraph {
  std::size_t first_line = 0;
  std::string package, version, arch, status;
  bool empty() const { return first_line == 0; }
};

void finish_paragraph(Paragraph& p, std::vector<Package>& out, Problems& problems) {
  if (p.empty()) return;
  const std::string where = line_label(p.first_line);
  if (p.package.empty()) {
    problems.add(where + "paragraph without Package field skipped");
  } else if (p.status.empty()) {
    problems.add(where + "package " + p.package + " has no Status field; skipped");
  } else {
    // Status: <want> <flag> <status>; the last word says whether the package is on disk.
    const auto words = text::fields(p.status);
    const std::string state = words.size() == 3 ? std::string(words[2]) : "";
    if (state.empty()) {
      problems.add(where + "package " + p.package + " has a malformed Status '" + p.status + "'");
    } else if (state != "not-installed") {
      if (out.size() < kMaxPackages) {
        out.push_back({p.package, p.version, p.arch, state});
      } else if (out.size() == kMaxPackages) {
        problems.add("more than " + std::to_string(kMaxPackages) + " packages; the rest skipped");
      }
    }
  }
  p = Paragraph{};
}

}  // namespace

std::vector<Package> parse_dpkg_status(std::string_view content, Problems& problems) {
  std::vector<Package> packages;
  Paragraph current;
  std::size_t number = 0;
  text::for_each_line(content, [&](std::string_view line) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (text::trim(line).empty()) {
      finish_paragraph(current, packages, problems);
      return;
    }
    if (line.front() == ' ' || line.front() == '\t') return;  // continuation of a long field
    if (current.empty()) current.first_line = number;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      problems.add(line_label(number) + "not a 'Field: value' line");
      return;
    }
    const auto field = line.substr(0, colon);
    auto value = std::string(text::trim(line.substr(colon + 1)));
    if (value.size() > kMaxValueBytes) value.resize(kMaxValueBytes);
    if (field == "Package") {
      current.package = std::move(value);
    } else if (field == "Version") {
      current.version = std::move(value);
    } else if (field == "Architecture") {
      current.arch = std::move(value);
    } else if (field == "Status") {
      current.status = std::move(value);
    }
  });
  finish_paragraph(current, packages, problems);
  return packages;
}

std::vector<Package> parse_rpm_query(std::string_view content, Problems& problems) {
  std::vector<Package> packages;
  std::size_t number = 0;
  text::for_each_line(content, [&](std::string_view line) {
    ++number;
    if (text::trim(line).empty()) return;
    const auto parts = text::split(line, '\t');
    if (parts.size() != 3 || parts[0].empty()) {
      problems.add(line_label(number) + "expected name<TAB>version<TAB>arch");
      return;
    }
    std::string version(parts[1]);
    if (version.starts_with("0:")) version.erase(0, 2);  // rpm prints epoch 0 as "0:"
    if (packages.size() < kMaxPackages) {
      packages.push_back({std::string(parts[0]), version, std::string(parts[2]), "installed"});
    }
  });
  return packages;
}

std::string upstream_version(std::string_view version) {
  if (const auto colon = version.find(':'); colon != std::string_view::npos) {
    version.remove_prefix(colon + 1);
  }
  if (const auto dash = version.rfind('-'); dash != std::string_view::npos && dash > 0) {
    version = version.substr(0, dash);
  }
  // Debian marks repacked sources with "+dfsg", "+ds", "~": drop those decorations too.
  if (const auto plus = version.find_first_of("+~"); plus != std::string_view::npos && plus > 0) {
    version = version.substr(0, plus);
  }
  return std::string(version);
}

namespace {

std::string ipv4_text(const unsigned char* a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
         std::to_string(a[3]);
}

}  // namespace

std::string address_text(const unsigned char* a, bool ipv6) {
  if (!ipv6) return ipv4_text(a);
  std::uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<std::uint16_t>(a[2 * i] << 8 | a[2 * i + 1]);
  // The longest run of two or more zero groups (the first of equal runs) becomes "::".
  int best_start = -1, best_length = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses end in dotted form.
  const bool mapped = best_start == 0 && best_length == 5 && groups[5] == 0xffff;
  const bool compatible = best_start == 0 && best_length == 6;
  if (mapped || compatible) return (mapped ? "::ffff:" : "::") + ipv4_text(a + 12);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && !out.ends_with(':')) out += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const int digit = groups[i] >> shift & 0xf;
      started |= digit != 0 || shift == 0;
      if (started) out += kDigits[digit];
    }
  }
  return out;
}

namespace {

bool hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::optional<std::uint32_t> hex32(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : s) {
    if (!hex_digit(c)) return std::nullopt;
    value = value * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return value;
}

// The kernel prints each 32-bit word of the address as a host-order integer ("0100007F" is
// 127.0.0.1 on little-endian machines); copying the words back to memory restores network order.
std::optional<std::string> decode_address(std::string_view hex, bool ipv6) {
  const std::size_t words = ipv6 ? 4 : 1;
  if (hex.size() != words * 8) return std::nullopt;
  unsigned char bytes[16];
  for (std::size_t w = 0; w < words; ++w) {
    const auto word = hex32(hex.substr(w * 8, 8));
    if (!word) return std::nullopt;
    std::memcpy(bytes + w * 4, &*word, 4);
  }
  return address_text(bytes, ipv6);
}

// "0100007F:1F90" -> address and port.
bool decode_endpoint(std::string_view text, bool ipv6, std::string& address, std::uint16_t& port) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  auto decoded = decode_address(text.substr(0, colon), ipv6);
  const auto port_hex = text.substr(colon + 1);
  if (!decoded || port_hex.size() != 4) return false;
  unsigned value = 0;
  for (char c : port_hex) {
    if (!hex_digit(c)) return false;
    value = value * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  address = std::move(*decoded);
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

std::vector<SocketEntry> parse_proc_net(std::string_view content, bool ipv6, Problems& problems,
                                        std::uint32_t state_mask) {
  std::vector<SocketEntry> sockets;
  std::size_t number = 0;
  text::for_each_line(content, [&](std::string_view line) {
    ++number;
    const auto f = text::fields(line);
    if (f.empty() || (number == 1 && f[0] == "sl")) return;  // header
    SocketEntry entry;
    // The state (two hex digits) comes first, so unwanted sockets cost no address decoding.
    bool ok = f.size() >= 10 && f[0].ends_with(':') && f[3].size() == 2 && hex_digit(f[3][0]) &&
              hex_digit(f[3][1]);
    if (ok) {
      entry.state = std::stoi(std::string(f[3]), nullptr, 16);
      // Found by fuzzing: a state beyond 31 must not shift past the mask's width.
      if (entry.state > 31 || !((state_mask >> entry.state) & 1u)) return;
      const auto inode = text::to_u64(f[9]);
      ok = inode.has_value() &&
           decode_endpoint(f[1], ipv6, entry.local_address, entry.local_port) &&
           decode_endpoint(f[2], ipv6, entry.remote_address, entry.remote_port);
      entry.inode = inode.value_or(0);
    }
    if (!ok) {
      problems.add(line_label(number) + "not a socket line");
      return;
    }
    if (sockets.size() < kMaxSockets) sockets.push_back(std::move(entry));
  });
  return sockets;
}

CpuInfo parse_cpuinfo(std::string_view content, Problems& problems) {
  CpuInfo info;
  std::set<std::string> sockets;
  std::set<std::pair<std::string, std::string>> cores;
  std::string physical_id;
  int cores_per_socket = 0;
  text::for_each_line(content, [&](std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return;  // blank separators and odd lines
    const auto key = text::trim(line.substr(0, colon));
    const auto value = text::trim(line.substr(colon + 1));
    if (key == "processor") {
      ++info.threads;
      physical_id.clear();
    } else if ((key == "model name" || key == "Processor" || key == "cpu model") &&
               info.model.empty()) {
      info.model = std::string(value);
    } else if (key == "physical id") {
      physical_id = std::string(value);
      sockets.insert(physical_id);
    } else if (key == "core id") {
      cores.insert({physical_id, std::string(value)});
    } else if (key == "cpu cores") {
      cores_per_socket = static_cast<int>(text::to_u64(value).value_or(0));
    } else if (key == "cpu MHz") {
      const auto mhz = text::to_double(value);
      if (!mhz) problems.add("cpuinfo: bad cpu MHz '" + std::string(value) + "'");
      if (mhz && *mhz > info.mhz) info.mhz = *mhz;
    } else if (key == "flags") {
      for (auto flag : text::fields(value))
        info.hypervisor = info.hypervisor || flag == "hypervisor";
    }
  });
  if (info.threads == 0) problems.add("cpuinfo: no processor entries");
  info.sockets = sockets.empty() ? (info.threads > 0 ? 1 : 0) : static_cast<int>(sockets.size());
  if (!cores.empty()) {
    info.cores = static_cast<int>(cores.size());
  } else if (cores_per_socket > 0) {
    info.cores = cores_per_socket * info.sockets;
  } else {
    info.cores = info.threads;
  }
  return info;
}

}  // namespace sahab::agent::inventory
