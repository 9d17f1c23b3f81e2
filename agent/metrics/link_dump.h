#pragma once
// The network interfaces of the agent's own network namespace from one rtnetlink RTM_GETLINK dump,
// through a socket kept open: what netclass would otherwise read as 16 sysfs attributes of each
// interface, a read system call each (docs/benchmarks.md, session 13).
#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sahab::agent {

// One interface's RTM_NEWLINK message, as the text of the /sys/class/net/<name>/ attributes that
// show the same kernel fields (net/core/net-sysfs.c), trimmed to their first line as sysfs.h's
// readers trim them, so that either source gives the same answer.
struct LinkAttributes {
  // The attributes a message stands for; the others (flags: sysfs shows dev->flags where the
  // message has dev_get_flags(); speed, duplex, dev_id, addr_assign_type, name_assign_type) are
  // not in it and are read from sysfs.
  static constexpr std::array<std::string_view, 16> kFiles = {"address",
                                                              "broadcast",
                                                              "carrier",
                                                              "carrier_changes",
                                                              "carrier_down_count",
                                                              "carrier_up_count",
                                                              "dormant",
                                                              "ifalias",
                                                              "ifindex",
                                                              "iflink",
                                                              "link_mode",
                                                              "mtu",
                                                              "netdev_group",
                                                              "operstate",
                                                              "tx_queue_len",
                                                              "type"};

  // nullptr when `file` is not one of kFiles; otherwise its text, nullopt where sysfs refuses the
  // read (carrier and dormant of a link that is not up) or the kernel is too old to say.
  const std::optional<std::string>* find(std::string_view file) const;

  std::string name;
  std::array<std::optional<std::string>, kFiles.size()> values;
};

class LinkDump {
 public:
  LinkDump() = default;
  ~LinkDump();
  LinkDump(const LinkDump&) = delete;
  LinkDump& operator=(const LinkDump&) = delete;

  // Every interface, in the kernel's order; nullopt when rtnetlink did not answer in full (no
  // socket allowed, a message cut short): the caller reads sysfs instead. Safe from any thread.
  std::optional<std::vector<LinkAttributes>> links();

 private:
  bool open_socket();
  bool request();
  bool receive(std::vector<LinkAttributes>& links);
  void close_socket();

  std::mutex mutex_;
  int fd_ = -1;
  std::uint32_t sequence_ = 0;
};

}  // namespace sahab::agent
