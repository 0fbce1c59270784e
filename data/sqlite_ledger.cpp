#include "data/sqlite_ledger.hpp"

#include <sqlite3.h>

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <variant>

#include "data/records.hpp"
#include "data/schema.hpp"
#include "geo/geojson.hpp"

namespace gridkeeper::data {

using namespace dispatch;

namespace {

// The exact terms of the partial indexes' WHERE clauses (data/schema.cpp): a query must
// name them as they are for SQLite to use those indexes.
constexpr std::string_view kOpenTerm = "state NOT IN ('closed', 'cancelled')";
constexpr std::string_view kClosedTerm = "state IN ('closed', 'cancelled')";

Millis wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

std::string select_cases(std::string_view where) {
  return "SELECT " + std::string(records::kCaseColumns) + " FROM cases " + std::string(where);
}

}  // namespace

// Read-only connections, each lent to one thread at a time; opened on demand up to a cap.
class SqliteLedger::Readers {
 public:
  Readers(std::string path, std::size_t max, int busy_timeout_ms)
      : path_(std::move(path)), max_(std::max<std::size_t>(1, max)), busy_timeout_ms_(busy_timeout_ms) {}

  class Lease {
   public:
    Lease(Readers* pool, std::unique_ptr<Connection> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&& other) noexcept = default;
    ~Lease() {
      if (db_) pool_->give_back(std::move(db_));
    }
    Connection& operator*() const { return *db_; }
    Connection* operator->() const { return db_.get(); }

   private:
    Readers* pool_;
    std::unique_ptr<Connection> db_;
  };

  Result<Lease> acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || opened_ < max_; });
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
    ++opened_;
    lock.unlock();
    auto db = open_for_reading(path_, busy_timeout_ms_);
    if (!db) {
      lock.lock();
      --opened_;
      available_.notify_one();
      return db.error();
    }
    return Lease(this, std::move(*db));
  }

 private:
  void give_back(std::unique_ptr<Connection> db) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(db));
    }
    available_.notify_one();
  }

  std::string path_;
  std::size_t max_;
  int busy_timeout_ms_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t opened_ = 0;
};

Result<std::unique_ptr<SqliteLedger>> SqliteLedger::open(const std::string& path, const Options& options) {
  if (options.heap_limit_bytes > 0) sqlite3_soft_heap_limit64(options.heap_limit_bytes);
  auto db = open_for_writing(path, options.busy_timeout_ms);
  if (!db) return db.error();
  // After a checkpoint the WAL is reused from its start; this bounds the file it leaves.
  // Nothing is ever deleted, so zeroing freed space would only cost time.
  if (auto e = (*db)->exec("PRAGMA journal_size_limit = 67108864; PRAGMA secure_delete = OFF")) return *e;
  auto writes = prepare_writes(**db);
  if (!writes) return writes.error();
  return std::unique_ptr<SqliteLedger>(new SqliteLedger(path, options, std::move(*db), *writes));
}

SqliteLedger::SqliteLedger(std::string path, Options options, std::unique_ptr<Connection> writer, Writes writes)
    : path_(std::move(path)),
      options_(options),
      writer_(std::move(writer)),
      writes_(writes),
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
  // Named, so that top and profilers tell the storage threads apart.
  writer_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ledger-writer");
    run_writer();
  });
  ack_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ledger-acks");
    run_acknowledgements();
  });
  checkpoint_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ledger-ckpt");
    run_checkpointer();
  });
}

SqliteLedger::~SqliteLedger() {
  close();
  {
    std::lock_guard lock(ack_mutex_);
    ack_stop_ = true;
  }
  ack_wake_.notify_all();
  if (ack_thread_.joinable()) ack_thread_.join();
}

void SqliteLedger::close() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stop_ = true;
  }
  checkpoint_wake_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

void SqliteLedger::write(Change change, std::function<void(Status)> done) {
  enqueue({std::move(change), {}, std::move(done)});
}

void SqliteLedger::submit(Work work, std::function<void(Status)> done) {
  enqueue({{}, std::move(work), std::move(done)});
}

