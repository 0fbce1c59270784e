#include "web/openapi.hpp"

#include <string>

#include "web/compression.hpp"

namespace gridkeeper::web {

namespace generated {  // openapi_document.cpp, made by the build from docs/openapi.json
std::string_view openapi_text();
extern const std::string_view openapi_text_sha256;
}  // namespace generated

std::string_view openapi_document() { return generated::openapi_text(); }

std::string_view openapi_etag() {
  static const std::string tag = "\"sha256-" + std::string(generated::openapi_text_sha256.substr(0, 32)) + "\"";
  return tag;
}

Response openapi_response(const Request& request) {
  Response r;
  r.headers.emplace_back("ETag", std::string(openapi_etag()));
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (etag_matches(request.if_none_match, openapi_etag())) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  // Not "application/json" alone: that one the transport marks no-store, and this answer
  // is meant to be kept and revalidated.
  r.content_type = "application/json; charset=utf-8";
  add_vary_accept_encoding(r);
  if (accepts_gzip(request.accept_encoding)) {
    // Compressed once, not on every request (this answer is made on a network thread).
    static const std::string gzipped = gzip(openapi_document(), kGzipStaticLevel);
    r.body = gzipped;
    r.headers.emplace_back("Content-Encoding", "gzip");
    return r;
  }
  r.body = std::string(openapi_document());
  return r;
}

}  // namespace gridkeeper::web
