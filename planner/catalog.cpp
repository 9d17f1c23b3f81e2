#include "planner/catalog.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/file.h"

namespace sahab::planner {
namespace {

// Reads typed values out of a YAML tree, failing with "file:line: key 'a.b': why".
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& why) const {
    throw CatalogError(file_ + ":" + std::to_string(node.Mark().line + 1) + ": key '" + key +
                       "': " + why);
  }

  // Refuses keys the format does not know, so typos do not silently drop prices.
  void only_keys(const YAML::Node& map, const std::string& path,
                 std::initializer_list<const char*> known) const {
    if (!map.IsMap()) fail(map, path, "expected a mapping");
    for (const auto& item : map) {
      const auto key = item.first.as<std::string>();
      if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
        fail(item.first, join(path, key), "unknown key");
      }
    }
  }

  std::string text(const YAML::Node& map, const std::string& path, const char* key,
                   bool required = true) const {
    const YAML::Node value = map[key];
    if (!value) {
      if (required) fail(map, join(path, key), "missing");
      return {};
    }
    if (!value.IsScalar() || value.Scalar().empty()) fail(value, join(path, key), "expected text");
    return value.Scalar();
  }

  double number(const YAML::Node& map, const std::string& path, const char* key,
                std::optional<double> fallback = std::nullopt, double min = 0) const {
    const YAML::Node value = map[key];
    if (!value) {
      if (!fallback) fail(map, join(path, key), "missing");
      return *fallback;
    }
    double n = 0;
    if (!value.IsScalar() || !YAML::convert<double>::decode(value, n) || !std::isfinite(n)) {
      fail(value, join(path, key), "expected a number");
    }
    if (n < min)
      fail(value, join(path, key), "must be at least " + YAML::Node(min).as<std::string>());
    return n;
  }

  YAML::Node sequence(const YAML::Node& map, const std::string& path, const char* key,
                      bool required) const {
    const YAML::Node value = map[key];
    if (!value) {
      if (required) fail(map, join(path, key), "missing");
      return YAML::Node(YAML::NodeType::Sequence);
    }
    if (!value.IsSequence()) fail(value, join(path, key), "expected a list");
    return value;
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string item(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }

 private:
  std::string file_;
};

InstanceType instance(const Reader& r, const YAML::Node& node, const std::string& path) {
  r.only_keys(node, path, {"name", "series", "vcpu", "memory_gib", "hourly_price"});
  InstanceType t;
  t.name = r.text(node, path, "name");
  t.series = r.text(node, path, "series", false);
  t.vcpu = r.number(node, path, "vcpu", std::nullopt, 0.001);
  t.memory_gib = r.number(node, path, "memory_gib", std::nullopt, 0.001);
  t.hourly_price = r.number(node, path, "hourly_price");
  return t;
}

DiskTier disk_tier(const Reader& r, const YAML::Node& node, const std::string& path) {
  r.only_keys(node, path, {"name", "price_per_gib_month", "max_size_gib", "iops", "mbps", "steps"});
  DiskTier tier;
  tier.name = r.text(node, path, "name");
  const YAML::Node steps = r.sequence(node, path, "steps", false);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string p = Reader::item(Reader::join(path, "steps"), i);
    r.only_keys(steps[i], p, {"size_gib", "iops", "mbps", "monthly_price"});
    tier.steps.push_back({r.number(steps[i], p, "size_gib", std::nullopt, 1),
                          r.number(steps[i], p, "iops"), r.number(steps[i], p, "mbps"),
                          r.number(steps[i], p, "monthly_price")});
  }
  if (tier.steps.empty()) {
    tier.price_per_gib_month = r.number(node, path, "price_per_gib_month");
    tier.max_size_gib = r.number(node, path, "max_size_gib", std::nullopt, 1);
    tier.iops = r.number(node, path, "iops");
    tier.mbps = r.number(node, path, "mbps");
  } else {
    std::sort(tier.steps.begin(), tier.steps.end(),
              [](const DiskStep& a, const DiskStep& b) { return a.size_gib < b.size_gib; });
    tier.max_size_gib = tier.steps.back().size_gib;
  }
  return tier;
}

ManagedService managed(const Reader& r, const YAML::Node& node, const std::string& path) {
  r.only_keys(node, path, {"name", "software", "price_factor"});
  ManagedService service;
  service.name = r.text(node, path, "name");
  service.price_factor = r.number(node, path, "price_factor", 1.0, 0.01);
  const YAML::Node software = r.sequence(node, path, "software", true);
  for (const auto& s : software) {
    if (!s.IsScalar()) r.fail(s, Reader::join(path, "software"), "expected names");
    std::string name = s.Scalar();
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    service.software.push_back(name);
  }
  return service;
}

