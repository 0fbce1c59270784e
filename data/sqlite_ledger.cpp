#include "data/sqlite_ledger.hpp"

#include <sqlite3.h>

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "data/schema.hpp"
#include "data/sqlite_ledger_readers.hpp"

namespace gridkeeper::data {

using namespace dispatch;

namespace {

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

Result<std::unique_ptr<SqliteLedger>> SqliteLedger::open(const std::string& path, const Options& options) {
  if (options.heap_limit_bytes > 0) sqlite3_soft_heap_limit64(options.heap_limit_bytes);
  auto db = open_for_writing(path, options.busy_timeout_ms);
  if (!db) return db.error();
  // After a checkpoint the WAL is reused from its start; this bounds the file it leaves.
  // Nothing is ever deleted, so zeroing freed space would only cost time.
  if (auto e = (*db)->exec("PRAGMA journal_size_limit = 67108864; PRAGMA secure_delete = OFF")) return *e;
  auto writes = ChangeWriter<Connection>::prepare(**db);
  if (!writes) return writes.error();
  return std::unique_ptr<SqliteLedger>(new SqliteLedger(path, options, std::move(*db), *writes));
}

SqliteLedger::SqliteLedger(std::string path, Options options, std::unique_ptr<Connection> writer,
                           ChangeWriter<Connection> writes)
    : path_(std::move(path)),
      options_(options),
      writer_(std::move(writer)),
      writes_(std::move(writes)),
      readers_(std::make_unique<Readers>(path_, options_.readers, options_.busy_timeout_ms)) {
  options_.max_group = std::max<std::size_t>(1, options_.max_group);
  next_checkpoint_ = options_.checkpoint_pages;
  restart_at_ = options_.restart_pages;
  // Replaces SQLite's automatic checkpoint, which would run inside a commit and make the
  // acknowledgements of that group wait for it.
  sqlite3_wal_hook(
      writer_->handle(),
      [](void* self, sqlite3*, const char*, int pages) {
        static_cast<SqliteLedger*>(self)->wal_grew(pages);
        return SQLITE_OK;
      },
      this);
  commit_ = std::make_unique<GroupCommit<Pending>>(
      options_.max_group, [this](std::vector<Pending>& group) { return store_and_count(group); },
      [this] {
        if (wal_pages_ >= restart_at_) restart_wal();
      });
  checkpoint_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ledger-ckpt");
    run_checkpointer();
  });
}

SqliteLedger::~SqliteLedger() {
  close();
  commit_.reset();  // the acknowledgements of the last group, then its threads stop
}

void SqliteLedger::close() {
  commit_->close();
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stop_ = true;
  }
  checkpoint_wake_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

void SqliteLedger::write(Change change, std::function<void(Status)> done) {
  commit_->enqueue({std::move(change), {}, std::move(done)});
}

void SqliteLedger::submit(Work work, std::function<void(Status)> done) {
  commit_->enqueue({{}, std::move(work), std::move(done)});
}

std::vector<Status> SqliteLedger::store_and_count(std::vector<Pending>& group) {
  const double cpu_before = thread_cpu_seconds();
  auto results = store_group(group);
  const double cpu = thread_cpu_seconds() - cpu_before;
  std::lock_guard lock(mutex_);
  for (const auto& r : results) r ? ++stats_.failed : ++stats_.changes;
  stats_.largest_group = std::max(stats_.largest_group, group.size());
  stats_.writer_cpu_s += cpu;
  return results;
}

