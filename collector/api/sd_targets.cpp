#include "collector/api/sd_targets.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace sahab::collector::sd {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

struct HostPort {
  std::string_view host;
  std::string_view port;  // empty when none
};

// "host:port", "[v6]:port", "host" or "[v6]".
HostPort split_host_port(std::string_view text) {
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return {text, {}};
    const auto rest = text.substr(close + 1);
    return {text.substr(0, close + 1), rest.starts_with(':') ? rest.substr(1) : std::string_view{}};
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return {text, {}};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

bool unspecified(const Bytes& ip) {
  static const Bytes v6_any{};
  static const Bytes v4_any{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
  return ip == v6_any || ip == v4_any;
}

}  // namespace

std::optional<Bytes> parse_ip(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  Bytes out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = text.substr(0, slash);
  const auto ip = parse_ip(address);
  if (!ip || address.starts_with('[')) return std::nullopt;
  const bool v4 = address.find(':') == std::string_view::npos;
  const int max = v4 ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    prefix = std::stoi(std::string(digits));
    if (prefix > max) return std::nullopt;
  }
  Cidr cidr{*ip, v4 ? prefix + 96 : prefix};
  for (int bit = cidr.prefix; bit < 128; ++bit) {
    cidr.network[static_cast<std::size_t>(bit / 8)] &=
        static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  return cidr;
}

bool contains(const Cidr& cidr, std::string_view address) {
  const auto ip = parse_ip(address);
  if (!ip) return false;
  for (int bit = 0; bit < cidr.prefix; ++bit) {
    const auto i = static_cast<std::size_t>(bit / 8);
    const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if (((*ip)[i] & mask) != (cidr.network[i] & mask)) return false;
  }
  return true;
}

bool contains_any(const std::vector<Cidr>& cidrs, std::string_view address) {
  return std::any_of(cidrs.begin(), cidrs.end(),
                     [address](const Cidr& c) { return contains(c, address); });
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxLabelNameBytes || name.starts_with("__")) return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(name[0]) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(),
                     [&letter](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '_'; });
}

bool reserved_label_name(std::string_view name) {
  return name.starts_with("__") || name == "job" || name == "instance" || name == "host_id" ||
         name == "hostname" || name == "sahab_state";
}

nlohmann::json agent_labels(const nlohmann::json& labels) {
  nlohmann::json out = nlohmann::json::object();
  if (!labels.is_object()) return out;
  for (const auto& [name, value] : labels.items()) {
    if (!valid_label_name(name) || reserved_label_name(name)) continue;
    if (!value.is_string() || value.get_ref<const std::string&>().size() > kMaxLabelValueBytes) {
      continue;
    }
    out[name] = value;
  }
  return out;
}

int scrape_port(std::string_view listen_address) {
  const auto port = split_host_port(listen_address).port;
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return kDefaultScrapePort;
  }
  const int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535 ? value : kDefaultScrapePort;
}

std::optional<std::string> scrape_address(const std::string& pushed_from,
                                          const std::string& listen_address,
                                          const std::vector<Cidr>& allowed) {
  std::string host = pushed_from;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!parse_ip(host)) return std::nullopt;
  const auto reported = split_host_port(listen_address).host;
  if (const auto ip = parse_ip(reported);
      ip && !unspecified(*ip) && contains_any(allowed, reported)) {
    host = std::string(reported);
    if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
  }
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return host + ":" + std::to_string(scrape_port(listen_address));
}

}  // namespace sahab::collector::sd
