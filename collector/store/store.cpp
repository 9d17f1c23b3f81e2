#include "collector/store/store.h"

#include <system_error>

#include "collector/store/schema.h"
#include "common/log.h"

namespace sahab::collector {
namespace {
// Jobs committed together at most; bounds the latency one group adds to the first job in it.
constexpr size_t kMaxGroup = 512;
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
  writer_db_ = open_database(url_, Database::Mode::kReadWrite);
  if (url_.kind == StoreKind::kSqlite) open_sqlite_connections();
  migrate(*writer_db_);
  for (int i = 0; i < std::max(1, readers); ++i) {
    auto reader = open_database(url_, Database::Mode::kReadOnly);
    idle_readers_.push_back(reader.get());
    readers_.push_back(std::move(reader));
  }
  writer_ = std::thread([this] { writer_loop(); });
  if (checkpoint_db_) checkpointer_ = std::thread([this] { checkpoint_loop(); });
}

void Store::open_sqlite_connections() {
  writer_db_->exec("PRAGMA journal_mode=WAL");
  writer_db_->exec("PRAGMA synchronous=NORMAL");
  writer_db_->exec("PRAGMA foreign_keys=ON");
  writer_db_->exec("PRAGMA wal_autocheckpoint=0");
  // When the writer starts the WAL over (after a complete checkpoint) it cuts the file to this.
  writer_db_->exec("PRAGMA journal_size_limit=" + std::to_string(kWalSizeLimit));
  checkpoint_db_ = open_database(url_, Database::Mode::kReadWrite);
  checkpoint_db_->exec("PRAGMA busy_timeout=0");
}

Store::~Store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  checkpoint_cv_.notify_all();
  writer_.join();
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
  std::future<void> done;
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) throw StoreError("store is shutting down");
    queue_.push_back(Job{std::move(job), {}});
    done = queue_.back().done.get_future();
  }
  queue_cv_.notify_one();
  done.get();
}

void Store::writer_loop() {
  for (;;) {
    std::vector<Job> group;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && group.size() < kMaxGroup) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_group(group);
  }
}

void Store::run_group(std::vector<Job>& group) {
  std::vector<std::exception_ptr> errors(group.size());
  try {
    writer_db_->recover();
    writer_db_->exec(writer_db_->dialect().begin_write());
    for (size_t i = 0; i < group.size(); ++i) {
      writer_db_->exec("SAVEPOINT job");
      try {
        group[i].run(*writer_db_);
        writer_db_->exec("RELEASE job");
      } catch (...) {
        errors[i] = std::current_exception();
        writer_db_->exec("ROLLBACK TO job");
        writer_db_->exec("RELEASE job");
      }
    }
    writer_db_->exec("COMMIT");
  } catch (const std::exception& e) {
    // The transaction as a whole failed: nothing of the group is stored.
    log::error(std::string("store: transaction failed: ") + e.what());
    try {
      writer_db_->exec("ROLLBACK");
    } catch (...) {
    }
    for (auto& error : errors) error = std::current_exception();
  }
  for (size_t i = 0; i < group.size(); ++i) {
    if (errors[i]) {
      group[i].done.set_exception(errors[i]);
    } else {
      group[i].done.set_value();
    }
  }
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
