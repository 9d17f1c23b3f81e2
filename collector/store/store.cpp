#include "collector/store/store.h"

#include <algorithm>
#include <system_error>

#include "collector/store/schema.h"
#include "common/log.h"

namespace sahab::collector {
namespace {
// Jobs committed together at most; bounds the latency one group adds to the first job in it.
constexpr size_t kMaxGroup = 512;
// PostgreSQL writer lanes: a push costs a few round trips to the server and a WAL flush, so
// lanes overlap them (docs/benchmarks.md, "PostgreSQL ingest"). SQLite has one writer.
constexpr size_t kPostgresLanes = 8;
constexpr std::chrono::seconds kCheckpointInterval{1};
// The WAL file is brought back under this size once a burst is over (docs/collector.md).
constexpr std::uintmax_t kWalSizeLimit = 4 << 20;

// PASSIVE never blocks the writer. But after a burst (agents emptying their spools after an
// outage, readers pinning older snapshots meanwhile) the WAL file keeps the size the burst gave
// it, tens of MB, until a clean shutdown: SQLite reuses a WAL from its start without shrinking
// it. So once a passive checkpoint has copied every frame back into the database and the file is
// over the limit, a TRUNCATE checkpoint empties it. This connection has no busy timeout: when a
// reader or the writer is in the way, TRUNCATE gives up at once instead of holding the write
// lock while it waits (a commit waits at most for the truncation itself), and the next round
// tries again.
void checkpoint(Database& db, const std::filesystem::path& wal) {
  Statement& passive = db.cached("PRAGMA wal_checkpoint(PASSIVE)");
  const bool all_copied =
      passive.step() && passive.integer(1) > 0 && passive.integer(2) == passive.integer(1);
  passive.reset();
  std::error_code ec;
  const auto size = std::filesystem::file_size(wal, ec);
  if (!all_copied || ec || size <= kWalSizeLimit) return;
  db.cached("PRAGMA wal_checkpoint(TRUNCATE)").run();
}
}  // namespace

Store::Store(StoreUrl url, int readers) : url_(std::move(url)) {
  const auto add_lane = [this] {
    lanes_.push_back(std::make_unique<Lane>());
    lanes_.back()->db = open_database(url_, Database::Mode::kReadWrite);
  };
  add_lane();
  if (url_.kind == StoreKind::kSqlite) open_sqlite_connections();
  migrate(*lanes_.front()->db);
  while (url_.kind == StoreKind::kPostgresql && lanes_.size() < kPostgresLanes) add_lane();
  for (int i = 0; i < std::max(1, readers); ++i) {
    auto reader = open_database(url_, Database::Mode::kReadOnly);
    idle_readers_.push_back(reader.get());
    readers_.push_back(std::move(reader));
  }
  for (auto& lane : lanes_) lane->thread = std::thread([this, &lane = *lane] { lane_loop(lane); });
  if (checkpoint_db_) checkpointer_ = std::thread([this] { checkpoint_loop(); });
}

void Store::open_sqlite_connections() {
  Database& writer = *lanes_.front()->db;
  writer.exec("PRAGMA journal_mode=WAL");
  writer.exec("PRAGMA synchronous=NORMAL");
  writer.exec("PRAGMA foreign_keys=ON");
  writer.exec("PRAGMA wal_autocheckpoint=0");
  // When the writer starts the WAL over (after a complete checkpoint) it cuts the file to this.
  writer.exec("PRAGMA journal_size_limit=" + std::to_string(kWalSizeLimit));
  checkpoint_db_ = open_database(url_, Database::Mode::kReadWrite);
  checkpoint_db_->exec("PRAGMA busy_timeout=0");
}

Store::~Store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  for (auto& lane : lanes_) lane->queued.notify_all();
  checkpoint_cv_.notify_all();
  for (auto& lane : lanes_) lane->thread.join();
  if (checkpointer_.joinable()) checkpointer_.join();
}

void Store::checkpoint_loop() {
  std::unique_lock lock(queue_mutex_);
  while (!stopping_) {
    checkpoint_cv_.wait_for(lock, kCheckpointInterval, [this] { return stopping_; });
    lock.unlock();
    try {
      checkpoint(*checkpoint_db_, url_.file.string() + "-wal");
    } catch (const std::exception& e) {
      log::warn(std::string("store: checkpoint failed: ") + e.what());
    }
    lock.lock();
  }
}