void SqliteLedger::restart_wal() {
  // No transaction is open on this connection and no other writer exists, so this passive
  // checkpoint can copy every frame, unless a reader still uses old ones; then the next
  // transaction writes the WAL from its head again.
  const auto start = std::chrono::steady_clock::now();
  sqlite3_wal_checkpoint_v2(writer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // When the WAL starts over, the next commit says so (wal_grew); if a reader kept it from
  // starting over, try again once it has grown some more.
  restart_at_ = wal_pages_ + options_.checkpoint_pages;
  std::lock_guard lock(mutex_);
  ++stats_.writer_checkpoints;
  stats_.writer_checkpoint_s += took;
}

Result<Transaction> SqliteLedger::begin() {
  // Only another process (a command) can hold the lock; it lets go within moments.
  for (int attempt = 0;; ++attempt) {
    auto tx = Transaction::begin(*writer_);
    if (tx) return tx;
    const bool busy = (sqlite3_extended_errcode(writer_->handle()) & 0xff) == SQLITE_BUSY;
    if (!busy || attempt >= options_.busy_retries) return tx.error();
  }
}

Status SqliteLedger::commit(Transaction& tx) {
  if (options_.before_commit) {
    if (const int rc = options_.before_commit(); rc != SQLITE_OK) {
      tx.rollback();
      return sqlite_error(rc, std::string("cannot commit: ") + sqlite3_errstr(rc));
    }
  }
  return tx.commit();
}

std::vector<Status> SqliteLedger::store_group(std::vector<Pending>& group) {
  GroupOutcome outcome;
  auto results = store_or_retry(
      group.size(),
      [&](std::size_t from, std::size_t to, std::vector<Status>& own) -> Status {
        auto tx = begin();
        if (!tx) return tx.error();
        for (std::size_t i = from; i < to; ++i) {
          auto& p = group[i];
          if (auto e = p.work ? run_work(*writer_, p.work, own[i]) : writes_.apply(p.change)) return e;
        }
        return commit(*tx);
      },
      outcome);
  int pages = 0, highwater = 0;
  sqlite3_db_status(writer_->handle(), SQLITE_DBSTATUS_CACHE_WRITE, &pages, &highwater, 1);
  std::lock_guard lock(mutex_);
  stats_.groups += outcome.transactions;
  stats_.retried_groups += outcome.retried ? 1 : 0;
  stats_.unavailable_groups += outcome.unavailable ? 1 : 0;
  stats_.pages_written += static_cast<std::uint64_t>(pages);
  return results;
}

void SqliteLedger::wal_grew(std::int64_t pages) {
  // Each background checkpoint costs two fsyncs, so one is asked for each time the WAL has
  // grown by checkpoint_pages, not after every commit.
  if (pages < wal_pages_) {  // the WAL started over
    next_checkpoint_ = options_.checkpoint_pages;
    restart_at_ = options_.restart_pages;
  }
  wal_pages_ = pages;
  if (pages < next_checkpoint_) return;
  next_checkpoint_ = pages + options_.checkpoint_pages;
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_due_ = true;
  }
  checkpoint_wake_.notify_one();
}

void SqliteLedger::run_checkpointer() {
  std::unique_ptr<Connection> db;
  while (true) {
    {
      std::unique_lock lock(checkpoint_mutex_);
      checkpoint_wake_.wait(lock, [&] { return checkpoint_due_ || checkpoint_stop_; });
      if (checkpoint_stop_) return;
    }
    if (!db) {
      auto opened = Connection::open(path_, OpenMode::read_write, options_.busy_timeout_ms);
      if (opened && !(*opened)->exec("PRAGMA synchronous = FULL")) db = std::move(*opened);
    }
    // Passive: copies what it can without blocking the writer or the readers; what it
    // cannot copy yet is taken the next time.
    if (db) sqlite3_wal_checkpoint_v2(db->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    {
      std::lock_guard lock(checkpoint_mutex_);
      checkpoint_due_ = false;
    }
    {
      std::lock_guard lock(mutex_);
      ++stats_.checkpoints;
    }
  }
}

SqliteLedger::Stats SqliteLedger::stats() const {
  std::lock_guard lock(mutex_);
  auto s = stats_;
  s.queued = commit_->queued();
  return s;
}

}  // namespace gridkeeper::data
