#pragma once
// Shared by the SqliteLedger's source files (data/sqlite_ledger*.cpp) and used by nothing
// else: the pool of read-only connections.
#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "data/schema.hpp"
#include "data/sqlite.hpp"
#include "data/sqlite_ledger.hpp"

namespace gridkeeper::data {

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

}  // namespace gridkeeper::data
