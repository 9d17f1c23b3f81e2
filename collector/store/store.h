#pragma once
// The collector's store, on SQLite or PostgreSQL (store_url.h): writer threads that group queued
// jobs into one transaction (BEGIN ... COMMIT, each job in its own savepoint so one bad job
// cannot spoil the others), and a pool of reader connections. Jobs run one group at a time, in
// the order they were queued; a job is acknowledged (write() returns) only once its group has
// committed. SQLite: one writer, WAL with synchronous=NORMAL (a committed transaction survives a
// crash of the process, not necessarily of the machine's power) and a checkpoint thread.
// PostgreSQL: the server's own durability (each commit waits for its WAL flush), so several
// writer connections take turns: while one group's COMMIT waits for its flush, the next group
// runs its jobs on another connection (the server flushes commits that wait together at once).
// A lost connection fails the jobs of its transaction (StoreUnavailable) and is opened again
// before the next one.
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

class Store {
 public:
  Store(StoreUrl url, int readers);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Runs `job` on the writer connection inside a transaction and returns once that transaction
  // has committed. Rethrows the job's exception (its changes are rolled back, others' are not).
  void write(std::function<void(Database&)> job);

  // Runs `job` on a reader connection of the pool (waits for a free one).
  template <typename F>
  auto read(F&& job) {
    Lease lease(*this);
    return job(*lease.db);
  }

  // Runs `job` unless another collector on the same PostgreSQL is running the job named `key`
  // (a session advisory lock, tried without waiting, on a connection of its own): background
  // upkeep runs once cluster-wide, not once per collector. Returns whether it ran. SQLite: one
  // collector per file, so it always runs. The lock is the collector's session's: two threads of
  // one collector asking for the same key would both run (each caller keeps its own key to one
  // thread: the maintenance thread, the sources' runner).
  bool run_exclusive(std::int64_t key, const std::function<void()>& job);

  const StoreUrl& url() const { return url_; }
  // SQLite: the database's and its WAL's size on disk; PostgreSQL: pg_database_size.
  std::uintmax_t bytes_on_disk();

 private:
  struct Job {
    std::function<void(Database&)> run;
    std::promise<void> done;
  };
  struct Lease {
    explicit Lease(Store& store);
    ~Lease();
    void release();
    Store& store;
    Database* db;
  };
  void open_sqlite_connections();
  std::int64_t exclusive_scalar(const std::string& sql);

  void writer_loop(Database& db);
  std::vector<Job> take_group();
  void checkpoint_loop();

  StoreUrl url_;
  std::vector<std::unique_ptr<Database>> writer_dbs_;  // the first one runs the migrations
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  // Held by the writer whose group is running its jobs, released before its COMMIT: groups run
  // their jobs one at a time and in queue order (a later group that touches what an earlier one
  // wrote waits for that commit on the server's row or advisory lock); only commits overlap.
  std::mutex turn_mutex_;
  std::vector<std::thread> writers_;
  // Checkpoints the WAL from its own connection (PASSIVE: never blocks the writer), so commits
  // do not pay for checkpoints and ingest latency stays flat; truncates the WAL file after a
  // burst once everything is copied back (store.cpp, checkpoint()). SQLite only.
  std::unique_ptr<Database> checkpoint_db_;
  std::condition_variable checkpoint_cv_;  // own condition: a push must always wake the writer
  std::thread checkpointer_;

  std::mutex exclusive_mutex_;              // held for one statement on exclusive_db_ at a time
  std::unique_ptr<Database> exclusive_db_;  // PostgreSQL: holds run_exclusive's locks

  std::mutex readers_mutex_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Database>> readers_;  // all connections
  std::vector<Database*> idle_readers_;
};

}  // namespace sahab::collector
