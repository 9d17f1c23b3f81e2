#include <prometheus/registry.h>

#include <chrono>
#include <ctime>
#include <thread>
#include <utility>

#include "agent/self_metrics.h"
#include "agent/utilisation/readings.h"
#include "agent/utilisation/sampler.h"
#include "agent/utilisation/summary.h"
#include "unit/agent/inventory/support.h"
#include "unit/agent/metrics/support.h"

using namespace sahab;
using namespace sahab::agent;
using namespace sahab::agent::utilisation;
using sahab::agent::inventory::testing::fixture_file;
using sahab::agent::inventory::testing::fixture_paths;
using sahab::agent::testing::collect;
using sahab::agent::testing::value_of;

TEST_CASE("readings: /proc/stat cpu line, busy excludes idle and iowait") {
  const auto cpu = parse_cpu_times(fixture_file("default", "proc/stat"));
  REQUIRE(cpu);
  CHECK(cpu->total == 9400890);
  CHECK(cpu->busy == 9400890 - 8979004 - 3552);
  CHECK_FALSE(parse_cpu_times("cpu0 1 2 3 4\n"));
  CHECK_FALSE(parse_cpu_times("cpu  1 2 x 4 5\n"));
  CHECK_FALSE(parse_cpu_times(""));
}

TEST_CASE("readings: meminfo") {
  const auto memory = parse_memory(fixture_file("default", "proc/meminfo"));
  REQUIRE(memory);
  CHECK(memory->total == 15666184ull * 1024);
  CHECK(memory->available == 9823444ull * 1024);
  CHECK(memory->swap_total == 8000000ull * 1024);
  CHECK(memory->swap_free == 7999996ull * 1024);
  CHECK_FALSE(parse_memory("MemTotal: 100 kB\n"));  // no MemAvailable: no honest ratio
  CHECK_FALSE(parse_memory("MemTotal: 0 kB\nMemAvailable: 0 kB\n"));
}

TEST_CASE("readings: diskstats counts whole physical disks only") {
  CHECK(whole_disk("sda"));
  CHECK(whole_disk("vda"));
  CHECK(whole_disk("nvme0n1"));
  CHECK(whole_disk("mmcblk0"));
  CHECK_FALSE(whole_disk("sda1"));
  CHECK_FALSE(whole_disk("nvme0n1p2"));
  CHECK_FALSE(whole_disk("loop3"));
  CHECK_FALSE(whole_disk("dm-0"));
  CHECK_FALSE(whole_disk("md127"));
  CHECK_FALSE(whole_disk("zram0"));
  const auto disk = parse_diskstats(fixture_file("default", "proc/diskstats"));
  REQUIRE(disk);
  CHECK(disk->reads == 1500);
  CHECK(disk->writes == 2100);
  CHECK(disk->read_bytes == 120000ull * 512);
  CHECK(disk->write_bytes == 168000ull * 512);
}

TEST_CASE("readings: truncated diskstats and net/dev give nothing rather than wrong figures") {
  CHECK_FALSE(parse_diskstats(fixture_file("broken", "proc/diskstats")));
  CHECK_FALSE(parse_net_dev(fixture_file("broken", "proc/net/dev")));
}

TEST_CASE("readings: net/dev without loopback") {
  const auto net = parse_net_dev(fixture_file("default", "proc/net/dev"));
  REQUIRE(net);
  CHECK(net->receive_bytes == 123456789 + 1000);
  CHECK(net->transmit_bytes == 98765432 + 2000);
}

TEST_CASE("readings: a fixture tree reading has every part") {
  const auto r = take_reading(fixture_paths());
  CHECK(r.cpu);
  CHECK(r.memory);
  CHECK(r.disk);
  CHECK(r.network);
  CHECK(r.filesystem_used_ratio);
  const auto broken = take_reading(fixture_paths("broken"));
  CHECK(broken.cpu->total == 10);  // old kernels print only four cpu fields
  CHECK_FALSE(broken.memory);
  CHECK_FALSE(broken.disk);
}

