// The bounded queue between a streamed answer's producer and its connection, and the sink
// that cuts a producer's output into chunks: a slow reader holds at most a few chunks of
// the server's memory, a reader that goes away stops the producer at its next write, and
// what comes out is what went in (gzip-compressed when asked).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "tests/eventually.hpp"
#include "web/chunk_queue.hpp"
#include "web/streaming.hpp"

using namespace gridkeeper::web;
using gridkeeper::testing::eventually;
using namespace std::chrono_literals;

namespace {

// Everything the queue holds until it ends; the ending (end or cut) in `how`.
std::string drain(ChunkQueue& q, ChunkQueue::Next* how) {
  std::string all, chunk;
  for (;;) {
    std::atomic<bool> woken{false};
    const auto next = q.pop(chunk, [&] { woken = true; });
    if (next == ChunkQueue::Next::chunk) {
      all += chunk;
      continue;
    }
    if (next == ChunkQueue::Next::wait) {
      REQUIRE(eventually([&] { return woken.load(); }));
      continue;
    }
    *how = next;
    return all;
  }
}

}  // namespace

TEST_CASE("A slow reader: the producer waits once max_chunks are queued; memory stays at that", "[stream]") {
  constexpr std::size_t kChunk = 64 * 1024;
  ChunkQueue q(4, 30s);
  std::atomic<int> pushed{0};
  std::atomic<bool> stopped{false};
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) {
      if (!q.push(std::string(kChunk, static_cast<char>('a' + i % 26)))) break;
      ++pushed;
    }
    stopped = true;
  });
  // Nobody reads: the producer stops at the fifth chunk.
  REQUIRE(eventually([&] { return q.producer_waiting(); }));
  CHECK(pushed == 4);
  CHECK(q.queued_chunks() == 4);
  CHECK(q.queued_bytes() == 4 * kChunk);

  // One chunk taken makes room for exactly one more.
  std::string chunk;
  REQUIRE(q.pop(chunk, nullptr) == ChunkQueue::Next::chunk);
  CHECK(chunk == std::string(kChunk, 'a'));
  REQUIRE(eventually([&] { return pushed == 5 && q.producer_waiting(); }));
  CHECK(q.queued_bytes() == 4 * kChunk);
  CHECK(q.stalls() >= 2);

  // The reader goes away: the waiting push returns false and the producer ends.
  q.abandon();
  REQUIRE(eventually([&] { return stopped.load(); }));
  producer.join();
  CHECK(pushed == 5);
  CHECK(q.abandoned());
  CHECK(q.queued_bytes() == 0);
  CHECK_FALSE(q.push("more"));
  CHECK(q.pop(chunk, nullptr) == ChunkQueue::Next::cut);
}

TEST_CASE("A reader that takes nothing for the stall timeout is given up", "[stream]") {
  ChunkQueue q(1, 20ms);
  REQUIRE(q.push("one"));
  CHECK_FALSE(q.push("two"));  // no room came
  CHECK(q.abandoned());
  std::string chunk;
  CHECK(q.pop(chunk, nullptr) == ChunkQueue::Next::cut);
}

TEST_CASE("The reader is woken when a chunk comes or the stream ends; finish keeps what is queued", "[stream]") {
  ChunkQueue q(4, 30s);
  std::string chunk;
  int wakes = 0;
  REQUIRE(q.pop(chunk, [&] { ++wakes; }) == ChunkQueue::Next::wait);
  REQUIRE(q.push("a"));
  CHECK(wakes == 1);
  REQUIRE(q.push("b"));
  CHECK(wakes == 1);  // once per wait
  q.finish();
  CHECK_FALSE(q.push("c"));
  REQUIRE(q.pop(chunk, nullptr) == ChunkQueue::Next::chunk);
  CHECK(chunk == "a");
  REQUIRE(q.pop(chunk, nullptr) == ChunkQueue::Next::chunk);
  CHECK(chunk == "b");
  CHECK(q.pop(chunk, nullptr) == ChunkQueue::Next::end);

  ChunkQueue cut(4, 30s);
  REQUIRE(cut.pop(chunk, [&] { ++wakes; }) == ChunkQueue::Next::wait);
  REQUIRE(cut.push("x"));
  cut.cut();  // an error after the first byte: what was queued is dropped, the end is broken
  CHECK(cut.pop(chunk, nullptr) == ChunkQueue::Next::cut);
}

