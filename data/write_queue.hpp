#pragma once
// The one way to write to a database a server serves: every durable write goes through the
// ledger's single writer and its group commit (SqliteLedger, PgLedger), so no second
// connection ever waits for the write lock, and a failing device or a lost database server
// fails every kind of write the same way.
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "data/sqlite.hpp"

namespace gridkeeper::data {

// A write run on the writer's connection (a `Db`: data::Connection or pg::Connection) inside
// the transaction of the next group. It runs within a savepoint: when it returns an error,
// what it did is undone and only its own caller hears of it. It may run again (alone) when
// its group fails for another change, so it must not depend on having run before. It must
// not block.
template <class Db>
using WorkOn = std::function<Status(Db&)>;

template <class Db>
class WriteQueueOn {
 public:
  virtual ~WriteQueueOn() = default;
  // Queues `work`; `done` runs on the queue's own thread once the work is durable (no
  // error) or has failed (error). A failed commit fails every work of its group.
  virtual void submit(WorkOn<Db> work, std::function<void(Status)> done) = 0;
};

using Work = WorkOn<Connection>;
using WriteQueue = WriteQueueOn<Connection>;

// Submits `work` and waits until it is durable or has failed. Blocks the calling thread:
// call it from a thread that may block (the server's blocking pool, a command), never
// from a network thread nor from the queue's own threads.
template <class Db>
Status write_and_wait(WriteQueueOn<Db>& queue, WorkOn<Db> work) {
  auto answer = std::make_shared<std::promise<Status>>();
  auto result = answer->get_future();
  queue.submit(std::move(work), [answer](Status s) { answer->set_value(std::move(s)); });
  return result.get();
}

// Runs `work` on the writer's connection inside a savepoint. Its own failure undoes only
// the work and goes to `own`, for its caller alone; what is returned fails the group (the
// savepoint could not be made or undone, or the storage itself is unavailable).
template <class Db>
Status run_work(Db& db, const WorkOn<Db>& work, Status& own) {
  own.reset();
  if (auto e = db.exec("SAVEPOINT work")) return e;
  Status status;
  try {
    status = work(db);
  } catch (const std::exception& e) {
    status = dispatch::make_error(dispatch::ErrorCode::storage_failed, std::string("a write failed: ") + e.what());
  }
  if (status) {
    if (auto e = db.exec("ROLLBACK TO SAVEPOINT work; RELEASE SAVEPOINT work")) return e;
    // The group goes on without it, unless the storage refused (the commit would fail too).
    if (status->code == dispatch::ErrorCode::storage_unavailable) return status;
    own = std::move(status);
    return std::nullopt;
  }
  return db.exec("RELEASE SAVEPOINT work");
}

}  // namespace gridkeeper::data
