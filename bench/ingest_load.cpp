// Simulated agents pushing to a running collector, from one process (issue 17): enrols AGENTS
// agents, sends each one full inventory, then pushes one gzip batch per agent every INTERVAL
// seconds for DURATION seconds, open loop: push k is due at t0 + k / rate whatever became of the
// earlier ones, and its latency counts from when it was due, so a collector falling behind shows
// in the percentiles instead of slowing the load (no coordinated omission).
//
//   sahab-bench-ingest --url http://127.0.0.1:PORT --enrolment-token-file FILE
//                      [--agents 100000] [--interval 60] [--duration 60] [--connections 64]
//                      [--collector-pid PID] [--server-pid PID] [--prefix bench]
//                      [--first-inventories yes|no] [--acks FILE [--drain 600]]
//
// Prints one JSON object: pushes due, done and failed, the sustained rate, p50/p99/max, how late
// the 99th percentile was sent (the part of the latency spent waiting for a connection), the
// collector's own view of the same pushes (the bucket bounds of its p50/p99 from its
// sahab_collector_batch_duration_seconds histogram, read before and after), the generator's own
// CPU (it shares the machine's cores with the collector), and with
// --collector-pid the collector's CPU (% of one core) and peak RSS over the measured phase; with
// --server-pid (a PostgreSQL postmaster) the CPU of that server's processes over the same phase.
// bench/collector_ingest.sh starts a collector and runs this against it. --first-inventories no
// skips the full inventories (minutes at 100,000 agents): the measured pushes carry summaries
// only and do the same work in the store either way.
//
// With --acks FILE (bench/soak.sh) every simulated agent behaves as the real agent's spool does
// while its collector is killed and restarted: a batch not acknowledged is kept and sent again,
// in order, one request in flight per agent, with the agent's backoff; after DURATION no new
// batch is made and the backlog is sent for at most --drain seconds. FILE gets one line per agent,
// "HOST_ID ACKNOWLEDGED MADE", which the soak compares with what the store holds.
#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <queue>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/gzip.h"
#include "common/protocol/report.h"
#include "common/sketch.h"
#include "common/timestamp.h"

namespace {
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string url;
  std::string token_file;
  int agents = 100'000;
  double interval = 60;
  double duration = 60;
  int connections = 64;
  long collector_pid = 0;
  long server_pid = 0;
  bool first_inventories = true;
  std::string prefix = "bench";
  std::string acks_file;
  double drain = 600;
};

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "sahab-bench-ingest: %s\nusage: sahab-bench-ingest --url URL --enrolment-token-file "
               "FILE [--agents N] [--interval S] [--duration S] [--connections N] "
               "[--collector-pid PID] [--server-pid PID] [--prefix P] [--first-inventories yes|no] "
               "[--acks FILE [--drain S]]\n",
               problem.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    const std::string value = argv[++i];
    try {
      if (flag == "--url")
        o.url = value;
      else if (flag == "--enrolment-token-file")
        o.token_file = value;
      else if (flag == "--agents")
        o.agents = std::stoi(value);
      else if (flag == "--interval")
        o.interval = std::stod(value);
      else if (flag == "--duration")
        o.duration = std::stod(value);
      else if (flag == "--connections")
        o.connections = std::stoi(value);
      else if (flag == "--collector-pid")
        o.collector_pid = std::stol(value);
      else if (flag == "--server-pid")
        o.server_pid = std::stol(value);
      else if (flag == "--first-inventories" && (value == "yes" || value == "no"))
        o.first_inventories = value == "yes";
      else if (flag == "--prefix")
        o.prefix = value;
      else if (flag == "--acks")
        o.acks_file = value;
      else if (flag == "--drain")
        o.drain = std::stod(value);
      else
        usage("unknown flag " + flag);
    } catch (const std::logic_error&) {
      usage("bad value for " + flag + ": " + value);
    }
  }
  if (o.url.empty() || o.token_file.empty()) usage("--url and --enrolment-token-file are required");
  if (!o.first_inventories && !o.acks_file.empty())
    usage("--acks counts the first inventory as acknowledged: keep --first-inventories yes");
  if (o.agents < 1 || o.connections < 1 || o.interval <= 0 || o.duration <= 0)
    usage("--agents, --connections, --interval and --duration must be positive");
  return o;
}

