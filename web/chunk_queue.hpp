#pragma once
// The bounded queue between a streamed answer's producer (a report pool thread) and the
// connection writing it (its strand). The producer blocks while the queue is full, so a
// client that reads slowly holds at most `max_chunks` chunks of the server's memory; the
// connection never blocks: it takes what is there, or leaves a wake-up to be called when
// more comes. Either side may give up: the producer cuts the stream (an error after the
// first byte), the connection abandons it (the client went away, a timeout, the server
// stops), and the producer's next push says so.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace gridkeeper::web {

class ChunkQueue {
 public:
  // `stall_timeout`: how long a push may wait for room before the stream is abandoned.
  // `stall_counter` (optional) counts, as they happen, the pushes that wait for room.
  ChunkQueue(std::size_t max_chunks, std::chrono::milliseconds stall_timeout,
             std::atomic<std::uint64_t>* stall_counter = nullptr);
  ChunkQueue(const ChunkQueue&) = delete;
  ChunkQueue& operator=(const ChunkQueue&) = delete;

  // ---- the producer ----

  // Queues a chunk, waiting while `max_chunks` are queued. False when the stream was
  // abandoned, or no room came within the stall timeout (the stream is then abandoned).
  bool push(std::string chunk);
  // The last chunk is queued: the stream ends well once the queue is written.
  void finish();
  // The stream ends broken: the connection is closed without the final chunk.
  void cut();

  // ---- the connection ----

  enum class Next { chunk, wait, end, cut };
  // chunk: `out` holds the next chunk. wait: nothing yet; `wake` runs once, on the
  // producer's thread, when a chunk comes or the stream ends. end, cut: the stream is over.
  Next pop(std::string& out, std::function<void()> wake);
  // The connection will take nothing more: the producer's next push returns false.
  void abandon();

  // ---- state, for metrics and tests ----

  std::size_t queued_chunks() const;
  std::size_t queued_bytes() const;
  bool producer_waiting() const;  // a push is waiting for room
  bool abandoned() const;
  std::size_t stalls() const;  // pushes that had to wait for room

 private:
  enum class State { open, finished, cut, abandoned };
  void settle(State s);

  const std::size_t max_chunks_;
  const std::chrono::milliseconds stall_timeout_;
  std::atomic<std::uint64_t>* const stall_counter_;
  mutable std::mutex mutex_;
  std::condition_variable room_;
  std::deque<std::string> chunks_;
  std::size_t bytes_ = 0;
  State state_ = State::open;
  bool producer_waiting_ = false;
  std::size_t stalls_ = 0;
  std::function<void()> wake_;
};

}  // namespace gridkeeper::web
