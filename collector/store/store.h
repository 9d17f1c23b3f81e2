#pragma once
// The collector's store, on SQLite or PostgreSQL (store_url.h): writer lanes that group queued
// jobs into one transaction (BEGIN ... COMMIT, each job in its own savepoint so one bad job
// cannot spoil the others), and a pool of reader connections. A job is acknowledged (write()
// returns) only once its group has committed. SQLite: one lane, WAL with synchronous=NORMAL (a
// committed transaction survives a crash of the process, not necessarily of the machine's power)
// and a checkpoint thread. PostgreSQL: the server's own durability (each COMMIT waits for its WAL
// flush), and several lanes with a connection each, so that their statements and flushes overlap
// (the server flushes commits that wait together at once): a host's jobs (write_for_host) always
// go to the same lane, in order; a job of no particular host runs alone, while no lane runs jobs.
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

  // Runs `job` on a writer connection inside a transaction and returns once that transaction
  // has committed. Rethrows the job's exception (its changes are rolled back, others' are not).
  // On PostgreSQL it runs while no other job runs: it may write anything.
  void write(std::function<void(Database&)> job);
  // The same for a job that writes only rows of host `host_id` (an agent's push): jobs of one
  // host run one after the other in the order queued, each after the previous one committed;
  // on PostgreSQL, jobs of hosts of other lanes run at the same time.
  void write_for_host(const std::string& host_id, std::function<void(Database&)> job);

  // The same for background upkeep (rollups, retention, stale marking), which may write any
  // host's rows but takes the locks a push takes (lock_host) as another collector's upkeep on the
  // same PostgreSQL does: there it runs on a connection of its own, beside the lanes, so pushes
  // do not wait for it (through write() every lane would stop for each of its jobs). SQLite: one
  // writer, so it is write().
  void write_background(std::function<void(Database&)> job);

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
    bool alone = true;  // written by write(): may touch any host's rows
  };
  // One writer connection and its queue, served by its own thread.
  struct Lane {
    std::unique_ptr<Database> db;
    std::deque<Job> queue;
    std::condition_variable queued;
    std::thread thread;
  };
  // Lanes run their groups' jobs together (shared); a group holding a job of write() runs its
  // jobs alone (exclusive), and a waiting exclusive group keeps new shared ones out so it is not
  // starved. COMMITs are outside the gate: they only wait for the server's flush.
  class Gate {
   public:
    void enter(bool exclusive);
    void leave(bool exclusive);

   private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int shared_ = 0;
    int exclusive_waiting_ = 0;
    bool exclusive_ = false;
  };
  struct Lease {
    explicit Lease(Store& store);
    ~Lease();
    void release();
    Store& store;
    Database* db;
  };
  void open_sqlite_connections();
  // `sql` with the lock `key` bound, on the connection that holds run_exclusive's locks.
  std::int64_t exclusive_scalar(const std::string& sql, std::int64_t key);

  void enqueue(Lane& lane, Job job);
  void lane_loop(Lane& lane);
  std::vector<Job> take_group(Lane& lane);
  void checkpoint_loop();

  StoreUrl url_;
  std::vector<std::unique_ptr<Lane>> lanes_;  // the first one's connection runs the migrations
  std::mutex queue_mutex_;                    // guards every lane's queue and stopping_
  bool stopping_ = false;
  Gate gate_;
  // Checkpoints the WAL from its own connection (PASSIVE: never blocks the writer), so commits
  // do not pay for checkpoints and ingest latency stays flat; truncates the WAL file after a
  // burst once everything is copied back (store.cpp, checkpoint()). SQLite only.
  std::unique_ptr<Database> checkpoint_db_;
  std::condition_variable checkpoint_cv_;  // own condition: a push must always wake the writer
  std::thread checkpointer_;

  std::mutex background_mutex_;  // one write_background() job at a time on background_db_
  std::unique_ptr<Database> background_db_;  // PostgreSQL, opened at its first job

  std::mutex exclusive_mutex_;              // held for one statement on exclusive_db_ at a time
  std::unique_ptr<Database> exclusive_db_;  // PostgreSQL: holds run_exclusive's locks

  std::mutex readers_mutex_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Database>> readers_;  // all connections
  std::vector<Database*> idle_readers_;
};

}  // namespace sahab::collector
