#pragma once
// SqliteLedger: the command center's storage port on SQLite.
//
// Writes (data/group_commit.hpp): one writer thread owns the only write connection. It
// takes every queued Change (up to max_group), stores them in one BEGIN IMMEDIATE ... COMMIT (synchronous=FULL, so
// one fsync makes the whole group durable) and hands the group to the acknowledgement
// thread, which calls each `done` in submission order while the writer stores the next
// group. When the group's transaction fails, each change is retried alone, so a bad
// change fails only itself. Other stores of the same file (accounts, reports) write
// through the same writer: submit() runs a Work inside the next group's transaction
// (WriteQueue), so the file has one write connection and nobody waits for its lock.
//
// A commit the device refuses (a full disk, an I/O error) fails its whole group with
// storage_unavailable and is not retried change by change; nothing of it is stored, and
// the next group simply tries again, so the writer recovers by itself once space returns.
//
// Reads: a small pool of read-only connections; WAL lets them read while the writer
// writes. Reads block, so callers keep them off network threads.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "data/change_writer.hpp"
#include "data/group_commit.hpp"
#include "data/sqlite.hpp"
#include "data/write_queue.hpp"
#include "dispatch/ledger.hpp"

namespace gridkeeper::data {

class SqliteLedger final : public dispatch::Ledger, public WriteQueue {
 public:
  struct Options {
    std::size_t max_group = 512;  // changes per transaction at most
    std::size_t readers = 4;      // read connections at most
    int busy_timeout_ms = 5000;   // waiting for another process's lock (an import)
    // Checkpoints: a helper thread copies the WAL back into the database in the
    // background once it holds checkpoint_pages. It cannot finish while the writer keeps
    // appending, so once the WAL holds restart_pages the writer checkpoints the little
    // that is left itself, between two groups, and the WAL starts over from its head.
    std::int64_t checkpoint_pages = 2048;
    std::int64_t restart_pages = 8192;
    // When another process (a command adding users) holds the write lock past the busy
    // timeout, the writer tries again this many times before failing the group.
    int busy_retries = 6;
    // What SQLite may hold in memory in this process, page caches of every connection
    // together: past it, caches give back pages rather than grow (the file's pages stay in
    // the operating system's cache). 0: no limit.
    std::int64_t heap_limit_bytes = 96LL << 20;
    // For tests: runs on the writer's thread before each COMMIT; a nonzero SQLite result
    // code (SQLITE_FULL, SQLITE_IOERR) fails that commit as if the device had refused it.
    std::function<int()> before_commit;
  };

  // Creates or migrates the database at `path` and starts the writer.
  static Result<std::unique_ptr<SqliteLedger>> open(const std::string& path, const Options& options);
  static Result<std::unique_ptr<SqliteLedger>> open(const std::string& path) { return open(path, Options{}); }

  // Stores everything queued, acknowledges it, then stops.
  ~SqliteLedger() override;
  // Stores everything queued and stops writing; writes submitted afterwards fail (their
  // `done` still runs on the ledger's thread). Idempotent.
  void close();

  // The port. Reads throw StorageError when the database fails.
  dispatch::LedgerState load() override;
  void write(dispatch::Change change, std::function<void(dispatch::Status)> done) override;
  // WriteQueue: `work` is stored in the next group, after everything queued before it.
  void submit(Work work, std::function<void(dispatch::Status)> done) override;
  std::optional<dispatch::Case> find_case(dispatch::CaseId id) override;
  std::vector<dispatch::CaseEvent> case_events(dispatch::CaseId id) override;
  std::vector<dispatch::Case> find_cases(const dispatch::CaseQuery& query) override;
  std::vector<dispatch::PostTerm> post_history(const std::string& grid) override;

  // The same reads with errors as values.
  Result<dispatch::LedgerState> read_state();
  Result<std::optional<dispatch::Case>> read_case(dispatch::CaseId id);
  Result<std::vector<dispatch::CaseEvent>> read_events(dispatch::CaseId id);
  Result<std::vector<dispatch::Case>> read_cases(const dispatch::CaseQuery& query);
  Result<std::vector<dispatch::PostTerm>> read_post_history(const std::string& grid);

  struct Stats {
    std::uint64_t groups = 0;   // transactions committed
    std::uint64_t changes = 0;  // changes stored
    std::uint64_t failed = 0;   // changes refused
    std::uint64_t retried_groups = 0;
    std::uint64_t unavailable_groups = 0;  // groups the device refused (full disk, I/O error)
    std::uint64_t checkpoints = 0;         // background, passive
    std::uint64_t writer_checkpoints = 0;  // by the writer, to restart the WAL
    double writer_checkpoint_s = 0;        // time the writer spent on them
    std::uint64_t pages_written = 0;       // database pages written to the WAL
    double writer_cpu_s = 0;               // CPU time the writer spent storing groups
    std::size_t largest_group = 0;
    std::size_t queued = 0;  // writes waiting for the writer now
  };
  Stats stats() const;
  const std::string& path() const { return path_; }

  SqliteLedger(const SqliteLedger&) = delete;
  SqliteLedger& operator=(const SqliteLedger&) = delete;

 private:
  struct Pending {
    dispatch::Change change;
    Work work;  // instead of a change
    std::function<void(dispatch::Status)> done;
  };
  class Readers;

  SqliteLedger(std::string path, Options options, std::unique_ptr<Connection> writer, ChangeWriter<Connection> writes);
  void run_checkpointer();
  std::vector<dispatch::Status> store_and_count(std::vector<Pending>& group);  // with the stats
  std::vector<dispatch::Status> store_group(std::vector<Pending>& group);
  Result<Transaction> begin();
  Status commit(Transaction& tx);
  void wal_grew(std::int64_t pages);
  void restart_wal();

  std::string path_;
  Options options_;
  std::unique_ptr<Connection> writer_;
  ChangeWriter<Connection> writes_;  // the writer's statements, prepared once
  std::unique_ptr<Readers> readers_;

  mutable std::mutex mutex_;  // the stats
  Stats stats_;

  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_due_ = false;
  bool checkpoint_stop_ = false;
  std::int64_t wal_pages_ = 0;        // after the last commit; the writer's thread only
  std::int64_t next_checkpoint_ = 0;  // WAL size that asks for a background checkpoint
  std::int64_t restart_at_ = 0;       // WAL size at which the writer checkpoints itself

  std::thread checkpoint_thread_;
  std::unique_ptr<GroupCommit<Pending>> commit_;  // last: its threads use the members above
};

}  // namespace gridkeeper::data
