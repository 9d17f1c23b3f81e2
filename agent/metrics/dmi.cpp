// dmi: node_dmi_info{bios_date,...,system_vendor} = 1 from <sysfs>/class/dmi/id/, as
// node_exporter's collector/dmi.go. Files only root may read (serials, product_uuid) are left
// out, not an error. Like node_exporter, a readable but empty file still gives its label, with an
// empty value, and a machine without any DMI data fails the collector (success=0).
#include <array>
#include <mutex>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

struct DmiField {
  const char* label;
  const char* file;  // under <sysfs>/class/dmi/id/
};

// In label order; only sys_vendor has a label of another name.
constexpr std::array<DmiField, 20> kFields = {{
    {"bios_date", "bios_date"},
    {"bios_release", "bios_release"},
    {"bios_vendor", "bios_vendor"},
    {"bios_version", "bios_version"},
    {"board_asset_tag", "board_asset_tag"},
    {"board_name", "board_name"},
    {"board_serial", "board_serial"},
    {"board_vendor", "board_vendor"},
    {"board_version", "board_version"},
    {"chassis_asset_tag", "chassis_asset_tag"},
    {"chassis_serial", "chassis_serial"},
    {"chassis_vendor", "chassis_vendor"},
    {"chassis_version", "chassis_version"},
    {"product_family", "product_family"},
    {"product_name", "product_name"},
    {"product_serial", "product_serial"},
    {"product_sku", "product_sku"},
    {"product_uuid", "product_uuid"},
    {"product_version", "product_version"},
    {"system_vendor", "sys_vendor"},
}};

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if it is invalid (bad lead or
// continuation byte, overlong form, surrogate, beyond U+10FFFF).
size_t utf8_sequence_length(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// Firmware strings are not always UTF-8, and Prometheus rejects label values that are not: each
// run of invalid bytes becomes one U+FFFD, as Go's strings.ToValidUTF8 in node_exporter.
std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool replacing = false;
  while (!s.empty()) {
    const size_t length = utf8_sequence_length(s);
    if (length == 0) {
      if (!replacing) out += "\xEF\xBF\xBD";
      replacing = true;
      s.remove_prefix(1);
      continue;
    }
    out.append(s.substr(0, length));
    replacing = false;
    s.remove_prefix(length);
  }
  return out;
}

class DmiCollector : public Collector {
 public:
  explicit DmiCollector(const Paths& paths) : dir_(paths.sys("class/dmi/id")) {}

  void collect(Exposition& out) const override {
    const Labels* labels = read_once();
    if (!labels) return out.no_data();
    FamilyBuilder(out, "node_dmi_info",
                  "A metric with a constant '1' value labeled by bios_date, bios_release, "
                  "bios_vendor, bios_version, board_asset_tag, board_name, board_serial, "
                  "board_vendor, board_version, chassis_asset_tag, chassis_serial, "
                  "chassis_vendor, chassis_version, product_family, product_name, "
                  "product_serial, product_sku, product_uuid, product_version, system_vendor "
                  "if provided by DMI.",
                  prometheus::MetricType::Gauge)
        .add(*labels, 1);
  }

 private:
  // DMI data only changes with the firmware, i.e. across reboots: read it once, as node_exporter
  // does, and its absence too (VMs without DMI would otherwise pay 20 failed opens per scrape).
  // Null when nothing is readable: no data, as node_exporter says there (success=0, nothing
  // logged, and no exception thrown on every scrape).
  const Labels* read_once() const {
    std::call_once(once_, [this] { labels_ = read_labels(); });
    return labels_.empty() ? nullptr : &labels_;
  }

  Labels read_labels() const {
    Labels labels;
    for (const auto& field : kFields) {
      const auto content = try_read_pseudo_file(dir_ / field.file);
      if (content) labels.push_back({field.label, to_valid_utf8(text::trim(*content))});
    }
    return labels;
  }

  std::filesystem::path dir_;
  mutable std::once_flag once_;
  mutable Labels labels_;
};

}  // namespace

std::unique_ptr<Collector> make_dmi_collector(const Paths& paths) {
  return std::make_unique<DmiCollector>(paths);
}

}  // namespace sahab::agent
