#include "data/pg_ledger.hpp"

#include <algorithm>

#include "data/ledger_reads.hpp"
#include "data/pg_schema.hpp"
#include "data/sqlite.hpp"
#include "data/store_connections.hpp"

namespace gridkeeper::data {

using namespace dispatch;

// Connections to read with, each lent to one thread at a time; opened on demand up to a
// cap. A connection that lost its server is dropped when it comes back.
class PgLedger::Readers {
 public:
  Readers(std::string uri, std::size_t max) : uri_(std::move(uri)), max_(std::max<std::size_t>(1, max)) {}

  pg::Result<std::unique_ptr<pg::Connection>> acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || opened_ < max_; });
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return db;
    }
    ++opened_;
    lock.unlock();
    auto db = pg::Connection::open(uri_);
    if (!db) {
      lock.lock();
      --opened_;
      available_.notify_one();
    }
    return db;
  }

  void give_back(std::unique_ptr<pg::Connection> db) {
    {
      std::lock_guard lock(mutex_);
      if (db->broken()) --opened_;
      else idle_.push_back(std::move(db));
    }
    available_.notify_one();
  }

 private:
  std::string uri_;
  std::size_t max_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pg::Connection>> idle_;
  std::size_t opened_ = 0;
};

pg::Result<std::unique_ptr<PgLedger>> PgLedger::open(const std::string& uri, const Options& options) {
  std::unique_ptr<PgLedger> ledger(new PgLedger(uri, options));
  if (auto e = ledger->connect_writer()) return *e;
  ledger->commit_ = std::make_unique<GroupCommit<Pending>>(
      options.max_group, [self = ledger.get()](std::vector<Pending>& group) { return self->store_and_count(group); });
  return ledger;
}

PgLedger::PgLedger(std::string uri, Options options)
    : uri_(std::move(uri)), options_(options), readers_(std::make_unique<Readers>(uri_, options_.readers)) {}

pg::Status PgLedger::connect_writer() {
  writes_.reset();
  writer_.reset();
  auto db = open_writer(uri_, static_cast<const pg::Connection*>(nullptr));  // synchronous_commit on
  if (!db) return db.error();
  auto writes = ChangeWriter<pg::Connection>::prepare(**db);
  if (!writes) return writes.error();
  writer_ = std::move(*db);
  writes_ = std::make_unique<ChangeWriter<pg::Connection>>(std::move(*writes));
  return std::nullopt;
}

pg::Status PgLedger::check_fence() {
  if (!options_.fence) return std::nullopt;
  auto q = writer_->query("SELECT term FROM gridkeeper_lease WHERE id = 1 FOR SHARE");
  if (!q) return q.error();
  const std::int64_t term = q->next() ? q->int64(0) : 0;
  if (auto e = q->status()) return e;
  if (term != options_.fence)
    return make_error(ErrorCode::storage_unavailable,
                      "another server holds the lease now (term " + std::to_string(term) + ", this server's " +
                          std::to_string(options_.fence) + "): this one stores nothing more");
  return std::nullopt;
}

PgLedger::~PgLedger() {
  close();
  commit_.reset();  // the acknowledgements of the last group, then its threads stop
}

void PgLedger::close() {
  if (commit_) commit_->close();
}

void PgLedger::write(Change change, std::function<void(Status)> done) {
  commit_->enqueue({std::move(change), {}, std::move(done)});
}

void PgLedger::submit(WorkOn<pg::Connection> work, std::function<void(Status)> done) {
  commit_->enqueue({{}, std::move(work), std::move(done)});
}

std::vector<Status> PgLedger::store_and_count(std::vector<Pending>& group) {
  auto results = store_group(group);
  std::lock_guard lock(mutex_);
  for (const auto& r : results) r ? ++stats_.failed : ++stats_.changes;
  stats_.largest_group = std::max(stats_.largest_group, group.size());
  return results;
}

