// Simulated agents pushing to a running collector, from one process (issue 17): enrols AGENTS
// agents, sends each one full inventory, then pushes one gzip batch per agent every INTERVAL
// seconds for DURATION seconds, open loop: push k is due at t0 + k / rate whatever became of the
// earlier ones, and its latency counts from when it was due, so a collector falling behind shows
// in the percentiles instead of slowing the load (no coordinated omission).
//
//   sahab-bench-ingest --url http://127.0.0.1:PORT --enrolment-token-file FILE
//                      [--agents 100000] [--interval 60] [--duration 60] [--connections 64]
//                      [--collector-pid PID] [--server-pid PID] [--prefix bench]
//                      [--first-inventories yes|no] [--history-minutes 0]
//                      [--acks FILE [--drain 600]] [--timeline FILE]
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
// only and do the same work in the store either way. --history-minutes N first sends each agent
// one batch of the N minutes before the measured ones (as an agent replaying its spool), so the
// measured pushes land in an hour already holding N minutes, as in a store that has run for a
// while (30: an hour's average; 0, a fresh hour, is the cheapest a push can be). The measured
// minutes are those from minute N of the hour before the current one, whatever the time.
// --timeline FILE writes one line per second of the measured phase (UTC time the pushes were
// due, how many, their p50 and max latency), to find when a stall happened and line it up with
// the collector's and the database server's logs.
//
// With --acks FILE (bench/soak.sh) every simulated agent behaves as the real agent's spool does
// while its collector is killed and restarted: a batch not acknowledged is kept and sent again,
// in order, one request in flight per agent, with the agent's backoff; after DURATION no new
// batch is made and the backlog is sent for at most --drain seconds. FILE gets one line per agent,
// "HOST_ID ACKNOWLEDGED MADE", which the soak compares with what the store holds.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
  int history_minutes = 0;
  std::string prefix = "bench";
  std::string acks_file;
  double drain = 600;
  std::string timeline_file;
};

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "sahab-bench-ingest: %s\nusage: sahab-bench-ingest --url URL --enrolment-token-file "
               "FILE [--agents N] [--interval S] [--duration S] [--connections N] "
               "[--collector-pid PID] [--server-pid PID] [--prefix P] [--first-inventories yes|no] "
               "[--history-minutes N] [--acks FILE [--drain S]] [--timeline FILE]\n",
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
      else if (flag == "--history-minutes")
        o.history_minutes = std::stoi(value);
      else if (flag == "--prefix")
        o.prefix = value;
      else if (flag == "--acks")
        o.acks_file = value;
      else if (flag == "--drain")
        o.drain = std::stod(value);
      else if (flag == "--timeline")
        o.timeline_file = value;
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
  if (o.history_minutes < 0 || o.history_minutes > 59)
    usage("--history-minutes must be from 0 to 59 (minutes of one hour)");
  if (o.history_minutes > 0 && !o.acks_file.empty())
    usage("--history-minutes and --acks do not go together");
  if (!o.timeline_file.empty() && !std::ofstream(o.timeline_file))
    usage("cannot write --timeline " + o.timeline_file);
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

// --- HTTP: a pool of keep-alive HTTP/1.1 connections over plain TCP, driven by epoll -----------
// The measured phase sends 1,667 pushes/s from a process sharing two cores with the collector:
// libcurl's per-request handling cost 0.3–0.7 ms of CPU per push, so each request is written here
// as the bytes to send (made before the clock for the measured phase) and each answer is read
// only as far as its status, length and body. Loopback plain http only (the bench's collector).

// Where the collector listens, from --url (http://HOST:PORT, no path).
struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string host;  // the Host header: HOST:PORT as given
};

Endpoint endpoint_of(const std::string& url) {
  const std::string scheme = "http://";
  if (!url.starts_with(scheme))
    usage("--url must be http://HOST:PORT (the generator speaks plain http)");
  Endpoint e;
  e.host = url.substr(scheme.size());
  while (e.host.ends_with('/')) e.host.pop_back();
  const auto colon = e.host.rfind(':');
  if (colon == std::string::npos || e.host.find('/') != std::string::npos)
    usage("--url must be http://HOST:PORT: " + url);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string name = e.host.substr(0, colon);
  if (name.starts_with('[') && name.ends_with(']')) name = name.substr(1, name.size() - 2);
  if (getaddrinfo(name.c_str(), e.host.substr(colon + 1).c_str(), &hints, &found) != 0 || !found)
    usage("cannot resolve " + url);
  std::memcpy(&e.address, found->ai_addr, found->ai_addrlen);
  e.length = found->ai_addrlen;
  freeaddrinfo(found);
  return e;
}

