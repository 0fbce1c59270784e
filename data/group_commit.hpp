#pragma once
// The group commit both ledgers share (SqliteLedger, PgLedger). Writes queue up; one writer
// thread takes up to max_group of them at a time and has the ledger store them in one
// transaction; an acknowledgement thread answers each in submission order while the writer
// stores the next group. Once closed, what was queued is still stored and later writes are
// refused, answered on the acknowledgement thread too (their callers may hold locks of
// their own).
#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dispatch/errors.hpp"

namespace gridkeeper::data {

// Pending: a write with its `done` (std::function<void(dispatch::Status)>).
template <class Pending>
class GroupCommit {
 public:
  // Stores a group; one result per write, in its order.
  using Store = std::function<std::vector<dispatch::Status>(std::vector<Pending>&)>;

  // Starts the writer and acknowledgement threads. `after` runs on the writer's thread once
  // a group is handed to the acknowledgements (housekeeping that must not delay them).
  GroupCommit(std::size_t max_group, Store store, std::function<void()> after = {})
      : max_group_(std::max<std::size_t>(1, max_group)), store_(std::move(store)), after_(std::move(after)) {
    // Named, so that top and profilers tell the storage threads apart.
    writer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "ledger-writer");
      run_writer();
    });
    acks_thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "ledger-acks");
      run_acknowledgements();
    });
  }
  ~GroupCommit() {
    close();
    {
      std::lock_guard lock(ack_mutex_);
      ack_stop_ = true;
    }
    ack_wake_.notify_all();
    if (acks_thread_.joinable()) acks_thread_.join();
  }
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  void enqueue(Pending pending) {
    {
      std::lock_guard lock(mutex_);
      if (!closing_) {
        queue_.push_back(std::move(pending));
        wake_.notify_one();
        return;
      }
    }
    std::vector<Pending> refused;
    refused.push_back(std::move(pending));
    hand_over(std::move(refused),
              {dispatch::make_error(dispatch::ErrorCode::storage_unavailable, "the ledger is closed")});
  }

  // Stores everything queued and stops the writer. Idempotent.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    wake_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

  std::size_t queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

 private:
  void run_writer() {
    std::vector<Pending> group;
    while (true) {
      group.reserve(max_group_);
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing, and everything queued is stored
        const std::size_t n = std::min(queue_.size(), max_group_);
        for (std::size_t i = 0; i < n; ++i) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      auto results = store_(group);
      hand_over(std::move(group), std::move(results));
      group = {};
      if (after_) after_();
    }
  }

  void hand_over(std::vector<Pending> group, std::vector<dispatch::Status> results) {
    {
      std::lock_guard lock(ack_mutex_);
      acks_.push_back({std::move(group), std::move(results)});
    }
    ack_wake_.notify_one();
  }

  void run_acknowledgements() {
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

  struct Stored {
    std::vector<Pending> group;
    std::vector<dispatch::Status> results;
  };

  const std::size_t max_group_;
  Store store_;
  std::function<void()> after_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool closing_ = false;

  std::mutex ack_mutex_;
  std::condition_variable ack_wake_;
  std::deque<Stored> acks_;
  bool ack_stop_ = false;

  std::thread writer_;
  std::thread acks_thread_;
};

// What storing one group took, for a ledger's statistics.
struct GroupOutcome {
  std::uint64_t transactions = 0;  // committed
  bool retried = false;            // the group failed and its writes were stored one by one
  bool unavailable = false;        // the storage was unavailable: nothing of the group stored
};

// The policy both ledgers store a group by. `store(from, to, results)` stores writes
// [from, to) in one transaction and returns that transaction's failure; a write that failed
// by itself without failing the transaction (a work undone to its savepoint) says so in
// results[i]. When the group's transaction fails because the storage is unavailable (a
// full disk, a lost database server), or the group is a single write, every write fails
// with it and the next group tries again. Otherwise each write is stored again alone, so a
// bad write fails only itself.
template <class StoreRange>
std::vector<dispatch::Status> store_or_retry(std::size_t size, StoreRange store, GroupOutcome& outcome) {
  std::vector<dispatch::Status> results(size);
  dispatch::Status failure = store(std::size_t{0}, size, results);
  if (!failure) {
    ++outcome.transactions;
    return results;
  }
  if (size == 1 || failure->code == dispatch::ErrorCode::storage_unavailable) {
    outcome.unavailable = failure->code == dispatch::ErrorCode::storage_unavailable;
    for (auto& r : results) r = failure;
    return results;
  }
  outcome.retried = true;
  for (std::size_t i = 0; i < size; ++i) {
    results[i].reset();
    if (auto e = store(i, i + 1, results)) results[i] = std::move(e);
    else ++outcome.transactions;
  }
  return results;
}

}  // namespace gridkeeper::data