std::string read_token(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  if (!std::getline(in, token) || token.empty()) usage("cannot read a token from " + path);
  return token;
}

// --- what the simulated agents send -------------------------------------------------------------

// One summary of every utilisation metric the report format names (its field table is the
// owner), four samples each as at the agent's 15 s sampling, sketched as the agent sketches.
json summary_at(std::int64_t start, std::mt19937_64& rng) {
  namespace report = sahab::protocol::report;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  json metrics = json::object();
  for (const report::UtilisationMetric& metric : report::kUtilisationMetrics) {
    const double scale = metric.max == 1 ? 1.0 : 1e6;
    sahab::Sketch sketch;
    double sum = 0, max = 0;
    for (int i = 0; i < 4; ++i) {
      const double v = unit(rng) * scale;
      sketch.add(v);
      sum += v;
      max = std::max(max, v);
    }
    metrics[std::string(metric.name)] = {
        {"count", 4}, {"mean", sum / 4}, {"max", max}, {"sketch", sketch.to_json()}};
  }
  return {{"start", sahab::format_rfc3339(start)},
          {"end", sahab::format_rfc3339(start + 60)},
          {"samples", 4},
          {"metrics", metrics}};
}

json inventory_of(int i) {
  const std::string n = std::to_string(i);
  const std::string address = "10." + std::to_string(i / 65536) + "." +
                              std::to_string(i / 256 % 256) + "." + std::to_string(i % 256);
  const auto section = [](const std::string& hash, json data) {
    return json{{"hash", hash}, {"data", std::move(data)}};
  };
  return {
      {"format", "sahab-inventory/1"},
      {"full", true},
      {"sections",
       {{"identity", section("i" + n, {{"hostname", "srv-" + n},
                                       {"labels",
                                        {{"region", "region-" + std::to_string(i % 12)},
                                         {"commune", "commune-" + std::to_string(i % 1503)},
                                         {"environment", "prod"}}}})},
        {"system",
         section("s",
                 {{"os", {{"family", "linux"}, {"name", "Debian GNU/Linux"}, {"version", "12"}}},
                  {"kernel", "6.1.0"},
                  {"arch", "x86_64"}})},
        {"hardware",
         section("h" + n, {{"cpu", {{"model", "Xeon"}, {"cores", 8}}},
                           {"memory_bytes", 17179869184LL},
                           {"block_devices", {{{"name", "sda"}, {"size_bytes", 536870912000LL}}}},
                           {"nics", {{{"name", "eth0"}, {"ipv4", {address + "/16"}}}}}})},
        {"network",
         section("n" + n,
                 {{"listening", {{{"protocol", "tcp"}, {"port", 22}, {"process", "sshd"}}}},
                  {"connections",
                   {{{"direction", "outbound"},
                     {"remote_address", "10.0.0." + std::to_string(i * 7 % 250 + 1)},
                     {"remote_port", 5432},
                     {"process", "app"},
                     {"count", 2}}}}})}}}};
}

// --- HTTP: a pool of keep-alive connections driven by one curl multi handle ---------------------

struct Request {
  std::string path;
  std::string bearer;
  std::string body;
  bool gzip = false;
  Clock::time_point due;
  // `seconds` from when the request was due to its answer, `late` of them before it was sent
  // (every connection busy, or the generator itself behind).
  std::function<void(long status, const std::string& answer, double seconds, double late)> done;
  Clock::time_point sent{};
};

