#pragma once
// Entity tags for answers that clients keep and revalidate (Cache-Control: no-cache): the
// API's description, the grids' GeoJSON, the overdue map's shapes. A tag is made from a
// hash of what the answer depends on; If-None-Match naming it is answered 304, no body.
#include <cstdint>
#include <string>
#include <string_view>

#include "web/message.hpp"

namespace gridkeeper::web {

// Whether an If-None-Match header names `etag` (or is `*`); weak tags compare as strong.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// FNV-1a, 64 bits: what a tag is made of. Each part is followed by a separator, so that
// ("ab", "c") and ("a", "bc") differ.
class TagHash {
 public:
  TagHash& add(std::string_view text);
  TagHash& add(std::uint64_t n);
  std::uint64_t value() const { return h_; }
  // The tag, quoted: "<prefix>-<16 hex digits>".
  std::string tag(std::string_view prefix) const;

 private:
  std::uint64_t h_ = 14695981039346656037ull;
};

// The headers of a revalidated answer (ETag, Cache-Control: no-cache); when the request's
// If-None-Match names the tag, the answer becomes a 304 without a body and true is returned.
bool tag_answer(Response& r, const Request& request, const std::string& etag);

}  // namespace gridkeeper::web