void Store::write(std::function<void(Database&)> job) {
  enqueue(*lanes_.front(), Job{std::move(job), {}, true});
}

void Store::write_for_host(const std::string& host_id, std::function<void(Database&)> job) {
  enqueue(*lanes_[std::hash<std::string>{}(host_id) % lanes_.size()],
          Job{std::move(job), {}, false});
}

void Store::enqueue(Lane& lane, Job job) {
  std::future<void> done = job.done.get_future();
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) throw StoreError("store is shutting down");
    lane.queue.push_back(std::move(job));
  }
  lane.queued.notify_one();
  done.get();
}

// The lane's next jobs in queue order, up to kMaxGroup; none once stopping with the queue drained.
std::vector<Store::Job> Store::take_group(Lane& lane) {
  std::vector<Job> group;
  std::unique_lock lock(queue_mutex_);
  lane.queued.wait(lock, [&] { return stopping_ || !lane.queue.empty(); });
  while (!lane.queue.empty() && group.size() < kMaxGroup) {
    group.push_back(std::move(lane.queue.front()));
    lane.queue.pop_front();
  }
  return group;
}

void Store::Gate::enter(bool exclusive) {
  std::unique_lock lock(mutex_);
  if (!exclusive) {
    changed_.wait(lock, [this] { return !exclusive_ && exclusive_waiting_ == 0; });
    ++shared_;
    return;
  }
  ++exclusive_waiting_;
  changed_.wait(lock, [this] { return !exclusive_ && shared_ == 0; });
  --exclusive_waiting_;
  exclusive_ = true;
}

void Store::Gate::leave(bool exclusive) {
  {
    std::lock_guard lock(mutex_);
    if (exclusive) {
      exclusive_ = false;
    } else {
      --shared_;
    }
  }
  changed_.notify_all();
}

namespace {
// Waits for what a failed job sent ahead in the pipeline: one of those statements may have failed
// too (its error is the job's, already), and the server would skip a ROLLBACK sent after it.
void settle_failed(Database& db) {
  try {
    db.flush();
  } catch (const StoreUnavailable&) {
    throw;
  } catch (const StoreError&) {
  }
}

// Ends the writer's transaction without its changes, and its pipeline if it has one.
void roll_back(Database& db) {
  settle_failed(db);
  db.exec("ROLLBACK");
  db.leave_pipeline();
}

// Runs `step` of a group's transaction; when it throws, the transaction as a whole failed: it is
// rolled back and every job of the group gets the error (nothing of the group is stored).
template <typename Step>
bool transaction_step(Database& db, std::vector<std::exception_ptr>& errors, Step&& step) {
  try {
    step();
    return true;
  } catch (const std::exception& e) {
    log::error(std::string("store: transaction failed: ") + e.what());
    try {
      roll_back(db);
    } catch (...) {
    }
    for (auto& error : errors) error = std::current_exception();
    return false;
  }
}

// Opens the group's transaction and runs its jobs; true when it is to be committed. Jobs of
// several hosts each run in a savepoint of their own, flushed before the next one starts: a job
// that fails is undone alone and gets its error. A job alone needs no savepoint: its failure
// rolls the transaction back, and a failure of its statements sent ahead in the pipeline comes
// with the COMMIT (the group's transaction fails, the job with it).
template <typename Jobs>
bool run_jobs(Database& db, Jobs& group, std::vector<std::exception_ptr>& errors, bool pipelined) {
  db.recover();
  if (pipelined) db.enter_pipeline();
  db.exec(db.dialect().begin_write());
  if (group.size() == 1) {
    try {
      group.front().run(db);
      return true;
    } catch (...) {
      errors.front() = std::current_exception();
      roll_back(db);
      return false;
    }
  }
  for (size_t i = 0; i < group.size(); ++i) {
    db.exec("SAVEPOINT job");
    try {
      group[i].run(db);
      db.exec("RELEASE job");
      db.flush();
    } catch (...) {
      errors[i] = std::current_exception();
      settle_failed(db);
      db.exec("ROLLBACK TO job");
      db.exec("RELEASE job");
    }
  }
  return true;
}
}  // namespace

