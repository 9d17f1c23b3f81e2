#include "planner/catalog.h"

#include <doctest/doctest.h>

#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

namespace {
std::string error_of(const std::string& yaml) {
  try {
    parse_catalog(yaml, "cat.yaml");
  } catch (const CatalogError& e) {
    return e.what();
  }
  return "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}
}  // namespace

TEST_CASE("catalog: the shipped catalogues load - one sovereign provider qualified in Morocco") {
  const Catalogs c = load_catalog_dir(std::string(SAHAB_FIXTURES_DIR) + "/../../configs/catalogs");
  REQUIRE(c.providers.size() == 3);
  int sovereign = 0;
  for (const auto& p : c.providers) {
    CHECK_FALSE(p.source.empty());
    CHECK(p.source.find("samples to edit") != std::string::npos);
    CHECK_FALSE(p.instances.empty());
    if (p.country == "MA" && p.qualification >= 1) ++sovereign;
  }
  CHECK(sovereign == 1);
}

TEST_CASE("catalog: instances are kept cheapest first - disk steps smallest first") {
  const Provider p = parse_catalog(kPublicCatalog, "public.yaml");
  CHECK(p.instances.front().name == "p.1");
  CHECK(p.qualification == 0);
  CHECK(p.commitment_discounts.at("3y") == 0.4);
  const Provider steps = parse_catalog(R"(
provider: x
country: FR
qualification: level1
currency: EUR
source: t
instances: [{name: a, vcpu: 1, memory_gib: 1, hourly_price: 1}]
disk_tiers:
  - name: premium
    steps:
      - {size_gib: 256, iops: 1100, mbps: 125, monthly_price: 36}
      - {size_gib: 128, iops: 500, mbps: 100, monthly_price: 18}
)",
                                       "steps.yaml");
  CHECK(steps.qualification == 1);
  CHECK(steps.disk_tiers[0].steps[0].size_gib == 128);
  CHECK(steps.disk_tiers[0].max_size_gib == 256);
}

TEST_CASE("catalog: broken catalogues name the file - the line and the key") {
  CHECK(error_of("provider: [").find("cat.yaml:") != std::string::npos);
  CHECK(error_of("- a\n- b\n").find("expected a mapping") != std::string::npos);
  CHECK(error_of(replaced(kPublicCatalog, "qualification: none", "qualification: gold")) ==
        "cat.yaml:4: key 'qualification': expected none, level1 or level2, got 'gold'");
  CHECK(error_of(replaced(kPublicCatalog, "hourly_price: 0.10", "hourly_price: cheap")) ==
        "cat.yaml:12: key 'instances[1].hourly_price': expected a number");
  CHECK(error_of(replaced(kPublicCatalog, "hourly_price: 0.10", "hourly_price: -1")) ==
        "cat.yaml:12: key 'instances[1].hourly_price': must be at least 0");
  CHECK(error_of(replaced(kPublicCatalog, "egress_per_gib", "egres_per_gib")) ==
        "cat.yaml:7: key 'egres_per_gib': unknown key");
  CHECK(error_of(replaced(kPublicCatalog, "currency: USD\n", "")).find("key 'currency': missing") !=
        std::string::npos);
  CHECK(error_of(replaced(kPublicCatalog, "{name: p.2,", "{name: p.1,"))
            .find("duplicate instance name") != std::string::npos);
  CHECK(error_of(replaced(kPublicCatalog, "{1y: 0.2,", "{1y: 1.2,")).find("must be below 1") !=
        std::string::npos);
  CHECK(error_of(R"(
provider: x
country: MA
qualification: none
currency: MAD
source: t
instances: []
disk_tiers: []
)")
            .find("key 'instances': a provider needs at least one instance type") !=
        std::string::npos);
  CHECK_THROWS_WITH_AS(load_catalog_dir("/nonexistent"), doctest::Contains("/nonexistent"),
                       CatalogError);
  CHECK_THROWS_WITH_AS(load_catalog_file("/nonexistent/x.yaml"), doctest::Contains("cannot read"),
                       CatalogError);
}