TEST_CASE("samples: ratios and per-second rates between two readings") {
  Reading a, b;
  a.monotonic_seconds = 100;
  b.monotonic_seconds = 110;
  a.cpu = CpuTimes{100, 1000};
  b.cpu = CpuTimes{350, 2000};
  b.memory = MemoryFigures{1000, 250, 400, 100};
  a.disk = DiskCounters{10, 20, 4096, 8192};
  b.disk = DiskCounters{110, 70, 4096 + 1'000'000, 8192};
  a.network = NetworkCounters{0, 500};
  b.network = NetworkCounters{10'000, 400};  // transmit counter went back: reset
  b.filesystem_used_ratio = 0.5;
  const auto s = sample_between(a, b);
  CHECK(s.at("cpu_ratio") == doctest::Approx(0.25));
  CHECK(s.at("memory_ratio") == doctest::Approx(0.75));
  CHECK(s.at("swap_ratio") == doctest::Approx(0.75));
  CHECK(s.at("disk_read_iops") == doctest::Approx(10));
  CHECK(s.at("disk_write_iops") == doctest::Approx(5));
  CHECK(s.at("disk_read_bytes_per_second") == doctest::Approx(100'000));
  CHECK(s.at("disk_write_bytes_per_second") == doctest::Approx(0));
  CHECK(s.at("network_receive_bytes_per_second") == doctest::Approx(1000));
  CHECK_FALSE(s.contains("network_transmit_bytes_per_second"));
  CHECK(s.at("filesystem_used_ratio") == doctest::Approx(0.5));
  CHECK(sample_between(Reading{}, Reading{}).empty());
}

TEST_CASE("samples: no swap_ratio when the platform did not describe its swap") {
  Reading a, b;
  b.memory = MemoryFigures{1000, 250, 0, 0, false};  // Windows whose paging files are unknown
  auto s = sample_between(a, b);
  CHECK(s.at("memory_ratio") == doctest::Approx(0.75));
  CHECK_FALSE(s.contains("swap_ratio"));
  b.memory->swap_known = true;  // known, and none: 0, as Linux without swap
  s = sample_between(a, b);
  CHECK(s.at("swap_ratio") == 0);
}

TEST_CASE("summary: count, mean, max and sketch per metric, in the documented format") {
  Summary summary;
  summary.start = 1795860000;
  summary.end = 1795860060;
  for (double v : {0.1, 0.2, 0.3, 0.0}) summary.add_sample({{"cpu_ratio", v}});
  const auto json = summary.to_json();
  CHECK(json["samples"] == 4);
  CHECK(json["start"] == "2026-11-28T10:00:00Z");
  const auto& cpu = json["metrics"]["cpu_ratio"];
  CHECK(cpu["count"] == 4);
  CHECK(cpu["mean"].get<double>() == doctest::Approx(0.15));
  CHECK(cpu["max"].get<double>() == doctest::Approx(0.3));
  CHECK(cpu["sketch"]["z"] == 1);
  CHECK(cpu["sketch"][std::to_string(Sketch::bucket_of(0.2))] == 1);
  const auto back = Sketch::from_json(cpu["sketch"]);
  CHECK(back.count() == 4);
  CHECK(*back.quantile(1.0) == doctest::Approx(0.3).epsilon(0.01));
}

TEST_CASE("ring: sequences, bounded, pending and acknowledge") {
  SummaryRing ring(3);
  for (int i = 0; i < 5; ++i) CHECK(ring.push(Summary{}) == static_cast<std::uint64_t>(i + 1));
  CHECK(ring.size() == 3);
  CHECK(ring.dropped() == 2);
  auto pending = ring.pending();
  REQUIRE(pending.size() == 3);
  CHECK(pending.front().sequence == 3);
  CHECK(pending.back().sequence == 5);
  ring.acknowledge(4);
  pending = ring.pending();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].sequence == 5);
  ring.acknowledge(99);
  CHECK(ring.pending().empty());
  CHECK(ring.push(Summary{}) == 6);
}

TEST_CASE("ring: pending_json leaves the summaries, hand_over acknowledges what it returns") {
  SummaryRing ring(10);
  Summary one;
  one.add_sample({{"cpu_ratio", 0.5}});
  ring.push(one);
  ring.push(one);
  const auto listed = ring.pending_json();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["sequence"] == 1);
  CHECK(listed[1]["metrics"]["cpu_ratio"]["count"] == 1);
  CHECK(ring.size() == 2);
  CHECK(ring.hand_over() == listed);
  CHECK(ring.size() == 0);
  CHECK(ring.hand_over() == nlohmann::json::array());
  ring.push(one);
  const auto next = ring.hand_over();
  REQUIRE(next.size() == 1);
  CHECK(next[0]["sequence"] == 3);
}

