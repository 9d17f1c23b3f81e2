// sahab-planner: plans a fleet's move to the cloud offline, from a fleet file or a collector's
// store (SQLite or PostgreSQL), and generates synthetic fleets for demos and benchmarks.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/duration.h"
#include "common/file.h"
#include "common/log.h"
#include "planner/fleet_generator.h"
#include "planner/fleet_source.h"
#include "planner/plan.h"
#include "planner/report.h"
#include "planner/xlsx_report.h"
#include "sahab/version.h"

namespace {
using namespace sahab;
using namespace sahab::planner;
namespace fs = std::filesystem;

constexpr const char* kUsage =
    "Usage:\n"
    "  sahab-planner plan ((--store URL | --db FILE) [--window 30d] | --fleet FILE)\n"
    "                     [--config FILE]\n"
    "                     [--import FILE ... [--import-format FORMAT]]\n"
    "                     [--out plan.json | --out plan.xlsx]\n"
    "                     [--csv DIR] [--html report.html] [--<planner key> VALUE ...]\n"
    "  sahab-planner generate-fleet --hosts N --seed S --out fleet.json\n"
    "  sahab-planner (plan|generate-fleet) --help\n"
    "  sahab-planner --version\n";

// A problem with what the user gave us (flags, files): exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string config_file_of(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--config") return argv[i + 1];
  }
  return {};
}

void write_output(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::cout << content;
    return;
  }
  write_file_atomic(path, content,
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                        fs::perms::others_read);
}

// Each --import file's counts and problems, as the collector's import answers them.
void log_imports(const std::vector<ImportReport>& reports) {
  for (const auto& r : reports) {
    log::info("import " + r.file + " (" + r.format + "): " + std::to_string(r.created) +
              " created, " + std::to_string(r.updated) + " updated, " +
              std::to_string(r.unchanged) + " unchanged, " + std::to_string(r.skipped) +
              " skipped, " + std::to_string(r.failed) + " failed");
    for (const auto& problem : r.problems) log::warn("import " + r.file + ": " + problem);
  }
}

