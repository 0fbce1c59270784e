#pragma once
// PgLedger: the command center's storage port on PostgreSQL (libpq).
//
// Writes: as SqliteLedger's (data/group_commit.hpp). One writer thread owns the write
// connection; it takes every queued Change (up to max_group) and stores them in one transaction, whose COMMIT returns
// once the server has made it durable (synchronous_commit on, as the connection insists);
// the acknowledgement thread then calls each `done` in submission order while the writer
// stores the next group. When the group fails, each change is tried again alone, so a bad
// change fails only itself. A connection lost (the server restarted, a failover) fails
// the group it was storing with storage_unavailable, nothing of it committed; the writer
// connects again for the next group.
//
// Reads: a small pool of connections, each read in one snapshot. Reads block, so callers
// keep them off network threads.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "data/change_writer.hpp"
#include "data/group_commit.hpp"
#include "data/pg.hpp"
#include "data/write_queue.hpp"
#include "dispatch/ledger.hpp"

namespace gridkeeper::data {

class PgLedger final : public dispatch::Ledger, public WriteQueueOn<pg::Connection> {
 public:
  struct Options {
    std::size_t max_group = 512;  // changes per transaction at most
    std::size_t readers = 4;      // read connections at most
    // The term of the lease (PgLease::term) this server serves under; 0: none. Each group's
    // transaction then first checks the term is still the current one, holding it (FOR
    // SHARE) until its commit: once another server has taken the lease, nothing more of
    // this one is stored (storage_unavailable), even before it notices its loss.
    std::int64_t fence = 0;
  };

  // Connects to `uri`, creates or migrates the schema and starts the writer.
  static pg::Result<std::unique_ptr<PgLedger>> open(const std::string& uri, const Options& options);
  static pg::Result<std::unique_ptr<PgLedger>> open(const std::string& uri) { return open(uri, Options{}); }

  // Stores everything queued, acknowledges it, then stops.
  ~PgLedger() override;
  // Stores everything queued and stops writing; later writes fail. Idempotent.
  void close();

  // The port. Reads throw StorageError when the database fails.
  dispatch::LedgerState load() override;
  void write(dispatch::Change change, std::function<void(dispatch::Status)> done) override;
  // Runs `work` in the next group's transaction (WriteQueueOn): the accounts, reports,
  // addresses and generations of the same database write through this one writer.
  void submit(WorkOn<pg::Connection> work, std::function<void(dispatch::Status)> done) override;
  std::optional<dispatch::Case> find_case(dispatch::CaseId id) override;
  std::vector<dispatch::CaseEvent> case_events(dispatch::CaseId id) override;
  std::vector<dispatch::Case> find_cases(const dispatch::CaseQuery& query) override;
  std::vector<dispatch::PostTerm> post_history(const std::string& grid) override;

  // The same reads with errors as values.
  pg::Result<dispatch::LedgerState> read_state();
  pg::Result<std::optional<dispatch::Case>> read_case(dispatch::CaseId id);
  pg::Result<std::vector<dispatch::CaseEvent>> read_events(dispatch::CaseId id);
  pg::Result<std::vector<dispatch::Case>> read_cases(const dispatch::CaseQuery& query);
  pg::Result<std::vector<dispatch::PostTerm>> read_post_history(const std::string& grid);

  struct Stats {
    std::uint64_t groups = 0;   // transactions committed
    std::uint64_t changes = 0;  // changes stored
    std::uint64_t failed = 0;   // changes refused
    std::uint64_t retried_groups = 0;
    std::uint64_t unavailable_groups = 0;  // groups lost with the connection
    std::uint64_t reconnects = 0;
    std::size_t largest_group = 0;
    std::size_t queued = 0;
  };
  Stats stats() const;
  const std::string& uri() const { return uri_; }

  PgLedger(const PgLedger&) = delete;
  PgLedger& operator=(const PgLedger&) = delete;

 private:
  struct Pending {
    dispatch::Change change;
    WorkOn<pg::Connection> work;  // instead of a change
    std::function<void(dispatch::Status)> done;
  };
  class Readers;

  PgLedger(std::string uri, Options options);
  pg::Status connect_writer();
  pg::Status check_fence();                                                    // in the group's transaction
  std::vector<dispatch::Status> store_and_count(std::vector<Pending>& group);  // with the stats
  std::vector<dispatch::Status> store_group(std::vector<Pending>& group);
  template <class Read>
  auto with_reader(Read read) -> decltype(read(std::declval<pg::Connection&>()));

  std::string uri_;
  Options options_;
  std::unique_ptr<pg::Connection> writer_;
  std::unique_ptr<ChangeWriter<pg::Connection>> writes_;
  std::unique_ptr<Readers> readers_;

  mutable std::mutex mutex_;  // the stats
  Stats stats_;
  std::unique_ptr<GroupCommit<Pending>> commit_;  // last: its threads use the members above
};

}  // namespace gridkeeper::data
