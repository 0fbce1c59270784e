#pragma once
// Plain request and response values passed between the transport (Beast sessions) and the
// API handlers, so that the handlers never see a socket and the transport never sees JSON.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gridkeeper::web {

class ChunkQueue;  // web/chunk_queue.hpp

enum class Method { get, head, post, put, delete_, options, other };

struct Request {
  Method method = Method::get;
  std::string target;  // origin form: path and query, as received
  std::string content_type;
  std::string authorization;    // the Authorization header, if any
  std::string if_none_match;    // the If-None-Match header, if any (GET /api/v1/openapi.json)
  std::string accept_encoding;  // the Accept-Encoding header, if any (gzip answers)
  std::string accept;           // the Accept header, if any (GET /api/v1/audit: text/csv)
  std::string body;
  std::string peer;  // remote address, for per-address login throttling
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Retry-After, ...)
  // Set: the body is not here but streamed, chunk by chunk, from this queue
  // (Transfer-Encoding: chunked; web/streaming.hpp).
  std::shared_ptr<ChunkQueue> stream;
};

// Runs exactly once per request, on any thread; the transport moves back to its strand.
using Reply = std::function<void(Response)>;

}  // namespace gridkeeper::web