class Pool {
 public:
  Pool(std::string base_url, int connections) : base_(std::move(base_url)) {
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(connections));
    for (int i = 0; i < connections; ++i) {
      slots_.emplace_back();
      slots_.back().easy = curl_easy_init();
    }
    for (auto& slot : slots_) free_.push_back(&slot);
  }
  ~Pool() {
    for (auto& slot : slots_) {
      curl_easy_cleanup(slot.easy);
      curl_slist_free_all(slot.headers);
    }
    curl_multi_cleanup(multi_);
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  bool has_free() const { return !free_.empty(); }
  bool busy() const { return free_.size() < slots_.size(); }

  void start(Request request) {
    Slot& slot = *free_.back();
    free_.pop_back();
    slot.request = std::move(request);
    slot.request.sent = Clock::now();
    slot.answer.clear();
    curl_slist_free_all(slot.headers);
    slot.headers =
        curl_slist_append(nullptr, ("Authorization: Bearer " + slot.request.bearer).c_str());
    slot.headers = curl_slist_append(slot.headers, "Content-Type: application/json");
    if (slot.request.gzip) slot.headers = curl_slist_append(slot.headers, "Content-Encoding: gzip");
    slot.headers = curl_slist_append(slot.headers, "Expect:");
    CURL* easy = slot.easy;
    slot.url = base_ + slot.request.path;
    curl_easy_setopt(easy, CURLOPT_URL, slot.url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, slot.headers);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, slot.request.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(slot.request.body.size()));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Pool::collect);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &slot.answer);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &slot);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_multi_add_handle(multi_, easy);
  }

  // Runs transfers for up to `wait`, calling each finished request's `done`.
  void pump(std::chrono::milliseconds wait) {
    int running = 0;
    curl_multi_perform(multi_, &running);
    curl_multi_poll(multi_, nullptr, 0, static_cast<int>(std::max<long>(0, wait.count())), nullptr);
    curl_multi_perform(multi_, &running);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      Slot* slot = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &slot);
      long status = 0;
      if (message->data.result == CURLE_OK)
        curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      curl_multi_remove_handle(multi_, message->easy_handle);
      const auto seconds = [due = slot->request.due](Clock::time_point t) {
        return std::chrono::duration<double>(t - due).count();
      };
      const double total = seconds(Clock::now()), late = seconds(slot->request.sent);
      auto done = std::move(slot->request.done);
      const std::string answer = std::move(slot->answer);
      free_.push_back(slot);
      if (done) done(status, answer, total, late);
    }
  }

 private:
  struct Slot {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string url;
    std::string answer;
    Request request;
  };
  static size_t collect(char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
  }

  std::string base_;
  CURLM* multi_ = nullptr;
  std::deque<Slot> slots_;  // stable addresses
  std::vector<Slot*> free_;
};

// Runs `count` requests made by `make(i)` as fast as the pool allows (closed loop).
void run_all(Pool& pool, int count, const std::function<Request(int)>& make) {
  int next = 0;
  while (next < count || pool.busy()) {
    while (next < count && pool.has_free()) {
      Request r = make(next++);
      r.due = Clock::now();
      pool.start(std::move(r));
    }
    pool.pump(std::chrono::milliseconds(50));
  }
}

// --- the collector's process -------------------------------------------------------------------

// Fields 3.. of /proc/PID/stat (after the command name), empty when the process is gone.
std::vector<std::string> stat_fields(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto name_end = text.rfind(')');
  if (name_end == std::string::npos || name_end + 2 > text.size()) return {};
  std::istringstream stream(text.substr(name_end + 2));
  std::vector<std::string> fields;
  for (std::string field; stream >> field;) fields.push_back(field);
  return fields;
}

// Field number `n` of /proc/PID/stat (1-based, as proc(5) numbers them) as a number.
double stat_field(const std::vector<std::string>& fields, size_t n) {
  return n - 3 < fields.size() ? std::stod(fields[n - 3]) : 0;
}

double ticks_to_seconds(double ticks) { return ticks / static_cast<double>(sysconf(_SC_CLK_TCK)); }

