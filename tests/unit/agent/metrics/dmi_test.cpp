#include <map>

#include "agent/metrics/registry.h"
#include "common/file.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

using LabelMap = std::map<std::string, std::string>;

LabelMap dmi_labels(const Paths& paths) {
  const auto families = collect(*make_dmi_collector(paths));
  const auto* family = find_family(families, "node_dmi_info");
  REQUIRE(family);
  REQUIRE(family->metric.size() == 1);
  CHECK(family->metric[0].gauge.value == 1);
  LabelMap labels;
  for (const auto& l : family->metric[0].label) labels[l.name] = l.value;
  return labels;
}

}  // namespace

TEST_CASE("dmi: node_dmi_info from readable files, root-only and absent ones left out") {
  const LabelMap expected = {
      {"bios_date", "03/14/2023"},
      {"bios_release", "2.18"},
      {"bios_vendor", "Dell Inc."},
      {"bios_version", "2.18.1"},
      {"board_asset_tag", ""},  // readable but empty: the label stays, as in node_exporter
      {"board_name", "0H21J3"},
      {"board_vendor", "Dell Inc."},
      {"board_version", "A06"},
      {"chassis_asset_tag", "DGCT-SETTAT-0042"},
      {"chassis_vendor", "Dell Inc."},
      {"chassis_version", ""},
      {"product_family", "PowerEdge"},
      {"product_name", "PowerEdge R740"},
      {"product_sku", "SKU=NotProvided;ModelName=PowerEdge R740"},
      {"system_vendor", "Dell Inc."},
  };
  CHECK(dmi_labels(fixture_paths()) == expected);
}

TEST_CASE("dmi: firmware strings that are not UTF-8 get U+FFFD per invalid run") {
  const TempDir sys;
  const auto dir = sys.path() / "class/dmi/id";
  std::filesystem::create_directories(dir);
  sahab::write_file_atomic(dir / "bios_vendor",
                           "\xff\xfe"
                           "Acme\xc3\n");
  sahab::write_file_atomic(dir / "board_name", "Caf\xc3\xa9 \xe2\x82\xac \xed\xa0\x80!\n");
  const auto labels = dmi_labels(Paths{"/nonexistent", sys.path(), "/"});
  CHECK(labels.at("bios_vendor") ==
        "\xef\xbf\xbd"
        "Acme\xef\xbf\xbd");
  // Valid 2- and 3-byte sequences are kept; an encoded surrogate is invalid.
  CHECK(labels.at("board_name") == "Caf\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd!");
}

TEST_CASE("dmi: no DMI data is no data, as node_exporter reports success=0, without an error") {
  CHECK(no_data(*make_dmi_collector(fixture_paths("broken"))));
  CHECK(no_data(*make_dmi_collector(fixture_paths("absent"))));
}

TEST_CASE("dmi: read once, since it only changes across reboots") {
  const TempDir sys;
  const auto dir = sys.path() / "class/dmi/id";
  std::filesystem::create_directories(dir);
  sahab::write_file_atomic(dir / "product_name", "PowerEdge R740\n");
  const auto collector = make_dmi_collector(Paths{"/nonexistent", sys.path(), "/"});
  collect(*collector);
  sahab::write_file_atomic(dir / "product_name", "changed\n");
  const auto families = collect(*collector);
  CHECK(families.at(0).metric.at(0).label.at(0).value == "PowerEdge R740");
}
