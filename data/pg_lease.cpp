#include "data/pg_lease.hpp"

#include <pthread.h>

namespace gridkeeper::data {

PgLease::PgLease(std::string uri, Options options, std::function<void(Role)> changed)
    : uri_(std::move(uri)), options_(options), changed_(std::move(changed)) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "lease");
    run();
  });
}

PgLease::~PgLease() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  db_.reset();  // the lock goes with the connection
}

void PgLease::on_change(std::function<void(Role)> changed) {
  std::lock_guard lock(changed_mutex_);
  changed_ = std::move(changed);
}

bool PgLease::wait_active(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, timeout, [&] { return active_.load() || stop_; }) && active_;
}

std::string PgLease::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

bool PgLease::beat() {
  auto fail = [&](const std::string& message) {
    std::lock_guard lock(mutex_);
    last_error_ = message;
    db_.reset();
    return false;
  };
  if (!db_ || db_->broken()) {
    auto db = pg::Connection::open(uri_, static_cast<int>(options_.heartbeat.count() * 5));
    if (!db) return fail(db.error().message);
    // The server notices a machine gone within seconds, not the system's two hours.
    if (auto e = (*db)->exec("SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; "
                             "SET tcp_keepalives_count = 3"))
      return fail(e->message);
    db_ = std::move(*db);
  }
  if (active_) {
    // Still ours while the connection holding it lives.
    auto alive = db_->scalar("SELECT 1");
    if (!alive) return fail("the lease's connection was lost: " + alive.error().message);
    return true;
  }
  auto q = db_->query("SELECT pg_try_advisory_lock(?1::bigint)");
  if (!q) return fail(q.error().message);
  q->bind(1, options_.key);
  const bool got = q->next() && q->int64(0) == 1;
  if (auto e = q->status()) return fail(e->message);
  if (!got) return false;
  // A new term: its number fences off the writes of an earlier holder that has not yet
  // noticed it lost the lease (see PgLedger::Options::fence). The row lock of this update
  // waits for that holder's transactions in flight; those after it see the new term.
  if (auto e = db_->exec(
          "CREATE TABLE IF NOT EXISTS gridkeeper_lease (id INTEGER PRIMARY KEY CHECK (id = 1), term BIGINT NOT NULL)"))
    return fail("cannot begin a term of the lease: " + e->message);
  auto term = db_->scalar(
      "INSERT INTO gridkeeper_lease (id, term) VALUES (1, 1) "
      "ON CONFLICT (id) DO UPDATE SET term = gridkeeper_lease.term + 1 RETURNING term");
  if (!term) return fail("cannot begin a term of the lease: " + term.error().message);
  term_ = *term;
  return true;
}

void PgLease::run() {
  while (true) {
    const bool was = active_;
    const bool now = beat();
    if (now != was) {
      {
        std::lock_guard lock(mutex_);
        active_ = now;
      }
      wake_.notify_all();
      std::lock_guard lock(changed_mutex_);
      if (changed_) changed_(now ? Role::active : Role::standby);
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, options_.heartbeat, [&] { return stop_; })) return;
  }
}

}  // namespace gridkeeper::data