double cpu_seconds(long pid) {
  const auto fields = stat_fields(std::to_string(pid));
  return ticks_to_seconds(stat_field(fields, 14) + stat_field(fields, 15));  // utime, stime
}

// A PostgreSQL server's CPU: the postmaster's own, its children's that have ended (cutime,
// cstime) and those of the children still running (backends, WAL writer, checkpointer).
double server_cpu_seconds(long postmaster) {
  const auto own = stat_fields(std::to_string(postmaster));
  double ticks =
      stat_field(own, 14) + stat_field(own, 15) + stat_field(own, 16) + stat_field(own, 17);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto fields = stat_fields(pid);
    if (stat_field(fields, 4) == static_cast<double>(postmaster))  // ppid
      ticks += stat_field(fields, 14) + stat_field(fields, 15);
  }
  return ticks_to_seconds(ticks);
}

double rss_mib(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("VmRSS:")) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// --- the collector's own view: its batch duration histogram on /metrics -------------------------

// Cumulative counts of sahab_collector_batch_duration_seconds by bucket bound (le, in seconds;
// +Inf as infinity), from the collector's /metrics; empty when it cannot be read.
std::map<double, double> batch_buckets(const std::string& base_url) {
  std::string text;
  CURL* easy = curl_easy_init();
  const std::string url = base_url + "/metrics";
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, 60L);  // a loaded machine: a scrape can take seconds
  curl_easy_setopt(
      easy, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* out) {
        static_cast<std::string*>(out)->append(data, size * count);
        return size * count;
      });
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &text);
  const CURLcode code = curl_easy_perform(easy);
  curl_easy_cleanup(easy);
  const bool read = code == CURLE_OK;
  if (!read) std::fprintf(stderr, "cannot read %s: %s\n", url.c_str(), curl_easy_strerror(code));
  std::map<double, double> buckets;
  const std::string prefix = "sahab_collector_batch_duration_seconds_bucket{le=\"";
  std::istringstream lines(read ? text : "");
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(prefix)) continue;
    const auto quote = line.find('"', prefix.size());
    const auto space = line.rfind(' ');
    if (quote == std::string::npos || space == std::string::npos) continue;
    const std::string le = line.substr(prefix.size(), quote - prefix.size());
    buckets[le == "+Inf" ? INFINITY : std::stod(le)] = std::stod(line.substr(space + 1));
  }
  return buckets;
}

// The bound of the bucket holding quantile `q` of what was observed between the two readings:
// the collector's latency is at most that (a histogram knows no more). Infinity past the last
// finite bound, NaN when nothing was observed.
double bucket_quantile(const std::map<double, double>& before,
                       const std::map<double, double>& after, double q) {
  const auto count = [&](double le) {
    const auto b = before.find(le);
    return after.at(le) - (b == before.end() ? 0 : b->second);
  };
  if (after.empty() || count(after.rbegin()->first) <= 0) return NAN;
  const double wanted = q * count(after.rbegin()->first);
  for (const auto& [le, cumulative] : after)
    if (count(le) >= wanted) return le;
  return INFINITY;
}

json bound_ms(double seconds) {
  if (std::isnan(seconds)) return nullptr;
  if (std::isinf(seconds)) return "above the largest bucket";
  return std::round(seconds * 1e5) / 100;
}

double percentile(std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1,
                         static_cast<size_t>(q * static_cast<double>(sorted.size())))];
}

// --- the soak: agents that keep what was not acknowledged --------------------------------------

// One simulated agent's spool, reduced to counters: batches 1..made exist, 1..sent_upto are
// answered (acknowledged, or refused for good and dropped as the real agent does).
struct SoakAgent {
  std::int64_t made = 1;  // the first full inventory, acknowledged before the soak starts
  std::int64_t sent_upto = 1;
  std::int64_t acknowledged = 1;
  int failures_in_a_row = 0;
  bool busy = false;  // a request in flight, or waiting in `ready` or for its backoff
};

