#pragma once
// What GET /api/v1/targets (Prometheus http_sd) may say about an agent: the scrape address the
// collector can vouch for, and the agent's labels that Prometheus may see (docs/api.md).
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/protocol/report.h"

namespace sahab::collector::sd {

// An IPv4 or IPv6 network; IPv4 is held as its IPv4-mapped IPv6 form (::ffff:a.b.c.d/96+n).
struct Cidr {
  std::array<std::uint8_t, 16> network{};
  int prefix = 0;  // 0..128, counted on the 128-bit form
};

// "10.0.0.0/8", "fd00::/8", or a bare address (a /32 or /128); nullopt when malformed.
std::optional<Cidr> parse_cidr(std::string_view text);
// A literal IPv4 or IPv6 address (brackets allowed around IPv6) as 16 bytes; IPv4 and
// IPv4-mapped IPv6 give the same bytes. nullopt for names and anything else.
std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text);
bool contains(const Cidr& cidr, std::string_view address);
bool contains_any(const std::vector<Cidr>& cidrs, std::string_view address);

using protocol::report::kMaxLabelValueBytes;  // the identity section's limit

constexpr int kDefaultScrapePort = 9100;
constexpr std::size_t kMaxLabelNameBytes = 64;

// Prometheus label-name syntax [a-zA-Z_][a-zA-Z0-9_]*, at most kMaxLabelNameBytes, no "__".
bool valid_label_name(std::string_view name);
// Names the collector sets itself or Prometheus reserves: job, instance, host_id, hostname,
// sahab_state, and anything starting with "__".
bool reserved_label_name(std::string_view name);
// The labels of `agent_labels` (a JSON object) an agent may hand to Prometheus: string values of
// at most kMaxLabelValueBytes under valid, unreserved names. Others are dropped, never renamed.
nlohmann::json agent_labels(const nlohmann::json& agent_labels);

// The port of a reported "HOST:PORT" when it is plain decimal 1..65535, else kDefaultScrapePort.
int scrape_port(std::string_view listen_address);
// HOST:PORT for Prometheus: the host is `pushed_from` (the address the agent's pushes come from),
// unless the agent's reported `listen_address` names an IP literal inside one of `allowed`; the
// port is scrape_port(listen_address). nullopt when `pushed_from` is not an IP address.
std::optional<std::string> scrape_address(const std::string& pushed_from,
                                          const std::string& listen_address,
                                          const std::vector<Cidr>& allowed);

}  // namespace sahab::collector::sd
