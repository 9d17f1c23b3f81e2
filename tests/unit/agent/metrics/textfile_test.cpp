#include <sys/stat.h>

#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

Paths textfile_paths(const TempTree& tree) {
  Paths paths = tree.paths();
  paths.options.textfile_directory = tree.base / "textfile";
  return paths;
}

const prometheus::ClientMetric& only_metric(const MetricFamilies& families,
                                            const std::string& name) {
  const auto* family = find_family(families, name);
  REQUIRE(family);
  REQUIRE(family->metric.size() == 1);
  return family->metric[0];
}

}  // namespace

TEST_CASE("textfile: gauges, counters, untyped, histograms and summaries from *.prom files") {
  TempTree tree;
  tree.write("textfile/backup.prom",
             "# HELP backup_last_success_seconds Last good backup.\n"
             "# TYPE backup_last_success_seconds gauge\n"
             "backup_last_success_seconds{job=\"db\",note=\"a \\\"b\\\" \\\\ c\"} 1.7e9\n"
             "# TYPE backup_runs_total counter\n"
             "backup_runs_total 12\n"
             "no_help_at_all 5\n"
             "# TYPE latency histogram\n"
             "latency_bucket{le=\"0.5\"} 1\n"
             "latency_bucket{le=\"+Inf\"} 2\n"
             "latency_sum 0.7\n"
             "latency_count 2\n"
             "# TYPE rpc summary\n"
             "rpc{quantile=\"0.9\"} 0.25\n"
             "rpc_sum 4\n"
             "rpc_count 9\n");
  tree.write("textfile/more.prom",
             "# TYPE backup_runs_total counter\nbackup_runs_total{site=\"b\"} 3\n");
  tree.write("textfile/notes.txt", "not_read 1\n");
  const auto families = collect(*make_textfile_collector(textfile_paths(tree)));

  CHECK(value_of(families, "node_textfile_scrape_error") == 0);
  CHECK(value_of(families, "backup_last_success_seconds", {{"note", "a \"b\" \\ c"}}) == 1.7e9);
  CHECK(find_family(families, "backup_last_success_seconds")->help == "Last good backup.");
  // Samples of the same family in two files are merged, as upstream.
  CHECK(value_of(families, "backup_runs_total", {{"site", "b"}}) == 3);
  CHECK(find_family(families, "backup_runs_total")->metric.size() == 2);
  CHECK(find_family(families, "backup_runs_total")->type == prometheus::MetricType::Counter);
  CHECK(find_family(families, "no_help_at_all")->help ==
        "Metric read from " + (tree.base / "textfile/backup.prom").string());
  CHECK_FALSE(find_family(families, "not_read"));

  const auto& histogram = only_metric(families, "latency").histogram;
  CHECK(histogram.sample_count == 2);
  CHECK(histogram.sample_sum == doctest::Approx(0.7));
  REQUIRE(histogram.bucket.size() == 2);
  CHECK(histogram.bucket[0].upper_bound == 0.5);
  CHECK(histogram.bucket[1].cumulative_count == 2);
  const auto& summary = only_metric(families, "rpc").summary;
  CHECK(summary.sample_count == 9);
  REQUIRE(summary.quantile.size() == 1);
  CHECK(summary.quantile[0].value == 0.25);

  struct stat st {};
  REQUIRE(::stat((tree.base / "textfile/backup.prom").c_str(), &st) == 0);
  CHECK(value_of(families, "node_textfile_mtime_seconds",
                 {{"file", (tree.base / "textfile/backup.prom").string()}}) == st.st_mtime);
  CHECK(find_family(families, "node_textfile_mtime_seconds")->metric.size() == 2);
}

TEST_CASE("textfile: a broken file or one with timestamps is skipped whole and sets the error") {
  TempTree tree;
  tree.write("textfile/good.prom", "good 1\n");
  tree.write("textfile/broken.prom", "half_read 1\nbad{ 1\n");
  tree.write("textfile/stamped.prom", "stamped 1 1700000000000\n");
  const auto families = collect(*make_textfile_collector(textfile_paths(tree)));
  CHECK(value_of(families, "node_textfile_scrape_error") == 1);
  CHECK(value_of(families, "good") == 1);
  CHECK_FALSE(find_family(families, "half_read"));
  CHECK_FALSE(find_family(families, "stamped"));
  CHECK(find_family(families, "node_textfile_mtime_seconds")->metric.size() == 1);
}

TEST_CASE("textfile: no directory is no error and no metrics") {
  TempTree tree;
  const auto families = collect(*make_textfile_collector(textfile_paths(tree)));
  CHECK(value_of(families, "node_textfile_scrape_error") == 0);
  CHECK(families.size() == 1);
}

TEST_CASE("textfile: a family typed differently in two files is an error for the second file") {
  TempTree tree;
  tree.write("textfile/a.prom", "# TYPE jobs counter\njobs 1\n");
  tree.write("textfile/b.prom", "# TYPE jobs gauge\njobs 2\nother 3\n");
  const auto families = collect(*make_textfile_collector(textfile_paths(tree)));
  CHECK(value_of(families, "node_textfile_scrape_error") == 1);
  CHECK(find_family(families, "jobs")->metric.size() == 1);
  CHECK_FALSE(find_family(families, "other"));
}
