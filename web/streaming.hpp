#pragma once
// Answers written as they are produced (Transfer-Encoding: chunked): a handler's producer
// runs on a pool thread and writes into a `ChunkSink`; the sink cuts what it is given into
// chunks, gzip-compressed incrementally when the client accepts it, and queues them for the
// connection (web/chunk_queue.hpp), waiting while the client is slow. The answer's head
// goes out with the first chunk, so an error found before it is still a plain error
// answer; an answer shorter than one chunk is sent whole, with its length. Router::stream
// runs a producer (web/router.hpp).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "web/chunk_queue.hpp"
#include "web/compression.hpp"
#include "web/message.hpp"

namespace gridkeeper::web {

// The head of a streamed answer: what a Response holds but its body.
struct StreamHead {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Where a producer writes its answer.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  // Appends to the answer. False once the stream is abandoned (the client went away, read
  // nothing for too long, or the server is stopping): the producer stops.
  virtual bool write(std::string_view bytes) = 0;
  // Sends what was written so far now, even less than a chunk.
  virtual bool flush() = 0;
};

struct StreamOptions {
  std::size_t chunk_bytes = 64 * 1024;  // the size of a chunk, before the last
  std::size_t chunks_in_flight = 4;     // queued for a slow client
  std::chrono::milliseconds stall_timeout{30'000};
  std::atomic<std::uint64_t>* stall_counter = nullptr;  // counts pushes that wait for room
};

// The sink of one answer. `start` sends the head (a Response with no body and `stream`
// set) once, from the producer's thread, when the first chunk is ready.
class StreamWriter final : public ChunkSink {
 public:
  using Start = std::function<void(Response head)>;
  StreamWriter(StreamHead head, bool gzip, StreamOptions options, Start start);
  ~StreamWriter() override;

  bool write(std::string_view bytes) override;
  bool flush() override;

  // The producer is done. When the head went out, the last chunks are queued and the
  // stream ends well (nullopt); otherwise the whole answer comes back as a plain Response,
  // to be sent (and compressed) as any other.
  std::optional<Response> finish();
  // The producer failed after the head went out: the client sees a broken transfer.
  void cut();

  bool started() const { return started_; }
  bool abandoned() const { return queue_->abandoned(); }
  const std::shared_ptr<ChunkQueue>& queue() const { return queue_; }

 private:
  bool start();
  bool send_full_chunks();  // queues `out_` in chunks of chunk_bytes, keeping the rest
  bool send_all();          // queues all of `out_`

  StreamHead head_;
  StreamOptions options_;
  Start start_;
  std::shared_ptr<ChunkQueue> queue_;
  std::unique_ptr<GzipStream> gzip_;  // set: the client accepts gzip and the type is worth it
  bool compress_ = false;
  bool started_ = false;
  bool done_ = false;
  std::string out_;  // before the head: what was written; after: encoded bytes not yet queued
};

}  // namespace gridkeeper::web
