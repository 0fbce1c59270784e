#pragma once
// The one way to write to a database file that a server serves: every durable write goes
// through its single writer (SqliteLedger) and its group commit, so no second connection
// ever waits for the write lock, and a full disk fails every kind of write the same way.
#include <functional>
#include <future>
#include <memory>

#include "data/sqlite.hpp"

namespace gridkeeper::data {

// A write run on the writer's connection inside the transaction of the next group. It
// runs within a savepoint: when it returns an error, what it did is undone and only its
// own caller hears of it. It may run again (alone) when its group fails for another
// change, so it must not depend on having run before. It must not block.
using Work = std::function<Status(Connection&)>;

class WriteQueue {
 public:
  virtual ~WriteQueue() = default;
  // Queues `work`; `done` runs on the queue's own thread once the work is durable (no
  // error) or has failed (error). A failed commit fails every work of its group.
  virtual void submit(Work work, std::function<void(Status)> done) = 0;
};

// Submits `work` and waits until it is durable or has failed. Blocks the calling thread:
// call it from a thread that may block (the server's blocking pool, a command), never
// from a network thread nor from the queue's own threads.
inline Status write_and_wait(WriteQueue& queue, Work work) {
  auto answer = std::make_shared<std::promise<Status>>();
  auto result = answer->get_future();
  queue.submit(std::move(work), [answer](Status s) { answer->set_value(std::move(s)); });
  return result.get();
}

}  // namespace gridkeeper::data
