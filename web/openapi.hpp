#pragma once
// The API describes itself: docs/openapi.json (OpenAPI 3.1), compiled into the binary at
// build time (web/embed_text.cmake), served at GET /api/v1/openapi.json without a token.
// The answer carries an ETag (from the document's SHA-256) and is revalidated by clients
// (Cache-Control: no-cache); If-None-Match with that tag is answered 304 without a body.
#include <string_view>

#include "web/etag.hpp"
#include "web/message.hpp"

namespace gridkeeper::web {

// The document, byte for byte as docs/openapi.json was when the binary was built.
std::string_view openapi_document();

// Its entity tag, quoted: "sha256-<first 32 hex digits>".
std::string_view openapi_etag();

// 200 with the document, or 304 when the request's If-None-Match names its tag.
Response openapi_response(const Request& request);

}  // namespace gridkeeper::web