// The whole request: request line, headers (the agent's bearer credential when given), body.
std::string http_request(const Endpoint& to, const std::string& method, const std::string& path,
                         const std::string& bearer, const std::string& body, bool gzip) {
  std::string bytes = method + " " + path + " HTTP/1.1\r\nHost: " + to.host + "\r\n";
  if (!bearer.empty()) bytes += "Authorization: Bearer " + bearer + "\r\n";
  if (method == "POST") {
    bytes += "Content-Type: application/json\r\n";
    if (gzip) bytes += "Content-Encoding: gzip\r\n";
    bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return bytes + "\r\n" + body;
}

// An answer read so far: complete once its body is whole (Content-Length, chunked, or up to the
// end of the connection when it has neither).
struct Answer {
  bool complete = false;
  bool malformed = false;
  bool keep_alive = true;
  long status = 0;
  std::string body;
};

// The body of a chunked answer from `body_at`, or nullopt while it is incomplete (no trailers:
// the collector sends none). An answer is parsed again after every read, so the chunks are only
// walked until the last one has arrived, and copied then: copying them at each read made reading
// a large answer (/metrics of 100,000 hosts, ~160 MB in 32 KiB chunks) quadratic.
std::optional<std::string> dechunk(const std::string& in, size_t body_at, bool& malformed) {
  std::string body;
  for (const bool copy : {false, true}) {
    size_t at = body_at;
    for (;;) {
      const auto line_end = in.find("\r\n", at);
      if (line_end == std::string::npos) return std::nullopt;
      char* end = nullptr;
      const unsigned long size = std::strtoul(in.c_str() + at, &end, 16);
      if (end == in.c_str() + at) return malformed = true, std::nullopt;
      at = line_end + 2;
      if (in.size() < at + size + 2) return std::nullopt;
      if (size == 0) break;
      if (copy) body.append(in, at, size);
      at += size + 2;
    }
  }
  return body;
}

Answer parse_answer(const std::string& in, bool at_end) {
  Answer a;
  const auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return a;
  std::istringstream head(in.substr(0, head_end));
  std::string version, line;
  if (!(head >> version >> a.status) || !version.starts_with("HTTP/1.")) {
    a.malformed = true;
    return a;
  }
  a.keep_alive = version != "HTTP/1.0";
  std::getline(head, line);  // the rest of the status line
  std::optional<size_t> length;
  bool chunked = false;
  while (std::getline(head, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    const auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
    std::transform(name.begin(), name.end(), name.begin(), lower);
    std::transform(value.begin(), value.end(), value.begin(), lower);
    if (name == "content-length") length = std::strtoul(value.c_str(), nullptr, 10);
    if (name == "transfer-encoding") chunked = value.find("chunked") != std::string::npos;
    if (name == "connection") a.keep_alive = value.find("close") == std::string::npos;
  }
  const size_t body_at = head_end + 4;
  if (chunked) {
    auto body = dechunk(in, body_at, a.malformed);
    a.complete = body.has_value();
    if (body) a.body = std::move(*body);
  } else if (length) {
    a.complete = in.size() >= body_at + *length;
    if (a.complete) a.body = in.substr(body_at, *length);
  } else {
    a.complete = at_end;
    a.keep_alive = false;
    if (a.complete) a.body = in.substr(body_at);
  }
  return a;
}

struct Request {
  std::string bytes;  // http_request()
  Clock::time_point due;
  // `seconds` from when the request was due to its answer, `late` of them before it was sent
  // (every connection busy, or the generator itself behind). Status 0: no HTTP answer.
  std::function<void(long status, const std::string& answer, double seconds, double late)> done;
  Clock::time_point sent{};
};

class Pool {
 public:
  Pool(const std::string& url, int connections)
      : to_(endpoint_of(url)), epoll_(epoll_create1(EPOLL_CLOEXEC)), slots_(connections) {
    if (epoll_ < 0) throw std::runtime_error("epoll_create1 failed");
    for (auto& slot : slots_) free_.push_back(&slot);
  }
  ~Pool() {
    for (auto& slot : slots_) disconnect(slot);
    close(epoll_);
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  const Endpoint& endpoint() const { return to_; }
  bool has_free() const { return !free_.empty(); }
  bool busy() const { return free_.size() < slots_.size(); }

  void start(Request request) {
    Slot& slot = *free_.back();
    free_.pop_back();
    slot.request = std::move(request);
    slot.request.sent = Clock::now();
    slot.retried = false;
    send_on(slot);
  }

  // Runs transfers for up to `wait`, calling each finished request's `done`.
  void pump(Clock::duration wait) {
    std::array<epoll_event, 64> events{};
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::max(wait, Clock::duration::zero()));
    const timespec timeout{static_cast<time_t>(ns.count() / 1'000'000'000),
                           static_cast<long>(ns.count() % 1'000'000'000)};
    const int n =
        epoll_pwait2(epoll_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
    for (int i = 0; i < n; ++i) {
      Slot& slot = *static_cast<Slot*>(events[static_cast<size_t>(i)].data.ptr);
      if (events[static_cast<size_t>(i)].events & EPOLLOUT) write_out(slot);
      if (events[static_cast<size_t>(i)].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) read_in(slot);
    }
    const auto now = Clock::now();
    for (auto& slot : slots_)
      if (slot.request.done && now - slot.request.sent > kTimeout) fail(slot);
  }

 private:
  static constexpr auto kTimeout = std::chrono::seconds(60);  // as curl's CURLOPT_TIMEOUT was

  struct Slot {
    int fd = -1;
    bool reused = false;   // the connection answered an earlier request
    bool retried = false;  // this request was sent again once on a new connection
    size_t written = 0;
    std::string in;
    Request request;
  };

  void disconnect(Slot& slot) {
    if (slot.fd >= 0) close(slot.fd);  // leaves the epoll set with it
    slot.fd = -1;
  }

  // Sends the slot's request on its connection, or a new one (non-blocking connect: the first
  // EPOLLOUT says it is up, or its error).
  void send_on(Slot& slot) {
    slot.written = 0;
    slot.in.clear();
    slot.reused = slot.fd >= 0;
    if (slot.reused) return write_out(slot);
    slot.fd = socket(to_.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(slot.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT | EPOLLET;
    event.data.ptr = &slot;
    if (slot.fd < 0 || epoll_ctl(epoll_, EPOLL_CTL_ADD, slot.fd, &event) != 0 ||
        (connect(slot.fd, reinterpret_cast<const sockaddr*>(&to_.address), to_.length) != 0 &&
         errno != EINPROGRESS))
      fail(slot);
  }

  void write_out(Slot& slot) {
    const std::string& bytes = slot.request.bytes;
    while (slot.request.done && slot.written < bytes.size()) {
      const ssize_t n =
          send(slot.fd, bytes.data() + slot.written, bytes.size() - slot.written, MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;  // EPOLLOUT comes back
      if (n < 0) return broken(slot);
      slot.written += static_cast<size_t>(n);
    }
  }

  void read_in(Slot& slot) {
    char buffer[16384];
    for (;;) {
      const ssize_t n = recv(slot.fd, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (!slot.request.done) return disconnect(slot);  // an idle connection closed by the server
      if (n <= 0) {
        const Answer answer = parse_answer(slot.in, true);
        return answer.complete ? finish(slot, answer) : broken(slot);
      }
      slot.in.append(buffer, static_cast<size_t>(n));
      const Answer answer = parse_answer(slot.in, false);
      if (answer.malformed) return fail(slot);
      // Nothing more comes on this connection until the next request: no need to read to EAGAIN.
      if (answer.complete) return finish(slot, answer);
    }
  }

  // The connection ended or failed before the answer was whole. A kept-alive connection the
  // server closed while idle fails the first request sent on it before any answer: sent again
  // once on a new connection, as curl does.
  void broken(Slot& slot) {
    disconnect(slot);
    if (slot.reused && !slot.retried && slot.in.empty()) {
      slot.retried = true;
      return send_on(slot);
    }
    fail(slot);
  }

  void fail(Slot& slot) {
    disconnect(slot);
    finish(slot, Answer{});
  }

  void finish(Slot& slot, const Answer& answer) {
    if (!answer.keep_alive) disconnect(slot);
    const auto seconds = [due = slot.request.due](Clock::time_point t) {
      return std::chrono::duration<double>(t - due).count();
    };
    const double total = seconds(Clock::now()), late = seconds(slot.request.sent);
    auto done = std::move(slot.request.done);
    slot.request.done = nullptr;
    slot.request.bytes.clear();
    free_.push_back(&slot);
    if (done) done(answer.status, answer.body, total, late);
  }

  Endpoint to_;
  int epoll_;
  std::vector<Slot> slots_;  // never resized: epoll keeps their addresses
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
std::map<double, double> batch_buckets(Pool& pool) {
  std::string text;
  long status = 0;
  run_all(pool, 1, [&](int) {
    return Request{http_request(pool.endpoint(), "GET", "/metrics", "", "", false),
                   {},
                   [&](long answered, const std::string& answer, double, double) {
                     status = answered;
                     text = answer;
                   }};
  });
  const bool read = status == 200;
  if (!read) std::fprintf(stderr, "cannot read /metrics: HTTP %ld\n", status);
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

// --timeline: per second of the measured phase, from `start` (wall clock), the latencies of the
// pushes due in it ("-" where none was answered).
void write_timeline(const std::string& path, std::chrono::system_clock::time_point start,
                    std::vector<std::vector<double>>& per_second) {
  std::ofstream out(path);
  out << "due_utc\tpushes\tp50_ms\tmax_ms\n";
  for (size_t i = 0; i < per_second.size(); ++i) {
    auto& seconds = per_second[i];
    std::sort(seconds.begin(), seconds.end());
    const auto at = std::chrono::duration_cast<std::chrono::milliseconds>(
                        (start + std::chrono::seconds(i)).time_since_epoch())
                        .count();
    std::string due = sahab::format_rfc3339(at / 1000);  // "...T10:00:00Z"
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03lld", static_cast<long long>(at % 1000));
    due.insert(due.size() - 1, millis);
    char line[96];
    if (seconds.empty())
      std::snprintf(line, sizeof line, "%s\t0\t-\t-\n", due.c_str());
    else
      std::snprintf(line, sizeof line, "%s\t%zu\t%.2f\t%.2f\n", due.c_str(), seconds.size(),
                    percentile(seconds, 0.5) * 1e3, seconds.back() * 1e3);
    out << line;
  }
  if (!out) throw std::runtime_error("cannot write " + path);
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
bool soak(Pool& pool, const Options& o, const std::function<std::string(int, std::int64_t)>& push) {
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
    pool.start({push(i, a.sent_upto + 1), Clock::now(),
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
  Pool pool(o.url, o.connections);
  const auto host_of = [&](int i) { return o.prefix + "-" + std::to_string(i); };
  std::vector<std::string> credentials(static_cast<size_t>(o.agents));
  int failures = 0;
  const auto fail = [&](const char* what, long status, const std::string& answer) {
    if (failures++ < 5) std::fprintf(stderr, "%s: HTTP %ld %s\n", what, status, answer.c_str());
  };

  auto phase = Clock::now();
  run_all(pool, o.agents, [&](int i) {
    const json enrolment = {{"host_id", host_of(i)}, {"hostname", "srv-" + std::to_string(i)}};
    return Request{
        http_request(pool.endpoint(), "POST", "/api/v1/enrol", token, enrolment.dump(), false),
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
  // Batch s holds the minute at base + 60 s. The measured pushes start at minute
  // --history-minutes of the hour before the current one, so that hour holds that many minutes
  // before them whatever the time of the run.
  const std::int64_t base = (std::time(nullptr) / 3'600) * 3'600 - 3'600 - 120;
  // Batch `sequence` of agent i, with the summaries of the `minutes` minutes up to its own.
  const auto batch = [&](int i, std::int64_t sequence, bool with_inventory, int minutes = 1) {
    json summaries = json::array();
    for (std::int64_t m = sequence - minutes + 1; m <= sequence; ++m)
      summaries.push_back(summary_at(base + m * 60, rng));
    json doc = {{"format", "sahab-ingest/1"},
                {"host_id", host_of(i)},
                {"sequence", sequence},
                {"sent_at", sahab::format_rfc3339(std::time(nullptr))},
                {"summaries", std::move(summaries)}};
    if (with_inventory) doc["inventory"] = inventory_of(i);
    return sahab::gzip::compress(doc.dump());
  };
  // Agent i's push of `body`, authenticated with its credential as the agent does.
  const auto push = [&](int i, const std::string& body) {
    return http_request(pool.endpoint(), "POST", "/api/v1/ingest",
                        credentials[static_cast<size_t>(i)], body, true);
  };
  phase = Clock::now();
  run_all(pool, o.first_inventories ? o.agents : 0, [&](int i) {
    return Request{push(i, batch(i, 1, true)),
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
        soak(pool, o, [&](int i, std::int64_t s) { return push(i, batch(i, s, false)); });
    return all_acknowledged ? 0 : 1;
  }

  const std::int64_t history_sequence = 1 + o.history_minutes;
  phase = Clock::now();
  run_all(pool, o.history_minutes > 0 ? o.agents : 0, [&](int i) {
    return Request{push(i, batch(i, history_sequence, false, o.history_minutes)),
                   {},
                   [&](long status, const std::string& answer, double, double) {
                     if (status != 200) fail("history push", status, answer);
                   }};
  });
  if (o.history_minutes > 0)
    std::fprintf(stderr, "%d minutes of history pushed in %.1f s (%d failed)\n", o.history_minutes,
                 std::chrono::duration<double>(Clock::now() - phase).count(), failures);
  if (failures) return 1;

  std::vector<std::int64_t> sequences(static_cast<size_t>(o.agents), history_sequence);
  const double rate = o.agents / o.interval;
  const auto total = static_cast<long>(rate * o.duration);
  std::vector<double> latencies, lateness;
  latencies.reserve(static_cast<size_t>(total));
  lateness.reserve(static_cast<size_t>(total));
  long failed = 0;
  double rss_peak = 0;
  // Every measured push's request (the same bodies, in the same order, as when each was made at
  // its due time) is made before the clock starts: the generator shares the cores with the
  // collector, and making a body at its due time (JSON, sketches, gzip) was CPU taken from it.
  std::vector<std::string> requests(static_cast<size_t>(total));
  const double making_cpu = cpu_seconds(getpid());
  for (long k = 0; k < total; ++k) {
    const int agent = static_cast<int>(k % o.agents);
    requests[static_cast<size_t>(k)] =
        push(agent, batch(agent, ++sequences[static_cast<size_t>(agent)], false));
  }
  std::fprintf(stderr, "made %ld requests: %.1f µs of CPU each\n", total,
               1e6 * (cpu_seconds(getpid()) - making_cpu) / std::max<double>(1, total));
  const auto buckets_before = batch_buckets(pool);
  const double own_cpu_before = cpu_seconds(getpid());
  const double cpu_before = o.collector_pid ? cpu_seconds(o.collector_pid) : 0;
  const double server_cpu_before = o.server_pid ? server_cpu_seconds(o.server_pid) : 0;
  std::vector<std::vector<double>> per_second(static_cast<size_t>(std::ceil(o.duration)) + 1);
  const auto wall_t0 = std::chrono::system_clock::now();
  const auto t0 = Clock::now();
  const auto due_of = [&](long k) {
    return t0 +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k / rate));
  };
  long next = 0;
  while (next < total || pool.busy()) {
    while (next < total && pool.has_free() && due_of(next) <= Clock::now()) {
      const auto second = static_cast<size_t>(static_cast<double>(next) / rate);
      pool.start({std::move(requests[static_cast<size_t>(next)]), due_of(next),
                  [&, second](long status, const std::string& answer, double seconds, double late) {
                    lateness.push_back(late);
                    if (status == 200) {
                      per_second[std::min(second, per_second.size() - 1)].push_back(seconds);
                      return latencies.push_back(seconds);
                    }
                    ++failed;
                    fail("push", status, answer);
                  }});
      if (++next % 1'000 == 0 && o.collector_pid)
        rss_peak = std::max(rss_peak, rss_mib(o.collector_pid));
    }
    // Until the next push is due, or until an answer frees a connection when none is free (an
    // answer ends the wait at once, so this never delays a send).
    const Clock::duration longest = std::chrono::milliseconds(20);
    const bool can_send = next < total && pool.has_free();
    pool.pump(can_send ? std::clamp(due_of(next) - Clock::now(), Clock::duration(0), longest)
                       : longest);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  const double own_cpu = cpu_seconds(getpid()) - own_cpu_before;
  const auto buckets_after = batch_buckets(pool);
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
  if (!o.timeline_file.empty()) write_timeline(o.timeline_file, wall_t0, per_second);
  std::printf("%s\n", result.dump(2).c_str());
  return failed == 0 ? 0 : 1;
}