// Hosts' pushes (write_for_host) run in a pipeline on PostgreSQL: a push's statements wait for
// the server three times (its mark, its hour block, the COMMIT) instead of once each.
void Store::lane_loop(Lane& lane) {
  Database& db = *lane.db;
  for (;;) {
    std::vector<Job> group = take_group(lane);
    if (group.empty()) return;  // stopping and drained
    const bool alone =
        std::any_of(group.begin(), group.end(), [](const Job& j) { return j.alone; });
    std::vector<std::exception_ptr> errors(group.size());
    gate_.enter(alone);
    bool commit = false;
    const bool ran =
        transaction_step(db, errors, [&] { commit = run_jobs(db, group, errors, !alone); });
    gate_.leave(alone);  // other lanes run while this COMMIT waits for its flush
    if (ran && commit) {
      transaction_step(db, errors, [&] {
        db.exec("COMMIT");
        db.leave_pipeline();  // waits for the COMMIT: nothing is acknowledged before it
      });
    }
    for (size_t i = 0; i < group.size(); ++i) {
      if (errors[i]) {
        group[i].done.set_exception(errors[i]);
      } else {
        group[i].done.set_value();
      }
    }
  }
}

void Store::write_background(std::function<void(Database&)> job) {
  if (url_.kind == StoreKind::kSqlite) return write(std::move(job));
  std::lock_guard lock(background_mutex_);
  if (!background_db_) background_db_ = open_database(url_, Database::Mode::kReadWrite);
  Database& db = *background_db_;
  db.recover();
  db.exec(db.dialect().begin_write());
  try {
    job(db);
  } catch (...) {
    try {
      roll_back(db);
    } catch (const StoreError&) {
      // The connection is gone, and the transaction with it; recover() opens it again.
    }
    throw;
  }
  db.exec("COMMIT");
}

Store::Lease::Lease(Store& s) : store(s) {
  std::unique_lock lock(store.readers_mutex_);
  store.readers_cv_.wait(lock, [this] { return !store.idle_readers_.empty(); });
  db = store.idle_readers_.back();
  store.idle_readers_.pop_back();
  lock.unlock();
  try {
    db->recover();
  } catch (...) {
    release();
    throw;
  }
}

void Store::Lease::release() {
  {
    std::lock_guard lock(store.readers_mutex_);
    store.idle_readers_.push_back(db);
  }
  store.readers_cv_.notify_one();
}

Store::Lease::~Lease() { release(); }

bool Store::run_exclusive(std::int64_t key, const std::function<void()>& job) {
  if (url_.kind == StoreKind::kSqlite) {
    job();
    return true;
  }
  if (exclusive_scalar("SELECT pg_try_advisory_lock(?::bigint)", key) == 0) {
    return false;
  }
  // Released however the job ends; a collector that dies releases it with its connection.
  struct Unlock {
    Store& store;
    std::int64_t key;
    ~Unlock() {
      try {
        store.exclusive_scalar("SELECT pg_advisory_unlock(?::bigint)", key);
      } catch (const StoreError&) {
        // The connection is gone, and the lock with it.
      }
    }
  } unlock{*this, key};
  job();
  return true;
}

// The connection is only held for the statement: jobs of different keys (the maintenance, a
// source's run) run at the same time, each lock held by the one session.
std::int64_t Store::exclusive_scalar(const std::string& sql, std::int64_t key) {
  std::lock_guard lock(exclusive_mutex_);
  if (!exclusive_db_) exclusive_db_ = open_database(url_, Database::Mode::kReadWrite);
  exclusive_db_->recover();
  Statement& s = exclusive_db_->cached(sql).with(key);
  const std::int64_t value = s.step() ? s.integer(0) : 0;
  s.reset();
  return value;
}

std::uintmax_t Store::bytes_on_disk() {
  if (url_.kind == StoreKind::kPostgresql) {
    return static_cast<std::uintmax_t>(read(
        [](Database& db) { return db.scalar("SELECT pg_database_size(current_database())"); }));
  }
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(url_.file.string() + suffix, ec);
    if (!ec) total += size;
  }
  return total;
}

}  // namespace sahab::collector
