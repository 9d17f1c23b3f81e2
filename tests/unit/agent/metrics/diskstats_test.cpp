#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

bool has_label(const MetricFamilies& families, const std::string& family_name,
               const std::string& device, const std::string& name, const std::string& value) {
  const auto* family = find_family(families, family_name);
  if (!family) return false;
  for (const auto& metric : family->metric) {
    bool is_device = false, has = false;
    for (const auto& l : metric.label) {
      is_device = is_device || (l.name == "device" && l.value == device);
      has = has || (l.name == name && l.value == value);
    }
    if (is_device && has) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("diskstats: node_exporter names and units, partitions and loops left out") {
  const auto families = collect(*make_diskstats_collector(fixture_paths()));
  CHECK(value_of(families, "node_disk_reads_completed_total", {{"device", "sda"}}) == 1548903);
  CHECK(value_of(families, "node_disk_reads_merged_total", {{"device", "sda"}}) == 91412);
  CHECK(value_of(families, "node_disk_read_bytes_total", {{"device", "sda"}}) ==
        doctest::Approx(134781936.0 * 512));
  CHECK(value_of(families, "node_disk_read_time_seconds_total", {{"device", "sda"}}) ==
        doctest::Approx(1289.012));
  CHECK(value_of(families, "node_disk_written_bytes_total", {{"device", "nvme0n1"}}) ==
        doctest::Approx(1208771234.0 * 512));
  CHECK(value_of(families, "node_disk_io_now", {{"device", "nvme0n1"}}) == 3);
  CHECK(value_of(families, "node_disk_io_time_weighted_seconds_total", {{"device", "dm-0"}}) ==
        doctest::Approx(10492.345));
  CHECK(value_of(families, "node_disk_discarded_sectors_total", {{"device", "sda"}}) == 98212096);
  CHECK(value_of(families, "node_disk_flush_requests_total", {{"device", "sda"}}) == 401233);
  CHECK(value_of(families, "node_disk_flush_requests_time_seconds_total",
                 {{"device", "nvme0n1"}}) == doctest::Approx(81.023));
  // Default exclusion ^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$.
  const auto* reads = find_family(families, "node_disk_reads_completed_total");
  REQUIRE(reads);
  CHECK(reads->metric.size() == 4);  // sda, sr0, nvme0n1, dm-0
  CHECK_FALSE(value_of(families, "node_disk_reads_completed_total", {{"device", "sda1"}}));
  CHECK_FALSE(value_of(families, "node_disk_reads_completed_total", {{"device", "loop0"}}));
  CHECK_FALSE(value_of(families, "node_disk_reads_completed_total", {{"device", "nvme0n1p1"}}));
  CHECK(reads->help == "The total number of reads completed successfully.");
  CHECK(find_family(families, "node_disk_io_now")->type == prometheus::MetricType::Gauge);
}

TEST_CASE("diskstats: info series from udev's database, empty labels without it") {
  const auto families = collect(*make_diskstats_collector(fixture_paths()));
  CHECK(has_label(families, "node_disk_info", "sda", "major", "8"));
  CHECK(has_label(families, "node_disk_info", "sda", "model", "ST2000DM008-2FR102"));
  CHECK(has_label(families, "node_disk_info", "sda", "serial", "ZFL1ABCD"));
  CHECK(has_label(families, "node_disk_info", "sda", "wwn", "0x5000c500c1234567"));
  CHECK(has_label(families, "node_disk_info", "sda", "path", "pci-0000:00:17.0-ata-1"));
  CHECK(has_label(families, "node_disk_info", "nvme0n1", "model", "Samsung SSD 980 1TB"));
  CHECK(has_label(families, "node_disk_info", "nvme0n1", "revision", "2B4QFXO7"));
  CHECK(has_label(families, "node_disk_info", "sr0", "serial", ""));
  CHECK(has_label(families, "node_disk_info", "sr0", "minor", "0"));
  CHECK(find_family(families, "node_disk_info")->metric.front().label.size() == 8);
  CHECK(has_label(families, "node_disk_filesystem_info", "dm-0", "type", "ext4"));
  CHECK(has_label(families, "node_disk_device_mapper_info", "dm-0", "vg_name", "vg0"));
  CHECK(has_label(families, "node_disk_device_mapper_info", "dm-0", "lv_name", "root"));
  CHECK(value_of(families, "node_disk_ata_rotation_rate_rpm", {{"device", "sda"}}) == 7200);
  CHECK(value_of(families, "node_disk_ata_write_cache_enabled", {{"device", "sda"}}) == 1);
  CHECK(find_family(families, "node_disk_ata_write_cache")->metric.size() == 1);
}

TEST_CASE("diskstats: kernels before 4.18 have no discard or flush fields") {
  TempTree tree;
  tree.write("proc/diskstats",
             "   8       0 sda 1548903 91412 134781936 1289012 3920112 2873001 261830544 5120398 "
             "0 2812340 6512377\n");
  auto paths = tree.paths();
  paths.options.diskstats_device_exclude = "";
  const auto families = collect(*make_diskstats_collector(paths));
  CHECK(value_of(families, "node_disk_io_time_seconds_total", {{"device", "sda"}}) ==
        doctest::Approx(2812.340));
  CHECK_FALSE(find_family(families, "node_disk_discards_completed_total"));
  CHECK_FALSE(find_family(families, "node_disk_flush_requests_total"));
  CHECK(families.size() == 11 + 1);  // 11 statistics + node_disk_info
}

TEST_CASE("diskstats: the device exclusion is configurable") {
  auto paths = fixture_paths();
  paths.options.diskstats_device_exclude = "^(loop|sr)\\d+$";
  const auto families = collect(*make_diskstats_collector(paths));
  CHECK(value_of(families, "node_disk_reads_completed_total", {{"device", "sda1"}}) == 398);
  CHECK_FALSE(value_of(families, "node_disk_reads_completed_total", {{"device", "sr0"}}));
}

TEST_CASE("diskstats: a bad number, a short line or a missing file is an error") {
  CHECK_THROWS_WITH_AS(collect(*make_diskstats_collector(fixture_paths("broken"))),
                       doctest::Contains("diskstats:2: bad number 'zero'"), CollectorError);
  TempTree tree;
  tree.write("proc/diskstats", "   8       0 sda 1 2 3\n");
  CHECK_THROWS_WITH_AS(collect(*make_diskstats_collector(tree.paths())),
                       doctest::Contains("expected 14 to 20 fields"), CollectorError);
  CHECK_THROWS(collect(*make_diskstats_collector(fixture_paths("absent"))));
}
