#pragma once
// The browser's defences, as response headers: the Content-Security-Policy of the UI
// (scripts, styles and connections from this server only; map tiles also from the tile
// server named in the UI directory's config.json), and the headers every answer carries
// (no MIME sniffing, no Referer leaving the page). Read once when the server starts.
#include <string>
#include <string_view>

#include "web/message.hpp"

namespace gridkeeper::web {

struct UiPolicy {
  std::string tile_origin;              // "https://*.tiles.example.org:8443", or empty; several: spaced
  std::string content_security_policy;  // the UI's policy, with tile_origin in img-src
};

// The origin a tile URL template loads from, as a CSP source: scheme, host and port, the
// `{s}` subdomain label as `*`. Empty for no URL, a same-origin (relative) one, or one that
// is not a plain http(s) URL (those tiles stay blocked).
std::string tile_origin(std::string_view tile_url);

std::string ui_content_security_policy(std::string_view tile_origin);

// Reads `tile_url` and the `url` of each of `basemaps` from ui_dir/config.json; a missing or
// unreadable file means no tiles.
// `warning` gets a sentence when the configured URL cannot be allowed.
UiPolicy load_ui_policy(const std::string& ui_dir, std::string* warning = nullptr);

// Headers of a UI file: the policy, X-Frame-Options, and those of every answer.
void add_ui_headers(Response& r, const UiPolicy& policy);

// Headers of every answer, added when absent: nosniff, no-referrer, and for answers that
// are not UI pages a policy that allows nothing (an API answer opened as a page runs
// nothing and cannot be framed).
void add_common_headers(Response& r);

}  // namespace gridkeeper::web