TEST_CASE("sampler: steps, windows and the duration histogram") {
  auto self = make_self_metrics();
  int extra_calls = 0;
  Sampler sampler(
      fixture_paths(), {}, [&] { ++extra_calls; }, self.sample_duration.get());
  CHECK_FALSE(sampler.close_window());  // nothing sampled yet
  sampler.sample();
  CHECK_FALSE(sampler.close_window());  // a baseline alone is no sample
  sampler.sample();
  sampler.sample();
  const auto sequence = sampler.close_window();
  REQUIRE(sequence);
  const auto pending = sampler.ring().pending();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].samples == 2);
  CHECK(pending[0].metrics.at("memory_ratio").count == 2);
  CHECK(pending[0].metrics.at("memory_ratio").max == doctest::Approx(1 - 9823444.0 / 15666184));
  CHECK(extra_calls == 3);
  const auto families = collect(*self.sample_duration);
  REQUIRE(families.size() == 1);
  CHECK(families[0].name == "sahab_agent_sample_duration_seconds");
  CHECK(families[0].metric[0].histogram.sample_count == 3);
}

TEST_CASE("sampler: the thread samples on schedule and closes windows") {
  Sampler sampler(fixture_paths(), {std::chrono::milliseconds(20), std::chrono::milliseconds(100)});
  const auto sampled = [&sampler] {
    std::uint64_t samples = 0;
    const auto pending = sampler.ring().pending();
    for (const auto& s : pending) samples += s.samples;
    return std::pair{pending.size(), samples};
  };
  sampler.start();
  // Waits for the outcome rather than for a fixed time: a loaded machine may be slow, never wrong.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (sampled() < std::pair<std::size_t, std::uint64_t>{2, 5} &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto [windows, samples] = sampled();
  sampler.stop();
  CHECK(windows >= 2);
  CHECK(samples >= 5);
  // Each closed window holds the samples of one report interval (5 at 20 ms), never a burst.
  for (const auto& s : sampler.ring().pending()) CHECK(s.samples <= 10);
}

TEST_CASE("self metrics: process CPU and RSS of this process") {
  const auto families = collect(ProcessMetrics());
  REQUIRE(families.size() == 3);
  CHECK(families[0].name == "process_cpu_seconds_total");
  // Burn 0.1 s of CPU: the counter must grow by about as much.
  const double before = families[0].metric[0].counter.value;
  const std::clock_t start = std::clock();
  volatile double sink = 0;
  while (std::clock() - start < CLOCKS_PER_SEC / 10) sink = sink + 1;
  const double after = collect(ProcessMetrics())[0].metric[0].counter.value;
  CHECK(after - before >= 0.05);
  CHECK(after - before < 5);
  CHECK(families[1].name == "process_resident_memory_bytes");
  CHECK(families[1].metric[0].gauge.value > 1e6);
}

TEST_CASE("self metrics: pending and dropped summaries") {
  auto ring = std::make_shared<SummaryRing>(2);
  for (int i = 0; i < 3; ++i) ring->push(Summary{});
  const auto families = collect(SummaryRingMetrics(ring));
  REQUIRE(families.size() == 2);
  CHECK(value_of(families, "sahab_agent_summaries_pending") == 2);
  CHECK(value_of(families, "sahab_agent_summaries_dropped_total") == 1);
}