int run_plan(int argc, char** argv) {
  PlannerConfig config;
  std::string fleet_file, db_file, store_url, out_file, csv_dir, html_file;
  auto schema =
      planner_schema(config, "sahab-planner plan",
                     "Plans a fleet's move to the cloud: sizing, strategies, move groups, "
                     "waves and costs. Every planner key is also a flag.");
  auto path_flag = [&](const char* flag, const char* help, std::string& target) {
    schema.add({flag, "", help, "", settings::Kind::kValue,
                [&target](const std::string& v, const std::string&) {
                  if (v.empty()) throw settings::BadValue("expected a path");
                  target = v;
                }});
  };
  path_flag("fleet", "sahab-fleet/1 JSON file to plan", fleet_file);
  path_flag("db",
            "collector SQLite database to plan (read-only; the collector may be running); the "
            "same as --store sqlite://FILE",
            db_file);
  path_flag("store",
            "collector store to plan, by the collector's --store URL: sqlite:///path/to/sahab.db "
            "or postgresql://user@host[:port][,host2…]/db (read-only; a password is never shown)",
            store_url);
  std::string window_text;
  path_flag("window",
            "with --store or --db: utilisation window, e.g. 30d (default: sizing.window_days)",
            window_text);
  path_flag("out",
            "where to write the plan (sahab-plan/1 JSON; a name ending in .xlsx: the plan as an "
            "Excel workbook); default: standard output",
            out_file);
  std::vector<std::string> import_files;
  schema.add({"import", "",
              "a file as a tool exported it (RVTools, Azure Migrate, AWS Discovery, Migration "
              "Center, OCS/GLPI inventory, Sahab CSV or JSON; docs/imports.md), matched and merged "
              "into the fleet as the collector's import would; repeatable, applied in order",
              "", settings::Kind::kList, [&import_files](const std::string& v, const std::string&) {
                if (v.empty()) throw settings::BadValue("expected a path");
                import_files.push_back(v);
              }});
  std::string import_format;
  path_flag("import-format",
            "the format of every --import file when its content should not decide: json, csv, "
            "rvtools, azure-migrate, aws-discovery, migration-center, inventory (docs/imports.md)",
            import_format);
  path_flag("csv", "directory for hosts.csv, waves.csv, costs.csv", csv_dir);
  path_flag("html", "printable HTML report", html_file);
  if (schema.parse(argc, argv, std::cout) != settings::Outcome::kRun) return 0;
  validate(config);
  if (!db_file.empty()) {
    if (!store_url.empty()) throw UsageError("give --store or --db, not both");
    store_url = "sqlite://" + db_file;
  }
  if (!store_url.empty() && !fleet_file.empty())
    throw UsageError("give --store (or --db) or --fleet, not both");
  if (store_url.empty() && fleet_file.empty() && import_files.empty()) {
    throw UsageError("give --fleet FILE, --store URL, --db FILE or --import FILE\n" +
                     std::string(kUsage));
  }
  if (!import_format.empty() && import_files.empty())
    throw UsageError("--import-format applies to --import files");
  if (!window_text.empty() && store_url.empty())
    throw UsageError("--window applies to --store and --db only");
  auto window_seconds = static_cast<std::int64_t>(config.sizing.window_days * 86'400);
  if (!window_text.empty()) {
    const auto d = parse_duration(window_text);
    if (!d || d->count() < 1000) {
      throw UsageError("--window: expected a duration such as 30d, got '" + window_text + "'");
    }
    window_seconds = std::chrono::duration_cast<std::chrono::seconds>(*d).count();
  }

  const auto started = std::chrono::steady_clock::now();
  const Catalogs catalogs =
      load_catalog_dir(find_catalog_dir(config.catalogs_dir, config_file_of(argc, argv)));
  std::optional<Fleet> given;
  if (!store_url.empty()) given = fleet_from_store(store_url, window_seconds);
  if (!fleet_file.empty()) given = load_fleet_file(fleet_file);
  std::vector<ImportReport> imported;
  const Fleet fleet = import_files.empty()
                          ? std::move(*given)
                          : fleet_with_imports(given, import_files, import_format, imported);
  log_imports(imported);
  const Plan result = plan(fleet, config, catalogs);
  if (out_file.ends_with(".xlsx")) {
    write_plan_xlsx(result, out_file);
  } else {
    write_output(out_file, plan_json_text(result));
  }
  if (!csv_dir.empty()) write_csv_reports(result, csv_dir);
  if (!html_file.empty())
    write_file_atomic(html_file, html_report(result, ReportLanguage::kEnglish));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log::info("planned " + std::to_string(result.hosts.size()) + " hosts in " +
            std::to_string(ms.count()) + " ms: " + std::to_string(result.waves.size()) +
            " waves, " + std::to_string(result.groups.size()) + " move groups, " +
            std::to_string(result.violations.size()) + " constraint reports");
  return 0;
}

int run_generate(int argc, char** argv) {
  GeneratorOptions options;
  std::string out_file;
  bool hosts_given = false;
  settings::Schema schema(
      "sahab-planner generate-fleet",
      "Writes a deterministic synthetic sahab-fleet/1 fleet of Moroccan communes.", kVersion);
  schema.add({"hosts", "", "number of hosts", "", settings::Kind::kValue,
              [&](const std::string& v, const std::string&) {
                options.hosts = static_cast<std::size_t>(settings::parse_integer(v, 1, 1000000));
                hosts_given = true;
              }});
  schema.add({"seed", "", "random seed (same seed, same fleet)", "1", settings::Kind::kValue,
              [&](const std::string& v, const std::string&) {
                options.seed = static_cast<std::uint64_t>(settings::parse_integer(v, 0, 1ll << 62));
              }});
  schema.add({"edges-per-host", "", "average connections per host", "5", settings::Kind::kValue,
              [&](const std::string& v, const std::string&) {
                options.edges_per_host = static_cast<double>(settings::parse_integer(v, 0, 100));
              }});
  schema.add({"out", "", "where to write the fleet; default: standard output", "",
              settings::Kind::kValue,
              [&](const std::string& v, const std::string&) { out_file = v; }});
  if (schema.parse(argc, argv, std::cout) != settings::Outcome::kRun) return 0;
  if (!hosts_given) throw UsageError("give --hosts N\n" + std::string(kUsage));
  write_output(out_file, fleet_to_json(generate_fleet(options)).dump() + "\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    if (command == "plan") return run_plan(argc - 1, argv + 1);
    if (command == "generate-fleet") return run_generate(argc - 1, argv + 1);
    if (command == "--version") {
      std::cout << "sahab-planner " << kVersion << "\n";
      return 0;
    }
    if (command == "--help" || command == "-h") {
      std::cout << kUsage;
      return 0;
    }
    std::cerr << "sahab-planner: "
              << (command.empty() ? "missing command" : "unknown command '" + command + "'") << "\n"
              << kUsage;
    return 2;
  } catch (const settings::ConfigError& e) {
    std::cerr << "sahab-planner: " << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "sahab-planner: " << e.what() << "\n";
    return 2;
  } catch (const FleetError& e) {
    std::cerr << "sahab-planner: " << e.what() << "\n";
    return 2;
  } catch (const FleetSourceError& e) {
    std::cerr << "sahab-planner: " << e.what() << "\n";
    return 2;
  } catch (const CatalogError& e) {
    std::cerr << "sahab-planner: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sahab-planner: " << e.what() << "\n";
    return 1;
  }
}