TEST_CASE("StreamWriter: an answer shorter than a chunk comes back whole, with no stream", "[stream]") {
  int starts = 0;
  StreamWriter w({200, "text/csv; charset=utf-8", {{"Content-Disposition", "attachment"}}}, true, {},
                 [&](Response) { ++starts; });
  CHECK(w.write("a,b\r\n"));
  CHECK(w.write("1,2\r\n"));
  auto whole = w.finish();
  REQUIRE(whole);
  CHECK(starts == 0);
  CHECK(whole->body == "a,b\r\n1,2\r\n");
  CHECK(whole->content_type == "text/csv; charset=utf-8");
  CHECK(whole->stream == nullptr);
  CHECK(whole->headers.size() == 1);
}

TEST_CASE("StreamWriter: chunks of at most chunk_bytes, the head once, the same bytes out (plain and gzip)",
          "[stream]") {
  std::string text;
  for (int i = 0; text.size() < 300'000; ++i) text += "case," + std::to_string(i * 7919 % 100'003) + ",G-1,ok\r\n";
  for (bool gzip : {false, true}) {
    StreamOptions o;
    o.chunk_bytes = 4096;
    o.chunks_in_flight = 3;
    std::shared_ptr<ChunkQueue> queue;
    Response head;
    int starts = 0;
    StreamWriter w({200, "text/csv; charset=utf-8", {}}, gzip, o, [&](Response r) {
      ++starts;
      queue = r.stream;
      head = std::move(r);
    });
    // The reader runs on a thread of its own, as the connection does; it asserts nothing
    // itself (the test framework's checks belong to this thread).
    std::string out;
    std::size_t largest = 0;
    bool reader_gave_up = false;
    ChunkQueue::Next how{};
    std::thread reader;
    for (std::size_t at = 0; at < text.size(); at += 1000) {
      REQUIRE(w.write(std::string_view(text).substr(at, 1000)));
      if (queue && !reader.joinable())
        reader = std::thread([&] {
          std::string chunk;
          for (;;) {
            std::atomic<bool> woken{false};
            const auto next = queue->pop(chunk, [&] { woken = true; });
            if (next == ChunkQueue::Next::chunk) {
              largest = std::max(largest, chunk.size());
              out += chunk;
            } else if (next == ChunkQueue::Next::wait) {
              if (!eventually([&] { return woken.load(); })) {
                reader_gave_up = true;
                return;
              }
            } else {
              how = next;
              return;
            }
          }
        });
      CHECK((!queue || queue->queued_chunks() <= o.chunks_in_flight));
    }
    CHECK_FALSE(w.finish());
    REQUIRE(reader.joinable());
    reader.join();
    CHECK_FALSE(reader_gave_up);
    CHECK(largest <= o.chunk_bytes);
    CHECK(starts == 1);
    CHECK(how == ChunkQueue::Next::end);
    CHECK(head.body.empty());
    if (gzip) {
      REQUIRE(head.headers.size() == 2);
      CHECK(head.headers[1] == std::pair<std::string, std::string>{"Content-Encoding", "gzip"});
      bool ok = false;
      CHECK(gunzip(out, &ok) == text);
      CHECK(ok);
    } else {
      CHECK(out == text);
    }
  }
}

TEST_CASE("StreamWriter: once the reader is gone the next write says stop; an error after the head cuts", "[stream]") {
  StreamOptions o;
  o.chunk_bytes = 100;
  std::shared_ptr<ChunkQueue> queue;
  {
    StreamWriter w({200, "text/plain", {}}, false, o, [&](Response r) { queue = r.stream; });
    REQUIRE(w.write(std::string(250, 'x')));
    REQUIRE(queue);
    queue->abandon();
    CHECK_FALSE(w.write("y"));
    CHECK(w.abandoned());
  }
  {
    StreamWriter w({200, "text/plain", {}}, false, o, [&](Response r) { queue = r.stream; });
    REQUIRE(w.write(std::string(250, 'x')));
    w.cut();
    ChunkQueue::Next how{};
    drain(*queue, &how);
    CHECK(how == ChunkQueue::Next::cut);
  }
  {
    // A producer that leaves by an exception after the head: the stream is cut, not ended.
    {
      StreamWriter w({200, "text/plain", {}}, false, o, [&](Response r) { queue = r.stream; });
      REQUIRE(w.write(std::string(250, 'x')));
    }
    ChunkQueue::Next how{};
    drain(*queue, &how);
    CHECK(how == ChunkQueue::Next::cut);
  }
}
