#include "agent/metrics/link_dump.h"

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/text.h"

namespace sahab::agent {
namespace {

// Where `file` is in LinkAttributes::kFiles; kFiles.size() when it is not there.
constexpr std::size_t position_of(std::string_view file) {
  const auto& files = LinkAttributes::kFiles;
  return static_cast<std::size_t>(std::find(files.begin(), files.end(), file) - files.begin());
}

// The same, worked out while compiling: a name not in kFiles does not compile.
consteval std::size_t index_of(std::string_view file) {
  const std::size_t index = position_of(file);
  if (index == LinkAttributes::kFiles.size()) throw "not one of LinkAttributes::kFiles";
  return index;
}

// The names operstate_show() writes, indexed by the kernel's IF_OPER_* value.
constexpr std::array<const char*, 7> kOperstates = {
    "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"};

template <typename T>
std::optional<T> payload(const rtattr& attribute) {
  if (RTA_PAYLOAD(&attribute) < sizeof(T)) return std::nullopt;
  T value;
  std::memcpy(&value, RTA_DATA(&attribute), sizeof value);
  return value;
}

// sysfs writes these fields with "%d" (fmt_dec), whatever their type in the kernel.
std::optional<std::string> decimal(std::optional<std::uint32_t> value) {
  if (!value) return std::nullopt;
  return std::to_string(static_cast<std::int32_t>(*value));
}

// sysfs_format_mac(): "%*phC", lowercase hexadecimal bytes joined by ':'.
std::string hardware_address(const rtattr& attribute) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const auto* bytes = static_cast<const unsigned char*>(RTA_DATA(&attribute));
  std::string text;
  for (std::size_t i = 0; i < RTA_PAYLOAD(&attribute); ++i) {
    if (i > 0) text += ':';
    text += kDigits[bytes[i] >> 4];
    text += kDigits[bytes[i] & 0xf];
  }
  return text;
}

// A NUL-terminated string attribute, as the sysfs readers see it: its first line, trimmed.
std::string first_line(const rtattr& attribute) {
  std::string_view value(static_cast<const char*>(RTA_DATA(&attribute)), RTA_PAYLOAD(&attribute));
  value = value.substr(0, value.find('\0'));
  return std::string(text::trim(value.substr(0, value.find('\n'))));
}

std::optional<std::string> operstate(std::optional<std::uint8_t> value) {
  if (!value || *value >= kOperstates.size()) return std::nullopt;
  return kOperstates[*value];
}

// carrier and dormant answer EINVAL unless netif_running(), which is what IFF_UP says (dev_open
// and dev_close set and clear both together). dev_get_flags() sets IFF_DORMANT exactly when the
// link is running and netif_dormant().
void set_running_state(LinkAttributes& link, unsigned flags, std::optional<std::uint8_t> carrier) {
  if ((flags & IFF_UP) == 0) return;
  if (carrier) link.values[index_of("carrier")] = *carrier ? "1" : "0";
  link.values[index_of("dormant")] = (flags & IFF_DORMANT) ? "1" : "0";
}

LinkAttributes parse_link(const nlmsghdr& header) {
  const auto& info = *static_cast<const ifinfomsg*>(NLMSG_DATA(&header));
  LinkAttributes link;
  auto& values = link.values;
  // Present in sysfs even where the message leaves them out: an empty alias, no hardware address
  // (addr_len 0), iflink equal to ifindex.
  values[index_of("address")] = "";
  values[index_of("broadcast")] = "";
  values[index_of("ifalias")] = "";
  values[index_of("ifindex")] = std::to_string(info.ifi_index);
  values[index_of("iflink")] = values[index_of("ifindex")];
  values[index_of("type")] = std::to_string(info.ifi_type);
  std::optional<std::uint8_t> carrier;
  int length = static_cast<int>(header.nlmsg_len - NLMSG_LENGTH(sizeof info));
  for (const rtattr* a = IFLA_RTA(&info); RTA_OK(a, length); a = RTA_NEXT(a, length)) {
    switch (a->rta_type) {
      case IFLA_IFNAME:
        link.name = first_line(*a);
        break;
      case IFLA_ADDRESS:
        values[index_of("address")] = hardware_address(*a);
        break;
      case IFLA_BROADCAST:
        values[index_of("broadcast")] = hardware_address(*a);
        break;
      case IFLA_IFALIAS:
        values[index_of("ifalias")] = first_line(*a);
        break;
      case IFLA_CARRIER:
        carrier = payload<std::uint8_t>(*a);
        break;
      case IFLA_OPERSTATE:
        values[index_of("operstate")] = operstate(payload<std::uint8_t>(*a));
        break;
      case IFLA_LINKMODE:
        values[index_of("link_mode")] = decimal(payload<std::uint8_t>(*a));
        break;
      case IFLA_LINK:
        values[index_of("iflink")] = decimal(payload<std::uint32_t>(*a));
        break;
      case IFLA_MTU:
        values[index_of("mtu")] = decimal(payload<std::uint32_t>(*a));
        break;
      case IFLA_TXQLEN:
        values[index_of("tx_queue_len")] = decimal(payload<std::uint32_t>(*a));
        break;
      case IFLA_GROUP:
        values[index_of("netdev_group")] = decimal(payload<std::uint32_t>(*a));
        break;
      case IFLA_CARRIER_CHANGES:
        values[index_of("carrier_changes")] = decimal(payload<std::uint32_t>(*a));
        break;
      case IFLA_CARRIER_UP_COUNT:
        values[index_of("carrier_up_count")] = decimal(payload<std::uint32_t>(*a));
        break;
      case IFLA_CARRIER_DOWN_COUNT:
        values[index_of("carrier_down_count")] = decimal(payload<std::uint32_t>(*a));
        break;
      default:
        break;
    }
  }
  set_running_state(link, info.ifi_flags, carrier);
  return link;
}

}  // namespace

