#pragma once
// bench_city's measured requests: one GET on a fresh loopback connection, its body
// counted as it streams in (never held whole, whatever its length), optionally gunzipped
// on the fly to count what it decodes to; the time to the headers and to the last byte.
// Every step is bounded by a timeout.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace gridkeeper::bench {

struct Fetched {
  int status = 0;  // 0: no answer (refused, broken or timed out)
  std::string error;
  double headers_ms = 0, total_ms = 0;
  std::size_t bytes = 0;          // as transferred
  std::size_t decoded_bytes = 0;  // gunzipped when the answer is gzip-encoded, else = bytes
  bool gzip_broken = false;       // a gzip body that did not decode
  std::string content_encoding, content_type, etag;
  std::string head;  // the first bytes of the (decoded) body, at most `keep` of them
};

struct FetchOptions {
  std::string token;
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  std::chrono::seconds timeout{120};
  std::size_t keep = 4096;
};

Fetched fetch(unsigned short port, const std::string& target, const FetchOptions& options);

}  // namespace gridkeeper::bench