std::vector<Status> PgLedger::store_group(std::vector<Pending>& group) {
  // A connection lost with an earlier group is made again first.
  if (!writer_ || writer_->broken()) {
    auto e = connect_writer();
    std::lock_guard lock(mutex_);
    ++stats_.reconnects;
    if (e) {
      ++stats_.unavailable_groups;
      return std::vector<Status>(group.size(), e);
    }
  }
  // The changes' statements are pipelined: sent without waiting for each answer, so that a
  // group costs a few round trips to the server, not a few per change. A work (which may
  // read what it wrote, and runs in a savepoint) runs outside the pipeline.
  auto store = [&](std::size_t from, std::size_t to, std::vector<Status>& own) -> Status {
    auto tx = pg::Transaction::begin(*writer_);
    if (!tx) return tx.error();
    Status failed = check_fence();
    for (std::size_t i = from; i < to && !failed; ++i) {
      auto& p = group[i];
      if (p.work) {
        // The changes before it reach the server first: the work may read what they wrote.
        failed = writes_->flush();
        if (!failed && writer_->pipelined()) failed = writer_->end_pipeline();
        if (!failed) failed = run_work(*writer_, p.work, own[i]);
        continue;
      }
      if (!writer_->pipelined()) failed = writer_->begin_pipeline();
      if (!failed) failed = writes_->apply(p.change);
    }
    if (!failed) failed = writes_->flush();
    if (writer_->pipelined()) {
      auto ended = writer_->end_pipeline();
      if (!failed) failed = ended;
    }
    if (failed) return failed;
    return tx->commit();
  };
  GroupOutcome outcome;
  auto results = store_or_retry(group.size(), store, outcome);
  std::lock_guard lock(mutex_);
  stats_.groups += outcome.transactions;
  stats_.retried_groups += outcome.retried ? 1 : 0;
  stats_.unavailable_groups += outcome.unavailable ? 1 : 0;
  return results;
}

template <class Read>
auto PgLedger::with_reader(Read read) -> decltype(read(std::declval<pg::Connection&>())) {
  auto db = readers_->acquire();
  if (!db) return db.error();
  auto result = read(**db);
  readers_->give_back(std::move(*db));
  return result;
}

pg::Result<LedgerState> PgLedger::read_state() {
  return with_reader([](pg::Connection& db) { return read_ledger_state(db); });
}
pg::Result<std::optional<Case>> PgLedger::read_case(CaseId id) {
  return with_reader([&](pg::Connection& db) { return data::read_case(db, id); });
}
pg::Result<std::vector<CaseEvent>> PgLedger::read_events(CaseId id) {
  return with_reader([&](pg::Connection& db) { return data::read_events(db, id); });
}
pg::Result<std::vector<Case>> PgLedger::read_cases(const CaseQuery& query) {
  return with_reader([&](pg::Connection& db) { return data::read_cases(db, query); });
}
pg::Result<std::vector<PostTerm>> PgLedger::read_post_history(const std::string& grid) {
  return with_reader([&](pg::Connection& db) { return data::read_post_history(db, grid); });
}

namespace {
template <class T>
T or_throw(pg::Result<T> r) {
  if (!r) throw StorageError(r.error());
  return std::move(r.value());
}
}  // namespace

LedgerState PgLedger::load() { return or_throw(read_state()); }
std::optional<Case> PgLedger::find_case(CaseId id) { return or_throw(read_case(id)); }
std::vector<CaseEvent> PgLedger::case_events(CaseId id) { return or_throw(read_events(id)); }
std::vector<Case> PgLedger::find_cases(const CaseQuery& query) { return or_throw(read_cases(query)); }
std::vector<PostTerm> PgLedger::post_history(const std::string& grid) { return or_throw(read_post_history(grid)); }

PgLedger::Stats PgLedger::stats() const {
  std::lock_guard lock(mutex_);
  auto s = stats_;
  s.queued = commit_ ? commit_->queued() : 0;
  return s;
}

}  // namespace gridkeeper::data