// The agent's backoff (agent/push/pusher.cpp): from 1 s, doubling, capped (here at 30 s so a
// restarted collector is found again quickly), with equal jitter.
Clock::duration backoff(int failures_in_a_row, std::mt19937_64& rng) {
  const double ceiling = std::min(30.0, std::ldexp(1.0, std::min(failures_in_a_row, 5)));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(ceiling * jitter(rng)));
}

// Runs the agents open loop (a new batch per agent every interval) for the duration, then drains
// their backlog; writes --acks and prints the totals. True when every batch made was acknowledged.
bool soak(Pool& pool, const Options& o, const std::vector<std::string>& credentials,
          const std::function<std::string(int, std::int64_t)>& batch) {
  std::vector<SoakAgent> agents(static_cast<size_t>(o.agents));
  std::deque<int> ready;
  using Retry = std::pair<Clock::time_point, int>;
  std::priority_queue<Retry, std::vector<Retry>, std::greater<>> retries;
  std::mt19937_64 rng(2);
  long attempts = 0, failed = 0, refused = 0;
  std::vector<double> latencies;
  const double rate = o.agents / o.interval;
  const auto total = static_cast<long>(rate * o.duration);
  const auto t0 = Clock::now();
  const auto due_of = [&](long k) {
    return t0 +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k / rate));
  };
  const auto wake = [&](int i) {
    SoakAgent& a = agents[static_cast<size_t>(i)];
    if (a.busy || a.sent_upto == a.made) return;
    a.busy = true;
    ready.push_back(i);
  };
  const auto send = [&](int i) {
    SoakAgent& a = agents[static_cast<size_t>(i)];
    ++attempts;
    pool.start({"/api/v1/ingest", credentials[static_cast<size_t>(i)], batch(i, a.sent_upto + 1),
                true, Clock::now(),
                [&, i](long status, const std::string& answer, double seconds, double) {
                  SoakAgent& agent = agents[static_cast<size_t>(i)];
                  agent.busy = false;
                  if (status == 200 || status == 400 || status == 413) {
                    ++agent.sent_upto;
                    agent.failures_in_a_row = 0;
                    if (status == 200) {
                      ++agent.acknowledged;
                      latencies.push_back(seconds);
                    } else if (refused++ < 5) {
                      std::fprintf(stderr, "push refused: HTTP %ld %s\n", status, answer.c_str());
                    }
                    return wake(i);
                  }
                  ++failed;
                  agent.busy = true;
                  retries.emplace(Clock::now() + backoff(agent.failures_in_a_row++, rng), i);
                }});
  };
  long next = 0;
  const auto drain_until = due_of(total) + std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(o.drain));
  const auto backlog = [&] {
    return std::any_of(agents.begin(), agents.end(),
                       [](const SoakAgent& a) { return a.sent_upto < a.made; });
  };
  while (next < total || pool.busy() || (Clock::now() < drain_until && backlog())) {
    const auto now = Clock::now();
    for (; next < total && due_of(next) <= now; ++next) {
      const int i = static_cast<int>(next % o.agents);
      ++agents[static_cast<size_t>(i)].made;
      wake(i);
    }
    for (; !retries.empty() && retries.top().first <= now; retries.pop()) {
      agents[static_cast<size_t>(retries.top().second)].busy = false;
      wake(retries.top().second);
    }
    for (; !ready.empty() && pool.has_free(); ready.pop_front()) send(ready.front());
    pool.pump(std::chrono::milliseconds(20));
  }
  std::ofstream acks(o.acks_file);
  std::int64_t made = 0, acknowledged = 0;
  for (int i = 0; i < o.agents; ++i) {
    const SoakAgent& a = agents[static_cast<size_t>(i)];
    acks << o.prefix << '-' << i << ' ' << a.acknowledged << ' ' << a.made << '\n';
    made += a.made;
    acknowledged += a.acknowledged;
  }
  std::sort(latencies.begin(), latencies.end());
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  const json result = {{"agents", o.agents},
                       {"batches_made", made},
                       {"acknowledged", acknowledged},
                       {"refused", refused},
                       {"attempts", attempts},
                       {"attempts_failed", failed},
                       {"seconds", std::round(elapsed * 10) / 10},
                       {"p50_ms", std::round(percentile(latencies, 0.5) * 1e5) / 100},
                       {"p99_ms", std::round(percentile(latencies, 0.99) * 1e5) / 100}};
  std::printf("%s\n", result.dump(2).c_str());
  return acks.good() && acknowledged == made;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const std::string token = read_token(o.token_file);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Pool pool(o.url, o.connections);
  const auto host_of = [&](int i) { return o.prefix + "-" + std::to_string(i); };
  std::vector<std::string> credentials(static_cast<size_t>(o.agents));
  int failures = 0;
  const auto fail = [&](const char* what, long status, const std::string& answer) {
    if (failures++ < 5) std::fprintf(stderr, "%s: HTTP %ld %s\n", what, status, answer.c_str());
  };

  auto phase = Clock::now();
  run_all(pool, o.agents, [&](int i) {
    return Request{"/api/v1/enrol",
                   token,
                   json{{"host_id", host_of(i)}, {"hostname", "srv-" + std::to_string(i)}}.dump(),
                   false,
                   {},
                   [&, i](long status, const std::string& answer, double, double) {
                     if (status != 201) return fail("enrol", status, answer);
                     credentials[static_cast<size_t>(i)] = json::parse(answer).at("credential");
                   }};
  });
  std::fprintf(stderr, "enrolled %d agents in %.1f s (%d failed)\n", o.agents,
               std::chrono::duration<double>(Clock::now() - phase).count(), failures);
  if (failures) return 1;

  std::mt19937_64 rng(1);
  const std::int64_t base = (std::time(nullptr) / 60) * 60 - 3'600;
  const auto batch = [&](int i, std::int64_t sequence, bool with_inventory) {
    json doc = {{"format", "sahab-ingest/1"},
                {"host_id", host_of(i)},
                {"sequence", sequence},
                {"sent_at", sahab::format_rfc3339(std::time(nullptr))},
                {"summaries", {summary_at(base + sequence * 60, rng)}}};
    if (with_inventory) doc["inventory"] = inventory_of(i);
    return sahab::gzip::compress(doc.dump());
  };
  phase = Clock::now();
  run_all(pool, o.first_inventories ? o.agents : 0, [&](int i) {
    return Request{"/api/v1/ingest",
                   credentials[static_cast<size_t>(i)],
                   batch(i, 1, true),
                   true,
                   {},
                   [&](long status, const std::string& answer, double, double) {
                     if (status != 200) fail("inventory push", status, answer);
                   }};
  });
  std::fprintf(stderr, "first full inventories pushed in %.1f s (%d failed)\n",
               std::chrono::duration<double>(Clock::now() - phase).count(), failures);
  if (failures) return 1;

  if (!o.acks_file.empty()) {
    const bool all_acknowledged =
        soak(pool, o, credentials, [&](int i, std::int64_t s) { return batch(i, s, false); });
    curl_global_cleanup();
    return all_acknowledged ? 0 : 1;
  }

  std::vector<std::int64_t> sequences(static_cast<size_t>(o.agents), 1);
  const double rate = o.agents / o.interval;
  const auto total = static_cast<long>(rate * o.duration);
  std::vector<double> latencies, lateness;
  latencies.reserve(static_cast<size_t>(total));
  lateness.reserve(static_cast<size_t>(total));
  long failed = 0;
  double rss_peak = 0;
  // Every measured push's body is made before the clock starts (the same bodies, in the same
  // order, as when each was made at its due time): the generator shares the cores with the
  // collector, and making a body at its due time (JSON, sketches, gzip) was CPU taken from it.
  std::vector<std::string> bodies(static_cast<size_t>(total));
  const double making_cpu = cpu_seconds(getpid());
  for (long k = 0; k < total; ++k) {
    const int agent = static_cast<int>(k % o.agents);
    bodies[static_cast<size_t>(k)] = batch(agent, ++sequences[static_cast<size_t>(agent)], false);
  }
  std::fprintf(stderr, "made %ld bodies: %.1f µs of CPU each\n", total,
               1e6 * (cpu_seconds(getpid()) - making_cpu) / std::max<double>(1, total));
  const auto buckets_before = batch_buckets(o.url);
  const double own_cpu_before = cpu_seconds(getpid());
  const double cpu_before = o.collector_pid ? cpu_seconds(o.collector_pid) : 0;
  const double server_cpu_before = o.server_pid ? server_cpu_seconds(o.server_pid) : 0;
  const auto t0 = Clock::now();
  const auto due_of = [&](long k) {
    return t0 +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k / rate));
  };
  long next = 0;
  while (next < total || pool.busy()) {
    while (next < total && pool.has_free() && due_of(next) <= Clock::now()) {
      const int agent = static_cast<int>(next % o.agents);
      pool.start({"/api/v1/ingest", credentials[static_cast<size_t>(agent)],
                  std::move(bodies[static_cast<size_t>(next)]), true, due_of(next),
                  [&](long status, const std::string& answer, double seconds, double late) {
                    lateness.push_back(late);
                    if (status == 200) return latencies.push_back(seconds);
                    ++failed;
                    fail("push", status, answer);
                  }});
      if (++next % 1'000 == 0 && o.collector_pid)
        rss_peak = std::max(rss_peak, rss_mib(o.collector_pid));
    }
    const auto until_due = next < total ? due_of(next) - Clock::now() : Clock::duration(0);
    pool.pump(std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until_due),
                         std::chrono::milliseconds(0), std::chrono::milliseconds(20)));
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  const double own_cpu = cpu_seconds(getpid()) - own_cpu_before;
  const auto buckets_after = batch_buckets(o.url);
  std::sort(latencies.begin(), latencies.end());
  std::sort(lateness.begin(), lateness.end());
  json result = {
      {"agents", o.agents},
      {"target_pushes_per_s", std::round(rate * 10) / 10},
      {"pushes", total},
      {"failed", failed},
      {"seconds", std::round(elapsed * 10) / 10},
      {"pushes_per_s", std::round(static_cast<double>(latencies.size()) / elapsed * 10) / 10},
      {"p50_ms", std::round(percentile(latencies, 0.5) * 1e5) / 100},
      {"p99_ms", std::round(percentile(latencies, 0.99) * 1e5) / 100},
      {"max_ms", latencies.empty() ? 0.0 : std::round(latencies.back() * 1e4) / 10},
      {"sent_late_p99_ms", std::round(percentile(lateness, 0.99) * 1e5) / 100},
      {"collector_p50_ms_at_most", bound_ms(bucket_quantile(buckets_before, buckets_after, 0.5))},
      {"collector_p99_ms_at_most", bound_ms(bucket_quantile(buckets_before, buckets_after, 0.99))},
      {"generator_cpu_percent_of_one_core", std::round(1000 * own_cpu / elapsed) / 10}};
  if (o.collector_pid) {
    rss_peak = std::max(rss_peak, rss_mib(o.collector_pid));
    result["collector_cpu_percent_of_one_core"] =
        std::round(1000 * (cpu_seconds(o.collector_pid) - cpu_before) / elapsed) / 10;
    result["collector_rss_mib_peak"] = std::round(rss_peak * 10) / 10;
  }
  if (o.server_pid) {
    result["server_cpu_percent_of_one_core"] =
        std::round(1000 * (server_cpu_seconds(o.server_pid) - server_cpu_before) / elapsed) / 10;
  }
  std::printf("%s\n", result.dump(2).c_str());
  curl_global_cleanup();
  return failed == 0 ? 0 : 1;
}