const std::optional<std::string>* LinkAttributes::find(std::string_view file) const {
  const std::size_t index = position_of(file);
  return index < values.size() ? &values[index] : nullptr;
}

LinkDump::~LinkDump() { close_socket(); }

std::optional<std::vector<LinkAttributes>> LinkDump::links() {
  std::lock_guard lock(mutex_);
  std::vector<LinkAttributes> links;
  if ((fd_ >= 0 || open_socket()) && request() && receive(links)) return links;
  // Whatever the socket still holds belongs to the failed dump: the next one starts afresh.
  close_socket();
  return std::nullopt;
}

bool LinkDump::open_socket() {
  fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  return fd_ >= 0;
}

void LinkDump::close_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

// Statistics left out (RTEXT_FILTER_SKIP_STATS, Linux 5.4; older kernels ignore the bit): netclass
// has no use for them, and they are the costliest part of each message to make.
bool LinkDump::request() {
  struct {
    nlmsghdr header;
    ifinfomsg link;
    rtattr mask_header;
    std::uint32_t mask;
  } message{};
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = RTM_GETLINK;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.header.nlmsg_seq = ++sequence_;
  message.link.ifi_family = AF_UNSPEC;
  message.mask_header.rta_type = IFLA_EXT_MASK;
  message.mask_header.rta_len = RTA_LENGTH(sizeof message.mask);
  message.mask = RTEXT_FILTER_SKIP_STATS;
  for (;;) {
    const ssize_t sent = ::send(fd_, &message, sizeof message, 0);
    if (sent >= 0 || errno != EINTR) return sent == static_cast<ssize_t>(sizeof message);
  }
}

// The kernel makes each part of a dump within send() and recv() themselves, so there is always
// something to read until NLMSG_DONE: a read that would block means the dump is lost, not slow.
bool LinkDump::receive(std::vector<LinkAttributes>& links) {
  alignas(nlmsghdr) char buffer[8192];
  for (;;) {
    const ssize_t received = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT | MSG_TRUNC);
    if (received < 0 && errno == EINTR) continue;
    if (received < 0 || static_cast<std::size_t>(received) > sizeof buffer) return false;
    int length = static_cast<int>(received);
    for (auto* header = reinterpret_cast<const nlmsghdr*>(buffer); NLMSG_OK(header, length);
         header = NLMSG_NEXT(header, length)) {
      if (header->nlmsg_seq != sequence_) continue;
      if (header->nlmsg_type == NLMSG_DONE) return true;
      if (header->nlmsg_type == NLMSG_ERROR) return false;
      if (header->nlmsg_type == RTM_NEWLINK &&
          header->nlmsg_len >= NLMSG_LENGTH(sizeof(ifinfomsg))) {
        links.push_back(parse_link(*header));
      }
    }
  }
}

}  // namespace sahab::agent