void SqliteLedger::enqueue(Pending pending) {
  {
    std::lock_guard lock(mutex_);
    if (!closing_) {
      queue_.push_back(std::move(pending));
      wake_.notify_one();
      return;
    }
  }
  // Refused, but still answered on the ledger's thread: the caller may hold its own locks.
  std::vector<Pending> refused;
  refused.push_back(std::move(pending));
  {
    std::lock_guard lock(ack_mutex_);
    acks_.push_back({std::move(refused), {Status(make_error(ErrorCode::storage_unavailable, "the ledger is closed"))}});
  }
  ack_wake_.notify_one();
}

void SqliteLedger::run_writer() {
  std::vector<Pending> group;
  while (true) {
    group.reserve(options_.max_group);
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing, and everything queued is stored
      const std::size_t n = std::min(queue_.size(), options_.max_group);
      for (std::size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const double cpu_before = thread_cpu_seconds();
    auto results = store_group(group);
    const double cpu = thread_cpu_seconds() - cpu_before;
    {
      std::lock_guard lock(mutex_);
      for (const auto& r : results) r ? ++stats_.failed : ++stats_.changes;
      stats_.largest_group = std::max(stats_.largest_group, group.size());
      stats_.writer_cpu_s += cpu;
    }
    // The acknowledgements run on their own thread, so the next group is being stored
    // while the callers of this one hear back.
    {
      std::lock_guard lock(ack_mutex_);
      acks_.push_back({std::move(group), std::move(results)});
    }
    ack_wake_.notify_one();
    group = {};
    if (wal_pages_ >= restart_at_) restart_wal();
  }
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

void SqliteLedger::run_acknowledgements() {
  while (true) {
    Stored stored;
    {
      std::unique_lock lock(ack_mutex_);
      ack_wake_.wait(lock, [&] { return ack_stop_ || !acks_.empty(); });
      if (acks_.empty()) return;  // stopping, and every group is acknowledged
      stored = std::move(acks_.front());
      acks_.pop_front();
    }
    for (std::size_t i = 0; i < stored.group.size(); ++i) {
      // One caller's failing callback must not stop the acknowledgements of the others.
      try {
        stored.group[i].done(std::move(stored.results[i]));
      } catch (...) {
      }
    }
  }
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

Status SqliteLedger::apply(Pending& pending, Status& own) {
  own.reset();
  if (!pending.work) return apply(pending.change);
  // The work's own failure undoes only the work, not the group.
  if (auto e = writer_->exec("SAVEPOINT work")) return e;
  Status status;
  try {
    status = pending.work(*writer_);
  } catch (const std::exception& e) {
    status = storage_error(std::string("a write failed: ") + e.what());
  }
  if (status) {
    if (auto e = writer_->exec("ROLLBACK TO work; RELEASE work")) return e;
    // Only its caller hears of it; the group goes on without it, unless the device
    // refused (then the commit would fail too).
    if (status->code == ErrorCode::storage_unavailable) return status;
    own = std::move(status);
    return std::nullopt;
  }
  return writer_->exec("RELEASE work");
}

std::vector<Status> SqliteLedger::store_group(std::vector<Pending>& group) {
  std::vector<Status> results(group.size());
  Status failure;
  {
    auto tx = begin();
    if (!tx) failure = tx.error();
    for (std::size_t i = 0; i < group.size() && !failure; ++i) failure = apply(group[i], results[i]);
    if (!failure) failure = commit(*tx);
    if (!failure) {
      int pages = 0, highwater = 0;
      sqlite3_db_status(writer_->handle(), SQLITE_DBSTATUS_CACHE_WRITE, &pages, &highwater, 1);
      std::lock_guard lock(mutex_);
      ++stats_.groups;
      stats_.pages_written += static_cast<std::uint64_t>(pages);
      return results;
    }
  }  // rolled back
  if (group.size() == 1 || failure->code == ErrorCode::storage_unavailable) {
    // The device refused (or there is nothing to tell apart): nothing of the group is
    // stored, every caller hears so, and the next group tries again.
    if (failure->code == ErrorCode::storage_unavailable) {
      std::lock_guard lock(mutex_);
      ++stats_.unavailable_groups;
    }
    for (auto& r : results) r = failure;
    return results;
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.retried_groups;
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    auto tx = begin();
    Status own;
    Status status = tx ? apply(group[i], own) : Status(tx.error());
    if (!status) status = commit(*tx);
    if (!status) status = std::move(own);
    if (!status) {
      std::lock_guard lock(mutex_);
      ++stats_.groups;
    }
    results[i] = std::move(status);
  }
  return results;
}

Result<SqliteLedger::Writes> SqliteLedger::prepare_writes(Connection& db) {
  Writes w;
  const std::pair<Prepared*, std::string_view> all[] = {
      {&w.upsert_category, records::kUpsertCategory},
      {&w.upsert_worker, records::kUpsertWorker},
      {&w.set_posts, "UPDATE grids SET owner = ?2, backup = ?3 WHERE code = ?1"},
      {&w.close_term,
       "UPDATE post_terms SET to_at = ?4 WHERE grid = ?1 AND worker = ?2 AND backup = ?3 AND to_at IS NULL"},
      {&w.end_post, "UPDATE post_terms SET to_at = ?3 WHERE grid = ?1 AND backup = ?2 AND to_at IS NULL"},
      {&w.open_term, "INSERT INTO post_terms (grid, worker, backup, from_at, to_at) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&w.upsert_case, records::kUpsertCase},
      {&w.insert_event, records::kInsertEvent},
      {&w.set_mode, "UPDATE jurisdictions SET emergency = ?2 WHERE code = ?1"},
      {&w.insert_audit, records::kInsertAudit},
  };
  for (const auto& [statement, sql] : all) {
    auto prepared = db.prepare(sql);
    if (!prepared) return prepared.error();
    *statement = *prepared;
  }
  return w;
}

Status SqliteLedger::apply(const Change& change) {
  // Parents before children: categories, workers and grids before the cases that name
  // them, cases before their events.
  for (const auto& c : change.categories) {
    auto q = writes_.upsert_category.use();
    records::bind_category(q, c);
    if (auto e = q.run()) return storage_error("category " + c.id + ": " + e->message);
  }
  for (const auto& w : change.workers) {
    auto q = writes_.upsert_worker.use();
    q.bind(1, w.id).bind(2, w.name).bind(3, w.phone).bind_code(4, w.community).bind(5, to_string(w.status));
    if (auto e = q.run()) return storage_error("worker " + w.id + ": " + e->message);
  }
  for (const auto& j : change.jurisdictions) {
    auto q = writes_.set_mode.use();
    q.bind(1, j.code).bind(2, j.emergency);
    if (auto e = q.run()) return storage_error("jurisdiction " + j.code + ": " + e->message);
    if (writer_->changes() == 0) return storage_error("no jurisdiction " + j.code);
  }
  for (const auto& g : change.grids) {
    auto q = writes_.set_posts.use();
    q.bind(1, g.code).bind_code(2, g.owner).bind_code(3, g.backup);
    if (auto e = q.run()) return storage_error("grid " + g.code + ": " + e->message);
    if (writer_->changes() == 0) return storage_error("no grid " + g.code);
  }
  for (const auto& t : change.post_terms_closed) {
    auto q = writes_.close_term.use();
    q.bind(1, t.grid).bind(2, t.worker).bind(3, t.backup).bind(4, t.to.value_or(wall_clock_ms()));
    if (auto e = q.run()) return storage_error("post term of " + t.grid + ": " + e->message);
  }
  for (const auto& t : change.post_terms_opened) {
    {
      // A post has one holder: whoever still holds it hands over now.
      auto q = writes_.end_post.use();
      q.bind(1, t.grid).bind(2, t.backup).bind(3, t.from);
      if (auto e = q.run()) return storage_error("post term of " + t.grid + ": " + e->message);
    }
    auto q = writes_.open_term.use();
    q.bind(1, t.grid).bind(2, t.worker).bind(3, t.backup).bind(4, t.from).bind(5, t.to);
    if (auto e = q.run()) return storage_error("post term of " + t.grid + ": " + e->message);
  }
  for (const auto& c : change.cases) {
    auto q = writes_.upsert_case.use();
    records::bind_case(q, c);
    if (auto e = q.run()) return storage_error("case " + std::to_string(c.id) + ": " + e->message);
  }
  for (const auto& ev : change.events) {
    auto q = writes_.insert_event.use();
    records::bind_event(q, ev);
    if (auto e = q.run()) return storage_error("event of case " + std::to_string(ev.case_id) + ": " + e->message);
  }
  for (const auto& a : change.audit) {
    auto q = writes_.insert_audit.use();
    q.bind(1, a.at).bind(2, a.actor).bind(3, a.kind).bind(4, a.subject).bind(5, a.detail);
    if (auto e = q.run()) return storage_error("audit entry: " + e->message);
  }
  return std::nullopt;
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
  s.queued = queue_.size();
  return s;
}

Result<LedgerState> SqliteLedger::read_state() {
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  Connection& db = **lease;
  // One snapshot for everything the center starts from.
  auto tx = Transaction::begin(db, Transaction::Kind::deferred);
  if (!tx) return tx.error();
  LedgerState state;
  {
    auto q = db.query("SELECT code, name, level, parent, emergency FROM jurisdictions ORDER BY code");
    if (!q) return q.error();
    while (q->next())
      state.jurisdictions.push_back(
          {q->text(0), q->text(1), level_from(q->text(2)).value_or(Level::community), q->text(3), q->int64(4) != 0});
    if (auto e = q->status()) return *e;
  }
  {
    auto q = db.query("SELECT code, name, community, population, owner, backup, geometry FROM grids ORDER BY code");
    if (!q) return q.error();
    while (q->next()) {
      Grid g{q->text(0), q->text(1), q->text(2), q->int64(3), q->text(4), q->text(5)};
      auto shape = geo::read_geometry(q->text(6));
      if (!shape) return storage_error("grid " + g.code + " has a stored geometry that cannot be read");
      state.grid_shapes.push_back({g.code, std::move(*shape)});
      state.grids.push_back(std::move(g));
    }
    if (auto e = q->status()) return *e;
  }
  {
    auto q = db.query("SELECT id, name, phone, community, status FROM workers ORDER BY id");
    if (!q) return q.error();
    while (q->next())
      state.workers.push_back(
          {q->text(0), q->text(1), q->text(2), q->text(3), duty_status_from(q->text(4)).value_or(DutyStatus::on_duty)});
    if (auto e = q->status()) return *e;
  }
  {
    static const std::string sql = "SELECT " + std::string(records::kCategoryColumns) + " FROM categories ORDER BY id";
    auto q = db.query(sql);
    if (!q) return q.error();
    while (q->next()) state.categories.push_back(records::read_category(*q, 0));
    if (auto e = q->status()) return *e;
  }
  {
    static const std::string sql = select_cases("WHERE " + std::string(kOpenTerm) + " ORDER BY id");
    auto q = db.query(sql);
    if (!q) return q.error();
    while (q->next()) state.open_cases.push_back(records::read_case(*q, 0));
    if (auto e = q->status()) return *e;
  }
  auto max_id = db.scalar("SELECT coalesce(max(id), 0) FROM cases");
  if (!max_id) return max_id.error();
  state.max_case_id = *max_id;
  return state;
}

Result<std::optional<Case>> SqliteLedger::read_case(CaseId id) {
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  static const std::string sql = select_cases("WHERE id = ?1");
  auto q = (*lease)->query(sql);
  if (!q) return q.error();
  q->bind(1, id);
  std::optional<Case> found;
  if (q->next()) found = records::read_case(*q, 0);
  if (auto e = q->status()) return *e;
  return found;
}

Result<std::vector<CaseEvent>> SqliteLedger::read_events(CaseId id) {
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  static const std::string sql =
      "SELECT " + std::string(records::kEventColumns) + " FROM case_events WHERE case_id = ?1 ORDER BY seq";
  auto q = (*lease)->query(sql);
  if (!q) return q.error();
  q->bind(1, id);
  std::vector<CaseEvent> events;
  while (q->next()) events.push_back(records::read_event(*q, 0));
  if (auto e = q->status()) return *e;
  return events;
}

Result<std::vector<Case>> SqliteLedger::read_cases(const CaseQuery& query) {
  const int limit = std::clamp(query.limit, 0, 10'000);
  if (limit == 0) return std::vector<Case>{};
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  Connection& db = **lease;

  std::string where = "WHERE 1";
  std::vector<std::variant<std::int64_t, std::string>> values;
  auto filter = [&](std::string_view condition, std::variant<std::int64_t, std::string> value) {
    values.push_back(std::move(value));
    where += " AND ";
    where += condition;
    where += " ?" + std::to_string(values.size());
  };
  if (!query.scope.empty()) {
    // A scope is one code; which column holds it depends on its level. The column's index
    // then yields the cases newest first.
    std::string column;
    {
      auto q = db.query("SELECT level FROM jurisdictions WHERE code = ?1");
      if (!q) return q.error();
      q->bind(1, query.scope);
      if (q->next()) column = q->text(0);
      if (auto e = q->status()) return *e;
    }
    if (column.empty()) {
      auto q = db.query("SELECT 1 FROM grids WHERE code = ?1");
      if (!q) return q.error();
      q->bind(1, query.scope);
      if (q->next()) column = "grid";
      if (auto e = q->status()) return *e;
    }
    if (column == "grid" || column == "community" || column == "street" || column == "district") {
      filter(column + " =", query.scope);
    } else {
      values.push_back(query.scope);
      const std::string p = "?" + std::to_string(values.size());
      where += " AND (grid = " + p + " OR community = " + p + " OR street = " + p + " OR district = " + p + ")";
    }
  }
  if (query.state) filter("state =", std::string(to_string(*query.state)));
  std::optional<bool> open = query.open;
  if (query.state) {
    const bool state_open = *query.state != CaseState::closed && *query.state != CaseState::cancelled;
    if (open && *open != state_open) return std::vector<Case>{};
    open = state_open;
  }
  if (open) {
    where += " AND ";
    where += *open ? kOpenTerm : kClosedTerm;
  }
  if (!query.grid.empty()) filter("grid =", query.grid);
  if (!query.assignee.empty()) filter("assignee =", query.assignee);
  if (query.urgency) filter("urgency =", std::string(to_string(*query.urgency)));
  if (query.overdue) filter("overdue =", static_cast<std::int64_t>(*query.overdue));
  if (query.after) filter("id <", *query.after);
  values.push_back(static_cast<std::int64_t>(limit));
  where += " ORDER BY id DESC LIMIT ?" + std::to_string(values.size());

  auto q = db.query(select_cases(where));
  if (!q) return q.error();
  for (std::size_t i = 0; i < values.size(); ++i)
    std::visit([&](const auto& v) { q->bind(static_cast<int>(i + 1), v); }, values[i]);
  std::vector<Case> cases;
  while (q->next()) cases.push_back(records::read_case(*q, 0));
  if (auto e = q->status()) return *e;
  return cases;
}

Result<std::vector<PostTerm>> SqliteLedger::read_post_history(const std::string& grid) {
  auto lease = readers_->acquire();
  if (!lease) return lease.error();
  auto q = (*lease)->query(
      "SELECT grid, worker, backup, from_at, to_at FROM post_terms WHERE grid = ?1 ORDER BY from_at, id");
  if (!q) return q.error();
  q->bind(1, grid);
  std::vector<PostTerm> terms;
  while (q->next()) terms.push_back({q->text(0), q->text(1), q->int64(2) != 0, q->int64(3), q->optional_int64(4)});
  if (auto e = q->status()) return *e;
  return terms;
}

namespace {
template <class T>
T or_throw(Result<T> r) {
  if (!r) throw StorageError(r.error().message);
  return std::move(r.value());
}
}  // namespace

LedgerState SqliteLedger::load() { return or_throw(read_state()); }
std::optional<Case> SqliteLedger::find_case(CaseId id) { return or_throw(read_case(id)); }
std::vector<CaseEvent> SqliteLedger::case_events(CaseId id) { return or_throw(read_events(id)); }
std::vector<Case> SqliteLedger::find_cases(const CaseQuery& query) { return or_throw(read_cases(query)); }
std::vector<PostTerm> SqliteLedger::post_history(const std::string& grid) { return or_throw(read_post_history(grid)); }

}  // namespace gridkeeper::data
