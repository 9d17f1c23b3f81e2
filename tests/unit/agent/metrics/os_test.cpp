#include <map>

#include "agent/metrics/registry.h"
#include "common/file.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

using LabelMap = std::map<std::string, std::string>;

LabelMap labels_of(const MetricFamilies& families, const std::string& name) {
  const auto* family = find_family(families, name);
  REQUIRE(family);
  REQUIRE(family->metric.size() == 1);
  LabelMap labels;
  for (const auto& l : family->metric[0].label) labels[l.name] = l.value;
  return labels;
}

}  // namespace

TEST_CASE("os: node_os_info and node_os_version from <rootfs>/etc/os-release") {
  const auto families = collect(*make_os_collector(fixture_paths()));
  const LabelMap expected = {
      {"build_id", "2023 \"autumn\" build"},
      {"id", "ubuntu"},
      {"id_like", "debian"},
      {"image_id", ""},
      {"image_version", ""},
      {"name", "Ubuntu"},
      {"pretty_name", "Ubuntu 22.04.3 LTS"},
      {"variant", "Server Edition"},
      {"variant_id", ""},
      {"version", "22.04.3 LTS (Jammy Jellyfish)"},
      {"version_codename", "jammy"},
      {"version_id", "22.04"},
  };
  CHECK(labels_of(families, "node_os_info") == expected);
  CHECK(value_of(families, "node_os_info") == 1);
  const LabelMap version_labels = {{"id", "ubuntu"}, {"id_like", "debian"}, {"name", "Ubuntu"}};
  CHECK(labels_of(families, "node_os_version") == version_labels);
  CHECK(value_of(families, "node_os_version") == doctest::Approx(22.04));
}

TEST_CASE("os: falls back to <rootfs>/usr/lib/os-release") {
  const TempDir root;
  std::filesystem::create_directories(root.path() / "usr/lib");
  std::filesystem::copy_file(fixture_paths().root("usr/lib/os-release"),
                             root.path() / "usr/lib/os-release");
  const auto families =
      collect(*make_os_collector(Paths{"/nonexistent", "/nonexistent", root.path()}));
  CHECK(labels_of(families, "node_os_info")["pretty_name"] == "Debian GNU/Linux 12 (bookworm)");
  CHECK(value_of(families, "node_os_version") == 12);
}

TEST_CASE("os: no node_os_version when VERSION_ID has no leading number") {
  const TempDir root;
  std::filesystem::create_directories(root.path() / "etc");
  sahab::write_file_atomic(root.path() / "etc/os-release",
                           "NAME=\"Debian GNU/Linux\"\nID=debian\n"
                           "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n");
  const auto families =
      collect(*make_os_collector(Paths{"/nonexistent", "/nonexistent", root.path()}));
  CHECK(labels_of(families, "node_os_info")["version_id"] == "");
  CHECK_FALSE(find_family(families, "node_os_version"));
}

TEST_CASE("os: a malformed or missing os-release is an error, not a crash") {
  CHECK_THROWS_AS(collect(*make_os_collector(fixture_paths("broken"))), CollectorError);
  CHECK_THROWS_AS(collect(*make_os_collector(fixture_paths("absent"))), CollectorError);
  const TempDir root;
  std::filesystem::create_directories(root.path() / "etc");
  for (const char* bad : {"NAME Debian\n", "1D=x\n", "ID=\"debian\\\n", "-X=1\n"}) {
    CAPTURE(bad);
    sahab::write_file_atomic(root.path() / "etc/os-release", bad);
    CHECK_THROWS_AS(collect(*make_os_collector(Paths{"/", "/", root.path()})), CollectorError);
  }
}
