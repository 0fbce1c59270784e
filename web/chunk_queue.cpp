#include "web/chunk_queue.hpp"

#include <utility>

namespace gridkeeper::web {

ChunkQueue::ChunkQueue(std::size_t max_chunks, std::chrono::milliseconds stall_timeout,
                       std::atomic<std::uint64_t>* stall_counter)
    : max_chunks_(max_chunks ? max_chunks : 1), stall_timeout_(stall_timeout), stall_counter_(stall_counter) {}

bool ChunkQueue::push(std::string chunk) {
  std::function<void()> wake;
  {
    std::unique_lock lock(mutex_);
    if (state_ == State::open && chunks_.size() >= max_chunks_) {
      ++stalls_;
      if (stall_counter_) stall_counter_->fetch_add(1, std::memory_order_relaxed);
      producer_waiting_ = true;
      const bool room =
          room_.wait_for(lock, stall_timeout_, [&] { return state_ != State::open || chunks_.size() < max_chunks_; });
      producer_waiting_ = false;
      // A client that has taken nothing for the whole timeout is given up.
      if (!room) {
        state_ = State::abandoned;
        chunks_.clear();
        bytes_ = 0;
        wake = std::exchange(wake_, nullptr);
      }
    }
    if (state_ == State::open) {
      bytes_ += chunk.size();
      chunks_.push_back(std::move(chunk));
      wake = std::exchange(wake_, nullptr);
    }
    if (state_ != State::open) {
      lock.unlock();
      if (wake) wake();
      return false;
    }
  }
  if (wake) wake();
  return true;
}

void ChunkQueue::settle(State s) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::open) return;
    state_ = s;
    if (s != State::finished) {
      chunks_.clear();
      bytes_ = 0;
    }
    wake = std::exchange(wake_, nullptr);
  }
  room_.notify_all();
  if (wake) wake();
}

void ChunkQueue::finish() { settle(State::finished); }
void ChunkQueue::cut() { settle(State::cut); }

void ChunkQueue::abandon() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::open || state_ == State::finished) {
      state_ = State::abandoned;
      chunks_.clear();
      bytes_ = 0;
    }
    // The wake-up holds the connection; it is not called, only let go.
    wake = std::exchange(wake_, nullptr);
  }
  room_.notify_all();
}

ChunkQueue::Next ChunkQueue::pop(std::string& out, std::function<void()> wake) {
  {
    std::lock_guard lock(mutex_);
    if (!chunks_.empty()) {
      out = std::move(chunks_.front());
      chunks_.pop_front();
      bytes_ -= out.size();
    } else {
      switch (state_) {
        case State::open:
          wake_ = std::move(wake);
          return Next::wait;
        case State::finished:
          return Next::end;
        case State::cut:
        case State::abandoned:
          return Next::cut;
      }
    }
  }
  room_.notify_one();
  return Next::chunk;
}

std::size_t ChunkQueue::queued_chunks() const {
  std::lock_guard lock(mutex_);
  return chunks_.size();
}

std::size_t ChunkQueue::queued_bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

bool ChunkQueue::producer_waiting() const {
  std::lock_guard lock(mutex_);
  return producer_waiting_;
}

bool ChunkQueue::abandoned() const {
  std::lock_guard lock(mutex_);
  return state_ == State::abandoned;
}

std::size_t ChunkQueue::stalls() const {
  std::lock_guard lock(mutex_);
  return stalls_;
}

}  // namespace gridkeeper::web