int qualification(const Reader& r, const YAML::Node& root) {
  const std::string value = r.text(root, "", "qualification");
  if (value == "none") return 0;
  if (value == "level1" || value == "level 1" || value == "1") return 1;
  if (value == "level2" || value == "level 2" || value == "2") return 2;
  r.fail(root["qualification"], "qualification",
         "expected none, level1 or level2, got '" + value + "'");
}

}  // namespace

Provider parse_catalog(const std::string& yaml_text, const std::string& file_name) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw CatalogError(file_name + ":" + std::to_string(e.mark.line + 1) +
                       ": not valid YAML: " + e.msg);
  }
  const Reader r(file_name);
  if (!root.IsMap()) throw CatalogError(file_name + ": expected a mapping with a provider");
  r.only_keys(
      root, "",
      {"provider", "country", "qualification", "currency", "source", "instances", "disk_tiers",
       "managed_services", "egress_per_gib", "commitment_discounts", "licences"});
  Provider p;
  p.name = r.text(root, "", "provider");
  p.country = r.text(root, "", "country");
  p.qualification = qualification(r, root);
  p.currency = r.text(root, "", "currency");
  p.source = r.text(root, "", "source");
  p.egress_per_gib = r.number(root, "", "egress_per_gib", 0.0);

  const YAML::Node instances = r.sequence(root, "", "instances", true);
  std::set<std::string> names;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    p.instances.push_back(instance(r, instances[i], Reader::item("instances", i)));
    if (!names.insert(p.instances.back().name).second) {
      r.fail(instances[i], Reader::item("instances", i) + ".name", "duplicate instance name");
    }
  }
  if (p.instances.empty()) r.fail(root, "instances", "a provider needs at least one instance type");
  std::sort(
      p.instances.begin(), p.instances.end(), [](const InstanceType& a, const InstanceType& b) {
        return std::tie(a.hourly_price, a.vcpu, a.name) < std::tie(b.hourly_price, b.vcpu, b.name);
      });

  const YAML::Node tiers = r.sequence(root, "", "disk_tiers", true);
  for (std::size_t i = 0; i < tiers.size(); ++i) {
    p.disk_tiers.push_back(disk_tier(r, tiers[i], Reader::item("disk_tiers", i)));
  }
  if (p.disk_tiers.empty()) r.fail(root, "disk_tiers", "a provider needs at least one disk tier");

  const YAML::Node services = r.sequence(root, "", "managed_services", false);
  for (std::size_t i = 0; i < services.size(); ++i) {
    p.managed_services.push_back(managed(r, services[i], Reader::item("managed_services", i)));
  }
  if (const YAML::Node discounts = root["commitment_discounts"]) {
    r.only_keys(discounts, "commitment_discounts", {"1y", "3y"});
    for (const char* term : {"1y", "3y"}) {
      if (discounts[term]) {
        const double share = r.number(discounts, "commitment_discounts", term);
        if (share >= 1)
          r.fail(discounts[term], std::string("commitment_discounts.") + term,
                 "must be below 1 (a share)");
        p.commitment_discounts[term] = share;
      }
    }
  }
  if (const YAML::Node licences = root["licences"]) {
    r.only_keys(licences, "licences", {"windows_per_vcpu_hour", "sql_server_per_vcpu_hour"});
    p.windows_per_vcpu_hour = r.number(licences, "licences", "windows_per_vcpu_hour", 0.0);
    p.sql_server_per_vcpu_hour = r.number(licences, "licences", "sql_server_per_vcpu_hour", 0.0);
  }
  return p;
}

Provider load_catalog_file(const std::filesystem::path& file) {
  std::string text;
  try {
    text = read_file(file);
  } catch (const FileError& e) {
    throw CatalogError(file.string() + ": cannot read the file");
  }
  return parse_catalog(text, file.string());
}

Catalogs load_catalog_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml") {
      files.push_back(entry.path());
    }
  }
  if (ec) throw CatalogError(dir.string() + ": cannot list catalogues: " + ec.message());
  std::sort(files.begin(), files.end());
  Catalogs catalogs;
  for (const auto& file : files) {
    Provider provider = load_catalog_file(file);
    for (const auto& other : catalogs.providers) {
      if (other.name == provider.name) {
        throw CatalogError(file.string() + ": key 'provider': '" + provider.name +
                           "' is already defined by another catalogue");
      }
    }
    catalogs.providers.push_back(std::move(provider));
  }
  if (catalogs.providers.empty()) throw CatalogError(dir.string() + ": no *.yaml catalogue found");
  std::sort(catalogs.providers.begin(), catalogs.providers.end(),
            [](const Provider& a, const Provider& b) { return a.name < b.name; });
  return catalogs;
}

}  // namespace sahab::planner
